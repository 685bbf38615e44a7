#include "neardup/index.hpp"

#include <lmdb.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "neardup/error.hpp"
#include "neardup/minhash.hpp"

namespace neardup {
namespace {

// The data file is a sparse map: its size is the most it may grow to, not what it takes.
constexpr std::size_t map_bytes = std::size_t{1} << 40;
// LMDB's default largest key is 511 bytes; longer ids are cut and a hash of the whole appended.
constexpr std::size_t id_key_bytes = 480;
constexpr std::uint16_t sentence_band = 0x8000;  // band numbers of the sentence sketch
constexpr std::uint32_t record_version = 1;

[[noreturn]] void fail(errc code, std::string const& what) {
  throw error(code, what);
}

void check(int rc, std::string const& what) {
  if (rc == MDB_SUCCESS) return;
  errc const code = rc == MDB_CORRUPTED || rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH
                        ? errc::parse_error
                    : rc == MDB_MAP_FULL ? errc::limit_exceeded
                                         : errc::io_error;
  fail(code, what + ": " + mdb_strerror(rc));
}

MDB_val val(void const* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};
}
MDB_val val(std::string_view s) {
  return val(s.data(), s.size());
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string id_key(std::string_view id) {
  if (id.size() <= id_key_bytes) return std::string(id);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(id)));
  return std::string(id.substr(0, id_key_bytes - 17)) + "#" + hex;
}

// Doc numbers and posting keys big-endian, so that the B-tree's byte order is numeric order.
std::array<unsigned char, 4> doc_key(std::uint32_t doc) {
  return {static_cast<unsigned char>(doc >> 24), static_cast<unsigned char>(doc >> 16),
          static_cast<unsigned char>(doc >> 8), static_cast<unsigned char>(doc)};
}
std::array<unsigned char, 10> posting_key(std::uint16_t band, std::uint64_t key) {
  std::array<unsigned char, 10> k{};
  k[0] = static_cast<unsigned char>(band >> 8);
  k[1] = static_cast<unsigned char>(band);
  for (int i = 0; i < 8; ++i) k[2 + i] = static_cast<unsigned char>(key >> (56 - 8 * i));
  return k;
}

// ---- records: little-endian fields, every read bounds-checked ----

struct writer {
  std::string out;
  void u8(unsigned v) { out.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out.append(s);
  }
};

struct reader {
  std::string_view in;
  std::string what;  // named in the error
  [[noreturn]] void damaged() const { fail(errc::parse_error, what + " is damaged"); }
  void need(std::size_t n) const {
    if (in.size() < n) damaged();
  }
  unsigned u8() {
    need(1);
    unsigned const v = static_cast<unsigned char>(in[0]);
    in.remove_prefix(1);
    return v;
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(in[i])} << (8 * i);
    in.remove_prefix(4);
    return v;
  }
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
    in.remove_prefix(8);
    return v;
  }
  std::string str() {
    std::uint32_t const n = u32();
    need(n);
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
  bool flag() {
    unsigned const v = u8();
    if (v > 1) damaged();
    return v == 1;
  }
};

std::string encode(stored_essay const& e) {
  writer w;
  w.u32(record_version);
  auto const& i = e.info;
  w.str(i.id);
  w.str(i.file);
  w.u32(i.index);
  w.str(i.title);
  w.u64(i.line);
  w.u64(i.last_line);
  w.u64(i.bytes);
  w.u64(i.offset);
  w.u64(i.source_bytes);
  w.u8(e.jsonl);
  w.str(e.id_field);
  w.str(e.text_field);
  w.str(e.encoding);
  w.u8(e.verbatim);
  w.u64(e.file_bytes);
  w.u64(static_cast<std::uint64_t>(e.version.modified_ns));
  w.u64(e.version.inode);
  w.u64(e.version.device);
  w.u64(e.signed_info.normalized_chars);
  w.u64(e.signed_info.shingles);
  w.u64(e.signed_info.sentences);
  w.u8(e.empty);
  w.u32(static_cast<std::uint32_t>(e.signature.size()));
  for (auto v : e.signature) w.u32(v);
  w.u32(static_cast<std::uint32_t>(e.keys.size()));
  for (auto v : e.keys) w.u64(v);
  w.u32(static_cast<std::uint32_t>(e.sentence_keys.size()));
  for (auto v : e.sentence_keys) w.u64(v);
  w.u8(e.filter.has_value());
  if (e.filter) {
    for (auto v : e.filter->words) w.u64(v);
    for (auto v : e.filter->lines) w.u64(v);
    w.u32(e.filter->sentences);
    w.u32(e.filter->set_bits);
    w.u32(e.filter->line_count);
  }
  return std::move(w.out);
}

