// index: a damaged index is a neardup::error, never a crash. The first byte picks what the rest of
// the input becomes in a small valid index: its settings record, an essay record, the essay count,
// an id's doc number or a posting value (written through LMDB, so the file stays a valid LMDB
// file and every check of neardup's own records is reached), or the first two pages of its data
// file (LMDB's meta pages, checked before LMDB reads them). Deeper pages are not fuzzed: LMDB
// trusts its B-tree pages (docs/index.md).
#include <lmdb.h>
#include <unistd.h>
#include <neardup/error.hpp>
#include <neardup/index.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

namespace fs = std::filesystem;

neardup::index_settings small_settings() {
  neardup::index_settings s;
  s.signature.minhash.num_perm = 16;
  s.lsh = {4, 4};
  s.templates = false;
  return s;
}

// A valid index of three essays, made once; its data file's bytes.
std::string const& valid_index(fs::path const& dir) {
  static std::string const bytes = [&] {
    fs::path const made = dir / "valid";
    fs::remove_all(made);
    {
      neardup::index idx(made.string(), small_settings());
      std::vector<neardup::stored_essay> essays(3);
      for (std::uint32_t i = 0; i < 3; ++i) {
        auto& e = essays[i];
        e.info.id = "essay" + std::to_string(i);
        e.info.file = "f.txt";
        for (std::uint32_t v = 0; v < 16; ++v) e.signature.push_back(v * 7 + i);
        e.keys = {1, 2, 3, 100 + i};
      }
      idx.add(essays);
    }
    std::ifstream in(made / "data.mdb", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  return bytes;
}

fs::path work_dir() {
  static fs::path const dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "neardup-fuzz-index-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    FUZZ_CHECK(made != nullptr);
    return fs::path(made);
  }();
  return dir;
}

// Puts `value` under `key` in table `table` of the index at `dir`, through LMDB.
void put(fs::path const& dir, char const* table, std::string_view key, std::string_view value) {
  MDB_env* env = nullptr;
  FUZZ_CHECK(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 4);
  mdb_env_set_mapsize(env, std::size_t{1} << 30);
  FUZZ_CHECK(mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0644) == 0);
  MDB_txn* txn = nullptr;
  FUZZ_CHECK(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
  MDB_dbi dbi = 0;
  bool const postings = std::string_view(table) == "postings";
  FUZZ_CHECK(mdb_dbi_open(txn, table, postings ? MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP : 0,
                          &dbi) == 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())},
      v{value.size(), const_cast<char*>(value.data())};
  // A value LMDB itself refuses is no test of ours.
  if (!key.empty() && mdb_put(txn, dbi, &k, &v, 0) == 0)
    FUZZ_CHECK(mdb_txn_commit(txn) == 0);
  else
    mdb_txn_abort(txn);
  mdb_env_close(env);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  fs::path const dir = work_dir();
  std::string const& valid = valid_index(dir);
  fs::path const idx = dir / "index";
  fs::remove_all(idx);
  fs::create_directories(idx);
  std::string bytes = valid;
  std::string_view const rest(reinterpret_cast<char const*>(data) + 1, size - 1);
  unsigned const mode = data[0] % 6;
  if (mode == 5) bytes.replace(0, std::min(rest.size(), std::size_t{8192}), rest.substr(0, 8192));
  {
    std::ofstream out(idx / "data.mdb", std::ios::binary);
    out << bytes;
  }
  std::string const doc0("\0\0\0\0", 4), doc1("\0\0\0\1", 4);
  std::string const posting("\0\0\0\0\0\0\0\0\0\1", 10);  // band 0, key 1
  switch (mode) {
    case 0:
      put(idx, "meta", "settings", rest);
      break;
    case 1:
      put(idx, "essays", doc1, rest);
      break;
    case 2:
      put(idx, "meta", "essays", rest);
      break;
    case 3:
      put(idx, "ids", "essay2", rest);
      break;
    case 4: {
      // A fixed-size list's values are 4 bytes: LMDB copies that many whatever the size given.
      std::string value(rest.substr(0, 4));
      value.resize(4, '\0');
      put(idx, "postings", posting, value);
      break;
    }
    default:
      break;
  }
  try {
    neardup::index index(idx.string(), small_settings(), neardup::index_mode::read_only);
    auto const stats = index.stats();
    std::uint64_t const keys[] = {1, 2, 3, 101};
    for (std::uint32_t doc : index.candidates(keys, {})) {
      try {
        (void)index.essay(doc);
      } catch (neardup::error const&) {
      }
    }
    for (char const* id : {"essay0", "essay1", "essay2"}) {
      try {
        if (auto const doc = index.find(id)) (void)index.essay(*doc);
      } catch (neardup::error const&) {
      }
    }
    FUZZ_CHECK(stats.file_bytes > 0);
  } catch (neardup::error const&) {
    // Refused with a message: what a damaged index must give.
  }
  return 0;
}