stored_essay decode(std::string_view bytes, std::uint32_t doc, index_settings const& s) {
  reader r{bytes, "the index's record of essay " + std::to_string(doc)};
  if (r.u32() != record_version) r.damaged();
  stored_essay e;
  auto& i = e.info;
  i.id = r.str();
  i.file = r.str();
  i.index = r.u32();
  i.title = r.str();
  i.line = r.u64();
  i.last_line = r.u64();
  i.bytes = r.u64();
  i.offset = r.u64();
  i.source_bytes = r.u64();
  e.jsonl = r.flag();
  e.id_field = r.str();
  e.text_field = r.str();
  e.encoding = r.str();
  e.verbatim = r.flag();
  e.file_bytes = r.u64();
  e.version.modified_ns = static_cast<std::int64_t>(r.u64());
  e.version.inode = r.u64();
  e.version.device = r.u64();
  e.signed_info.normalized_chars = r.u64();
  e.signed_info.shingles = r.u64();
  e.signed_info.sentences = r.u64();
  e.empty = r.flag();
  std::uint32_t const k = r.u32();
  if (k != s.signature.minhash.num_perm) r.damaged();
  e.signature.resize(k);
  for (auto& v : e.signature) v = r.u32();
  if (r.u32() != s.lsh.bands) r.damaged();
  e.keys.resize(s.lsh.bands);
  for (auto& v : e.keys) v = r.u64();
  std::uint32_t const sb = r.u32();
  if (sb != 0 && (!s.templates || sb != s.sentence_lsh.bands)) r.damaged();
  e.sentence_keys.resize(sb);
  for (auto& v : e.sentence_keys) v = r.u64();
  if (r.flag()) {
    sentence_filter f;
    for (auto& v : f.words) v = r.u64();
    for (auto& v : f.lines) v = r.u64();
    f.sentences = r.u32();
    std::uint32_t const bits = r.u32(), lines = r.u32();
    if (bits > sentence_filter::bits || lines > sentence_filter::max_lines) r.damaged();
    f.set_bits = static_cast<std::uint16_t>(bits);
    f.line_count = static_cast<std::uint16_t>(lines);
    e.filter = f;
  }
  if (!r.in.empty()) r.damaged();
  return e;
}

// ---- settings: "key=value" lines, compared key by key ----

using settings_map = std::map<std::string, std::string>;

settings_map settings_of(index_settings const& s) {
  auto b = [](bool v) { return std::string(v ? "1" : "0"); };
  auto const& n = s.signature.normalize;
  settings_map m;
  m["index_format_version"] = std::to_string(index_format_version);
  m["signature_format_version"] = std::to_string(signature_format_version);
  m["nfkc_casefold"] = b(n.nfkc_casefold);
  m["traditional_to_simplified"] = b(n.traditional_to_simplified);
  m["strip_pinyin_annotations"] = b(n.strip_pinyin_annotations);
  m["strip_web_artifacts"] = b(n.strip_web_artifacts);
  m["drop_punctuation"] = b(n.drop_punctuation);
  m["drop_whitespace"] = b(n.drop_whitespace);
  m["unit"] = s.signature.unit == shingle_unit::word ? "word" : "character";
  m["ngram"] = std::to_string(s.signature.shingle.n);
  m["shingle_seed"] = std::to_string(s.signature.shingle.seed);
  m["num_perm"] = std::to_string(s.signature.minhash.num_perm);
  m["scheme"] = std::string(minhash_scheme_name(s.signature.minhash.scheme));
  m["seed"] = std::to_string(s.signature.minhash.seed);
  m["bands"] = std::to_string(s.lsh.bands);
  m["rows"] = std::to_string(s.lsh.rows);
  m["templates"] = b(s.templates);
  if (s.templates) {
    m["sentence_num_perm"] = std::to_string(s.signature.sentences.num_perm);
    m["sentence_min_chars"] = std::to_string(s.signature.sentences.min_chars);
    m["sentence_bands"] = std::to_string(s.sentence_lsh.bands);
    m["sentence_rows"] = std::to_string(s.sentence_lsh.rows);
  }
  return m;
}

std::string text_of(settings_map const& m) {
  std::string t;
  for (auto const& [k, v] : m) t += k + "=" + v + "\n";
  return t;
}

settings_map parse_settings(std::string_view text, std::string const& path) {
  settings_map m;
  while (!text.empty()) {
    auto const nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    auto const eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0)
      fail(errc::parse_error, "index " + path + ": its settings record is damaged");
    m.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return m;
}

unsigned number(settings_map const& m, std::string const& key, std::string const& path,
                unsigned long long max = UINT32_MAX) {
  auto const it = m.find(key);
  if (it == m.end() || it->second.empty() || it->second.size() > 20 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    fail(errc::parse_error, "index " + path + ": its settings record lacks a valid " + key);
  unsigned long long const v = std::stoull(it->second);
  if (v > max) fail(errc::parse_error, "index " + path + ": its " + key + " is out of range");
  return static_cast<unsigned>(v);
}

index_settings settings_from(settings_map const& m, std::string const& path) {
  if (number(m, "index_format_version", path) != index_format_version)
    fail(errc::parse_error, "index " + path + " has format version " +
                                m.at("index_format_version") + "; this neardup reads version " +
                                std::to_string(index_format_version));
  index_settings s;
  auto flag = [&](std::string const& key) { return number(m, key, path, 1) == 1; };
  auto& n = s.signature.normalize;
  n.nfkc_casefold = flag("nfkc_casefold");
  n.traditional_to_simplified = flag("traditional_to_simplified");
  n.strip_pinyin_annotations = flag("strip_pinyin_annotations");
  n.strip_web_artifacts = flag("strip_web_artifacts");
  n.drop_punctuation = flag("drop_punctuation");
  n.drop_whitespace = flag("drop_whitespace");
  auto const unit = m.find("unit");
  s.signature.unit =
      unit != m.end() && unit->second == "word" ? shingle_unit::word : shingle_unit::character;
  s.signature.shingle.n = number(m, "ngram", path, 64);
  auto const seed = m.find("seed"), shingle_seed = m.find("shingle_seed"),
             scheme = m.find("scheme");
  if (seed == m.end() || shingle_seed == m.end() || scheme == m.end())
    fail(errc::parse_error, "index " + path + ": its settings record is incomplete");
  try {
    s.signature.shingle.seed = std::stoull(shingle_seed->second);
    s.signature.minhash.seed = std::stoull(seed->second);
    s.signature.minhash.scheme = minhash_scheme_from_name(scheme->second);
  } catch (std::exception const&) {
    fail(errc::parse_error, "index " + path + ": its settings record is damaged");
  }
  s.signature.minhash.num_perm = number(m, "num_perm", path, 8192);
  s.lsh.bands = number(m, "bands", path, 8192);
  s.lsh.rows = number(m, "rows", path, 8192);
  s.templates = flag("templates");
  if (s.templates) {
    s.signature.sentences.num_perm = number(m, "sentence_num_perm", path, 8192);
    s.signature.sentences.min_chars = number(m, "sentence_min_chars", path);
    s.sentence_lsh.bands = number(m, "sentence_bands", path, 8192);
    s.sentence_lsh.rows = number(m, "sentence_rows", path, 8192);
  }
  if (s.signature.minhash.num_perm == 0 || s.lsh.bands == 0 || s.lsh.rows == 0 ||
      std::size_t{s.lsh.bands} * s.lsh.rows > s.signature.minhash.num_perm)
    fail(errc::parse_error, "index " + path + ": its bands and rows do not fit its signatures");
  return s;
}

void validate(index_settings const& s) {
  auto const k = s.signature.minhash.num_perm;
  if (k == 0 || s.lsh.bands == 0 || s.lsh.rows == 0 || std::size_t{s.lsh.bands} * s.lsh.rows > k ||
      s.lsh.bands >= sentence_band)
    throw error(errc::invalid_argument, "index settings: bands × rows must fit num_perm");
  if (s.templates &&
      (s.sentence_lsh.bands == 0 || s.sentence_lsh.rows == 0 ||
       s.sentence_lsh.bands >= sentence_band ||
       std::size_t{s.sentence_lsh.bands} * s.sentence_lsh.rows > s.signature.sentences.num_perm))
    throw error(errc::invalid_argument,
                "index settings: sentence bands × rows must fit its num_perm");
}

// LMDB trusts its file: a meta page that names pages past the end has it read beyond the map.
// What can be checked before opening is checked here: the two meta pages (LMDB's own layout, the
// 64-bit one of liblmdb 0.9: a 16-byte page header, then magic, version, address, map size, the
// free and main tables' records of 48 bytes, the last page and the transaction id), their page
// size, and that the last page and the tables' roots lie within the file. Damage deeper in the
// B-tree is LMDB's to find (docs/index.md).
void check_data_file(std::string const& file, std::string const& where) {
  std::error_code ec;
  auto const size = std::filesystem::file_size(file, ec);
  if (ec) fail(errc::io_error, where + ": " + ec.message());
  std::string head(std::min<std::uintmax_t>(size, 2 * 65536), '\0');
  {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) fail(errc::io_error, where + ": cannot read its data file");
    std::size_t const got = std::fread(head.data(), 1, head.size(), f);
    std::fclose(f);
    if (got != head.size()) fail(errc::io_error, where + ": cannot read its data file");
  }
  auto damaged = [&](std::string const& why) {
    fail(errc::parse_error, where + ": its data file is damaged (" + why + ")");
  };
  auto u64_at = [&](std::size_t at) {
    std::uint64_t v = 0;
    std::memcpy(&v, head.data() + at, 8);
    return v;
  };
  auto u32_at = [&](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, head.data() + at, 4);
    return v;
  };
  constexpr std::size_t page_header = 16, meta_magic = 0xBEEFC0DE;
  if (head.size() < page_header + 160) damaged("shorter than its meta pages");
  std::uint32_t const psize = u32_at(page_header + 24);  // the free table's md_pad: the page size
  if (psize < 512 || psize > 65536 || (psize & (psize - 1)) != 0) damaged("page size");
  if (size % psize != 0 || size < 2u * psize || head.size() < 2u * psize)
    damaged("size is not whole pages");
  std::uint64_t const pages = size / psize;
  for (std::size_t m = 0; m < 2; ++m) {
    std::size_t const at = m * psize + page_header;
    if (u32_at(at) != meta_magic) damaged("meta page magic");
    std::uint64_t const last = u64_at(at + 24 + 2 * 48);
    if (last >= pages) damaged("meta page names pages past the end");
    for (std::size_t db = 0; db < 2; ++db) {
      std::uint64_t const root = u64_at(at + 24 + db * 48 + 40);
      if (root != ~std::uint64_t{0} && (root > last || root < 2))
        damaged("table root out of range");
    }
  }
}

struct txn_guard {
  MDB_txn* txn = nullptr;
  ~txn_guard() {
    if (txn) mdb_txn_abort(txn);
  }
};

std::string data_file(std::string const& path) {
  return (std::filesystem::path(path) / "data.mdb").string();
}

}  // namespace

std::string index_settings_text(index_settings const& settings) {
  return text_of(settings_of(settings));
}

struct index::state {
  std::string path;
  index_settings settings;
  bool read_only = false;
  MDB_env* env = nullptr;
  MDB_dbi meta = 0, essays = 0, ids = 0, postings = 0;
  MDB_txn* snapshot = nullptr;  // the read transaction everything reads from

  ~state() {
    if (snapshot) mdb_txn_abort(snapshot);
    if (env) mdb_env_close(env);
  }
  [[nodiscard]] std::string where() const { return "index " + path; }

  void open_env(index_mode mode) {
    std::error_code ec;
    if (mode == index_mode::create) {
      std::filesystem::create_directories(path, ec);
      if (ec) fail(errc::io_error, where() + ": cannot create it: " + ec.message());
    } else if (!std::filesystem::exists(data_file(path), ec)) {
      fail(errc::io_error, where() + ": no index there (no data.mdb)");
    }
    check(mdb_env_create(&env), where());
    check(mdb_env_set_maxdbs(env, 4), where());
    check(mdb_env_set_mapsize(env, map_bytes), where());
    if (std::filesystem::exists(data_file(path), ec)) check_data_file(data_file(path), where());
    // No read-ahead: lookups are random, and the kernel's read-ahead of each would read (and map)
    // most of the file for a batch of a thousand essays.
    unsigned const flags = MDB_NOTLS | MDB_NORDAHEAD | (read_only ? MDB_RDONLY : 0u);
    check(mdb_env_open(env, path.c_str(), flags, 0644), where() + ": cannot open it");
    // Readers killed while reading leave their slots taken; free them.
    int dead = 0;
    mdb_reader_check(env, &dead);
  }

  // The meta record: written when the index is new, else compared with the settings given.
  void open_dbs(bool compare) {
    txn_guard t;
    check(mdb_txn_begin(env, nullptr, read_only ? MDB_RDONLY : 0u, &t.txn), where());
    unsigned const create = read_only ? 0u : MDB_CREATE;
    auto open = [&](char const* name, unsigned flags, MDB_dbi& dbi) {
      int const rc = mdb_dbi_open(t.txn, name, flags | create, &dbi);
      if (rc == MDB_NOTFOUND)
        fail(errc::parse_error, where() + " is not a neardup index (no " + name + " table)");
      check(rc, where() + ": table " + name);
    };
    open("meta", 0, meta);
    open("essays", 0, essays);
    open("ids", 0, ids);
    open("postings", MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, postings);
    MDB_val k = val(std::string_view("settings")), v;
    int const rc = mdb_get(t.txn, meta, &k, &v);
    if (rc == MDB_NOTFOUND) {
      if (read_only) fail(errc::parse_error, where() + " is not a neardup index (no settings)");
      std::string const text = index_settings_text(settings);
      MDB_val sv = val(text);
      check(mdb_put(t.txn, meta, &k, &sv, 0), where());
    } else {
      check(rc, where());
      std::string_view const stored(static_cast<char const*>(v.mv_data), v.mv_size);
      settings_map const was = parse_settings(stored, path);
      index_settings const parsed = settings_from(was, path);
      if (compare) {
        settings_map const now = settings_of(settings);
        std::string diff;
        for (auto const& [key, value] : now) {
          auto const it = was.find(key);
          std::string const there = it == was.end() ? "(none)" : it->second;
          if (there != value)
            diff += (diff.empty() ? "" : ", ") + key + " " + there + " there, " + value + " here";
        }
        for (auto const& [key, value] : was)
          if (!now.contains(key))
            diff += (diff.empty() ? "" : ", ") + key + " " + value + " there, (none) here";
        if (!diff.empty())
          fail(errc::invalid_argument, where() + " was built with other settings (" + diff +
                                           "): its signatures could not be compared with these; "
                                           "use the same options or another index");
      }
      settings = parsed;
    }
    check(mdb_txn_commit(t.txn), where());
    t.txn = nullptr;
  }

  void begin_snapshot() {
    if (snapshot) {
      mdb_txn_abort(snapshot);
      snapshot = nullptr;
    }
    check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &snapshot), where());
  }

  [[nodiscard]] std::uint32_t count(MDB_txn* txn) const {
    MDB_val k = val(std::string_view("essays")), v;
    int const rc = mdb_get(txn, meta, &k, &v);
    if (rc == MDB_NOTFOUND) return 0;
    check(rc, where());
    reader r{std::string_view(static_cast<char const*>(v.mv_data), v.mv_size),
             where() + "'s essay count"};
    std::uint32_t const n = r.u32();
    if (!r.in.empty()) r.damaged();
    return n;
  }
};

index::index(std::string const& path, index_settings const& settings, index_mode mode)
    : state_(std::make_unique<state>()) {
  validate(settings);
  state_->path = path;
  state_->settings = settings;
  state_->read_only = mode == index_mode::read_only;
  state_->open_env(mode);
  state_->open_dbs(true);
  state_->begin_snapshot();
}

index::~index() = default;
index::index(index&&) noexcept = default;
index& index::operator=(index&&) noexcept = default;

std::optional<index_settings> index::stored_settings(std::string const& path) {
  std::error_code ec;
  if (!std::filesystem::exists(data_file(path), ec)) return std::nullopt;
  state s;
  s.path = path;
  s.read_only = true;
  s.open_env(index_mode::read_only);
  s.open_dbs(false);
  return s.settings;
}

std::vector<std::uint32_t> index::candidates(std::span<const std::uint64_t> keys,
                                             std::span<const std::uint64_t> sentence_keys) const {
  auto const& s = state_->settings;
  std::size_t const b = s.lsh.bands, sb = s.templates ? s.sentence_lsh.bands : 0;
  if (keys.size() % b != 0 || (sb == 0 ? !sentence_keys.empty() : sentence_keys.size() % sb != 0))
    throw error(errc::invalid_argument, "index::candidates: keys must be bands per essay");
  std::vector<std::uint32_t> found;
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(state_->snapshot, state_->postings, &cursor), state_->where());
  auto look = [&](std::uint16_t band, std::uint64_t key) {
    auto const k = posting_key(band, key);
    MDB_val kv = val(k.data(), k.size()), v;
    int rc = mdb_cursor_get(cursor, &kv, &v, MDB_SET);
    if (rc == MDB_NOTFOUND) return;
    check(rc, state_->where());
    // DUPFIXED: the docs come a page at a time.
    for (rc = mdb_cursor_get(cursor, &kv, &v, MDB_GET_MULTIPLE); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &kv, &v, MDB_NEXT_MULTIPLE)) {
      if (v.mv_size % 4 != 0)
        fail(errc::parse_error, state_->where() + ": a posting list is damaged");
      std::size_t const at = found.size();
      found.resize(at + v.mv_size / 4);
      std::memcpy(found.data() + at, v.mv_data, v.mv_size);
    }
    if (rc != MDB_NOTFOUND) check(rc, state_->where());
  };
  try {
    for (std::size_t i = 0; i < keys.size(); ++i) look(static_cast<std::uint16_t>(i % b), keys[i]);
    for (std::size_t i = 0; i < sentence_keys.size(); ++i)
      look(static_cast<std::uint16_t>(sentence_band | (i % sb)), sentence_keys[i]);
  } catch (...) {
    mdb_cursor_close(cursor);
    throw;
  }
  mdb_cursor_close(cursor);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

stored_essay index::essay(std::uint32_t doc) const {
  auto const k = doc_key(doc);
  MDB_val kv = val(k.data(), k.size()), v;
  int const rc = mdb_get(state_->snapshot, state_->essays, &kv, &v);
  if (rc == MDB_NOTFOUND)
    throw error(errc::invalid_argument, state_->where() + " holds no essay " + std::to_string(doc));
  check(rc, state_->where());
  return decode(std::string_view(static_cast<char const*>(v.mv_data), v.mv_size), doc,
                state_->settings);
}

std::optional<std::uint32_t> index::find(std::string_view id) const {
  std::string const key = id_key(id);
  MDB_val kv = val(key), v;
  int const rc = mdb_get(state_->snapshot, state_->ids, &kv, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, state_->where());
  if (v.mv_size != 4) fail(errc::parse_error, state_->where() + ": the id table is damaged");
  std::uint32_t doc = 0;
  std::memcpy(&doc, v.mv_data, 4);
  if (key.size() == id.size()) return doc;
  // A long id was cut: the key names it only with its hash; the record has it whole.
  if (essay(doc).info.id != id) return std::nullopt;
  return doc;
}

index_add_result index::add(std::span<const stored_essay> essays) {
  auto& st = *state_;
  if (st.read_only) throw error(errc::invalid_argument, st.where() + " was opened read-only");
  auto const& s = st.settings;
  for (auto const& e : essays) {
    if (e.signature.size() != s.signature.minhash.num_perm || e.keys.size() != s.lsh.bands ||
        (!e.sentence_keys.empty() &&
         (!s.templates || e.sentence_keys.size() != s.sentence_lsh.bands)))
      throw error(errc::invalid_argument,
                  "index::add: essay " + e.info.id +
                      " has a signature or band keys of another size than the index's");
    if (e.info.id.empty())
      throw error(errc::invalid_argument, "index::add: an essay without an id");
  }
  index_add_result result;
  txn_guard t;
  // Waits here while another process writes (LMDB's writer lock).
  check(mdb_txn_begin(st.env, nullptr, 0, &t.txn), st.where() + ": cannot begin writing");
  std::uint32_t next = st.count(t.txn);
  for (auto const& e : essays) {
    std::string const key = id_key(e.info.id);
    auto const doc = doc_key(next);
    MDB_val kv = val(key), dv = val(doc.data(), doc.size());
    std::uint32_t const native = next;
    MDB_val nv = val(&native, 4);
    int const rc = mdb_put(t.txn, st.ids, &kv, &nv, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
      result.already_stored.push_back(e.info.id);
      continue;
    }
    check(rc, st.where() + ": storing " + e.info.id);
    std::string const record = encode(e);
    MDB_val rv = val(record);
    check(mdb_put(t.txn, st.essays, &dv, &rv, MDB_APPEND), st.where() + ": storing " + e.info.id);
    if (!e.empty) {
      auto put = [&](std::uint16_t band, std::uint64_t k) {
        auto const pk = posting_key(band, k);
        MDB_val pkv = val(pk.data(), pk.size()), pv = val(&native, 4);
        check(mdb_put(t.txn, st.postings, &pkv, &pv, 0), st.where() + ": storing " + e.info.id);
      };
      for (std::size_t i = 0; i < e.keys.size(); ++i) put(static_cast<std::uint16_t>(i), e.keys[i]);
      for (std::size_t i = 0; i < e.sentence_keys.size(); ++i)
        put(static_cast<std::uint16_t>(sentence_band | i), e.sentence_keys[i]);
    }
    ++next;
    ++result.added;
  }
  writer w;
  w.u32(next);
  MDB_val ck = val(std::string_view("essays")), cv = val(w.out);
  check(mdb_put(t.txn, st.meta, &ck, &cv, 0), st.where());
  // The batch becomes visible, and durable, here: all of it or none.
  check(mdb_txn_commit(t.txn), st.where() + ": committing the batch");
  t.txn = nullptr;
  st.begin_snapshot();
  return result;
}

void index::refresh() {
  state_->begin_snapshot();
}

index_stats index::stats() const {
  auto const& st = *state_;
  index_stats out;
  out.essays = st.count(st.snapshot);
  MDB_stat ms;
  check(mdb_stat(st.snapshot, st.postings, &ms), st.where());
  out.postings = ms.ms_entries;
  MDB_envinfo info;
  check(mdb_env_info(st.env, &info), st.where());
  MDB_stat es;
  check(mdb_env_stat(st.env, &es), st.where());
  out.used_bytes = static_cast<std::uint64_t>(info.me_last_pgno + 1) * es.ms_psize;
  std::error_code ec;
  auto const size = std::filesystem::file_size(data_file(st.path), ec);
  out.file_bytes = ec ? 0 : static_cast<std::uint64_t>(size);
  return out;
}

index_settings const& index::settings() const noexcept {
  return state_->settings;
}
std::string const& index::path() const noexcept {
  return state_->path;
}

}  // namespace neardup
