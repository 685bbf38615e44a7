// The persistent index: the library stage (create, add, query, settings refused, damage refused)
// and dedup --index (stored members marked, --no-add, ids already stored, --keep-one, texts gone),
// crash safety under SIGKILL at random moments, and a check and a second add beside a writer.
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "neardup/error.hpp"
#include "neardup/index.hpp"
#include "neardup/pipeline.hpp"

namespace {

namespace fs = std::filesystem;

// Words of 2-4 random syllables: unrelated essays share almost no 5-word shingle.
std::string random_essay(std::mt19937& rng, std::size_t words) {
  static char const* const syllables[] = {"ka", "lo", "mi", "nu", "pe", "ra", "si",
                                          "to", "vu", "we", "xa", "yo", "zi", "ba",
                                          "de", "fo", "gu", "hi", "jo", "qe"};
  std::uniform_int_distribution<int> syl(0, 19), len(2, 4);
  std::string out;
  for (std::size_t w = 0; w < words; ++w) {
    if (w) out += ' ';
    for (int s = len(rng); s > 0; --s) out += syllables[syl(rng)];
  }
  return out;
}

// A copy with every 20th word changed: Jaccard of 5-word shingles well above 0.5.
std::string near_copy(std::string const& text) {
  std::string out;
  std::size_t word = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') ++word;
    out += text[i];
    if (text[i] == ' ' && word % 20 == 0) out += "changed";
  }
  return out;
}

neardup::dedup_options word_options() {
  neardup::dedup_options o;
  o.signature.unit = neardup::shingle_unit::word;
  o.signature.normalize.drop_whitespace = false;
  o.threads = 1;
  return o;
}

// A stored essay signed as the pipeline signs it.
neardup::stored_essay signed_essay(neardup::deduplicator const& d, std::string const& id,
                                   std::string const& text) {
  neardup::stored_essay e;
  e.info.id = id;
  e.info.file = "nowhere/" + id;
  e.info.bytes = text.size();
  e.signature.resize(d.signer().num_perm());
  neardup::signer_scratch scratch;
  e.signed_info = d.signer().sign(text, e.signature, scratch);
  e.keys.resize(d.lsh().bands);
  neardup::band_keys(e.signature, d.lsh(), e.keys);
  return e;
}

std::string const words_flags = "-q --words -j 1 --no-templates ";

}  // namespace

TEST_CASE("index: essays added in one batch are found by their band keys, and persist", "[index]") {
  cli::temp_dir dir;
  auto options = word_options();
  options.templates = false;
  neardup::deduplicator const d(options);
  auto const settings = neardup::index_settings_for(options);
  std::mt19937 rng(17);
  std::string const a = random_essay(rng, 300), b = random_essay(rng, 300);
  std::string const path = (dir.path / "idx").string();
  {
    neardup::index idx(path, settings);
    CHECK(idx.stats().essays == 0);
    std::vector<neardup::stored_essay> batch{signed_essay(d, "a", a), signed_essay(d, "b", b),
                                             signed_essay(d, "a", b)};
    auto const added = idx.add(batch);
    CHECK(added.added == 2);
    REQUIRE(added.already_stored == std::vector<std::string>{"a"});
    CHECK(idx.stats().essays == 2);
    CHECK(idx.stats().postings == 2 * settings.lsh.bands);
  }
  neardup::index idx(path, settings, neardup::index_mode::read_only);
  CHECK(idx.stats().essays == 2);
  REQUIRE(idx.find("b") == std::optional<std::uint32_t>(1));
  CHECK_FALSE(idx.find("c"));
  auto const probe = signed_essay(d, "new", near_copy(a));
  CHECK(idx.candidates(probe.keys, {}) == std::vector<std::uint32_t>{0});
  auto const back = idx.essay(0);
  CHECK(back.info.id == "a");
  CHECK(back.signature == signed_essay(d, "a", a).signature);
  CHECK_THROWS_AS(idx.essay(5), neardup::error);
  // Read-only: adding is refused.
  CHECK_THROWS_AS(idx.add(std::vector<neardup::stored_essay>{signed_essay(d, "c", a)}),
                  neardup::error);
  // Keys of another length than the bands are refused.
  CHECK_THROWS_AS(idx.candidates(std::vector<std::uint64_t>(3), {}), neardup::error);
}

TEST_CASE("index: other settings are refused, naming each difference", "[index]") {
  cli::temp_dir dir;
  auto options = word_options();
  std::string const path = (dir.path / "idx").string();
  { neardup::index idx(path, neardup::index_settings_for(options)); }
  auto other = options;
  other.signature.shingle.n = 4;
  other.signature.minhash.seed = 9;
  try {
    neardup::index idx(path, neardup::index_settings_for(other));
    FAIL("opened with other settings");
  } catch (neardup::error const& e) {
    CHECK(e.code() == neardup::errc::invalid_argument);
    std::string const what = e.what();
    CHECK(what.find("ngram 5 there, 4 here") != std::string::npos);
    CHECK(what.find("seed 1 there, 9 here") != std::string::npos);
  }
  auto const stored = neardup::index::stored_settings(path);
  REQUIRE(stored);
  CHECK(neardup::index_settings_text(*stored) ==
        neardup::index_settings_text(neardup::index_settings_for(options)));
  CHECK_FALSE(neardup::index::stored_settings((dir.path / "none").string()));
  CHECK_THROWS_AS(neardup::index((dir.path / "none").string(), neardup::index_settings_for(options),
                                 neardup::index_mode::read_only),
                  neardup::error);
}

TEST_CASE("index: a damaged settings record or data file is an error", "[index]") {
  cli::temp_dir dir;
  auto options = word_options();
  std::string const path = (dir.path / "idx").string();
  { neardup::index idx(path, neardup::index_settings_for(options)); }
  // Garbage where the data file was.
  cli::write_file(dir.path / "idx" / "data.mdb", std::string(20000, 'x'));
  CHECK_THROWS_AS(
      neardup::index(path, neardup::index_settings_for(options), neardup::index_mode::read_only),
      neardup::error);
  cli::write_file(dir.path / "idx" / "data.mdb", "");
  CHECK_THROWS_AS(
      neardup::index(path, neardup::index_settings_for(options), neardup::index_mode::read_only),
      neardup::error);
}

TEST_CASE("dedup --index: a batch is checked against the stored essays and stored",
          "[index][dedup]") {
  cli::temp_dir dir;
  std::mt19937 rng(3);
  std::string const first = random_essay(rng, 300), second = random_essay(rng, 300);
  cli::write_file(dir.path / "old" / "a.txt", first + "\n");
  cli::write_file(dir.path / "old" / "b.txt", second + "\n");
  cli::write_file(dir.path / "new" / "c.txt", near_copy(first) + "\n");
  cli::write_file(dir.path / "new" / "d.txt", random_essay(rng, 300) + "\n");
  std::string const idx = cli::quote((dir.path / "idx").string());
  std::string const old_dir = cli::quote((dir.path / "old").string());
  std::string const new_dir = cli::quote((dir.path / "new").string());

  auto r = cli::run_dedup(words_flags + "--index " + idx + " " + old_dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("2 added") != std::string::npos);

  // --no-add: the copy is found among the stored essays, nothing is stored.
  r = cli::run_dedup(words_flags + "--format jsonl --index " + idx + " --no-add " + new_dir);
  REQUIRE(r.exit_code == 0);
  auto const clusters = cli::parse_clusters(r.out);
  REQUIRE(clusters.size() == 1);
  REQUIRE(clusters[0].size() == 2);
  CHECK(clusters[0][0].file.ends_with("new/c.txt"));
  CHECK(clusters[0][1].file.ends_with("old/a.txt"));
  CHECK_FALSE(clusters[0][0].stored);
  CHECK(clusters[0][1].stored);
  CHECK(r.out.find("\"stored\": true") != std::string::npos);
  CHECK(r.err.find("nothing added (--no-add)") != std::string::npos);
  CHECK(r.err.find("; 2 essays") != std::string::npos);

  // CSV has the stored column; then the batch is stored, once.
  r = cli::run_dedup(words_flags + "--format csv --index " + idx + " " + new_dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(",link_estimated,stored\n") != std::string::npos);
  CHECK(r.out.find(",true\n") != std::string::npos);
  CHECK(r.err.find("2 added; 4 essays") != std::string::npos);
  r = cli::run_dedup(words_flags + "--index " + idx + " " + new_dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("2 already stored, 0 added; 4 essays") != std::string::npos);
  CHECK(r.err.find("already stored: ") != std::string::npos);

  // Other settings: refused, naming the difference.
  r = cli::run_dedup("-q --words -n 4 --no-templates --index " + idx + " " + new_dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ngram 5 there, 4 here") != std::string::npos);
}

TEST_CASE("dedup --index: a stored essay whose file is gone is compared by its stored sketch",
          "[index][dedup]") {
  cli::temp_dir dir;
  std::mt19937 rng(5);
  std::string const text = random_essay(rng, 300);
  cli::write_file(dir.path / "old" / "a.txt", text + "\n");
  cli::write_file(dir.path / "new" / "c.txt", near_copy(text) + "\n");
  std::string const idx = cli::quote((dir.path / "idx").string());
  REQUIRE(
      cli::run_dedup(words_flags + "--index " + idx + " " + cli::quote((dir.path / "old").string()))
          .exit_code == 0);
  fs::remove(dir.path / "old" / "a.txt");
  auto const r = cli::run_dedup(words_flags + "--format jsonl --verify exact --index " + idx +
                                " --no-add " + cli::quote((dir.path / "new").string()));
  CHECK(r.exit_code == 2);  // exact verification needs the text: refused, not guessed
  CHECK(r.err.find("--verify exact needs its text") != std::string::npos);
  auto const h = cli::run_dedup(words_flags + "--format jsonl --index " + idx + " --no-add " +
                                cli::quote((dir.path / "new").string()));
  REQUIRE(h.exit_code == 0);
  auto const clusters = cli::parse_clusters(h.out);
  REQUIRE(clusters.size() == 1);
  CHECK(h.out.find("\"stored\": true, \"similarity\": 0.") != std::string::npos);
  CHECK(h.out.find("\"estimated\": true") != std::string::npos);
  CHECK(h.err.find("1 estimated from their stored sketches") != std::string::npos);
}

TEST_CASE("dedup --index --keep-one: only new essays that duplicate nothing are written and stored",
          "[index][dedup]") {
  cli::temp_dir dir;
  std::mt19937 rng(11);
  std::string const text = random_essay(rng, 300), other = random_essay(rng, 300);
  std::string const fresh = random_essay(rng, 300);
  cli::write_file(dir.path / "old" / "a.txt", text + "\n");
  cli::write_file(dir.path / "new" / "b.txt", near_copy(text) + "\n");   // duplicates a stored one
  cli::write_file(dir.path / "new" / "c.txt", other + "\n");             // new, first of two
  cli::write_file(dir.path / "new" / "d.txt", near_copy(other) + "\n");  // duplicates c
  cli::write_file(dir.path / "new" / "e.txt", fresh + "\n");             // new
  std::string const idx = cli::quote((dir.path / "idx").string());
  REQUIRE(
      cli::run_dedup(words_flags + "--index " + idx + " " + cli::quote((dir.path / "old").string()))
          .exit_code == 0);
  fs::path const kept = dir.path / "kept.txt";
  auto const r =
      cli::run_dedup(words_flags + "--index " + idx + " --keep-one " + cli::quote(kept.string()) +
                     " " + cli::quote((dir.path / "new").string()));
  REQUIRE(r.exit_code == 0);
  std::string const out = cli::slurp(kept);
  CHECK(out.find(other) != std::string::npos);
  CHECK(out.find(fresh) != std::string::npos);
  CHECK(out.find(near_copy(text)) == std::string::npos);
  CHECK(out.find(near_copy(other)) == std::string::npos);
  CHECK(r.err.find("2 added; 3 essays") != std::string::npos);
}

namespace {

// The number of stored essays, read as a check would read it.
std::size_t stored_count(std::string const& path) {
  auto options = word_options();
  options.templates = false;
  neardup::index idx(path, neardup::index_settings_for(options), neardup::index_mode::read_only);
  return idx.stats().essays;
}

pid_t start_dedup(std::vector<std::string> args) {
  pid_t const pid = ::fork();
  if (pid == 0) {
    int const null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv;
    std::string exe = NEARDUP_DEDUP_EXE;
    argv.push_back(exe.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

}  // namespace

TEST_CASE("dedup --index killed at random moments leaves the state before or the whole batch",
          "[index][crash]") {
  if (std::string(NEARDUP_DEDUP_EXE).empty()) {
    WARN("not tested: dedup not built");
    return;
  }
  cli::temp_dir dir;
  std::mt19937 rng(2026);
  constexpr std::size_t batches = 40, per_batch = 150;
  std::vector<std::string> probe(batches);  // one essay of each batch, to query for
  for (std::size_t b = 0; b < batches; ++b) {
    std::string file;
    for (std::size_t e = 0; e < per_batch; ++e) {
      std::string const text = random_essay(rng, 120);
      if (e == per_batch / 2) probe[b] = text;
      file += text + "\n\n";
    }
    cli::write_file(dir.path / ("batch" + std::to_string(b)) / "essays.txt", file);
  }
  std::string const idx = (dir.path / "idx").string();
  auto add = [&](std::size_t b) {
    return start_dedup({"-q", "--words", "-j", "1", "--no-templates", "--split", "blank-line",
                        "--index", idx, (dir.path / ("batch" + std::to_string(b))).string()});
  };
  // One whole run, to know the span of a run over which to kill (not a measured assertion).
  auto const t0 = std::chrono::steady_clock::now();
  REQUIRE(wait_exit(add(0)) == 0);
  auto const span_us =
      std::max<long>(1000, static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                 std::chrono::steady_clock::now() - t0)
                                                 .count()));
  std::size_t done = 1, whole = 0, none = 0;
  REQUIRE(stored_count(idx) == per_batch);
  std::uniform_int_distribution<long> when(0, span_us * 5 / 4);
  auto options = word_options();
  options.templates = false;
  neardup::deduplicator const d(options);
  for (int round = 0; round < 60 && done < batches; ++round) {
    pid_t const pid = add(done);
    ::usleep(static_cast<useconds_t>(when(rng)));
    ::kill(pid, SIGKILL);
    wait_exit(pid);
    std::size_t const count = stored_count(idx);
    INFO("round " << round << ", batches stored " << done << ", essays " << count);
    REQUIRE((count == done * per_batch || count == (done + 1) * per_batch));
    // A query finds the probe of the batch exactly when the batch is stored.
    neardup::index reader(idx, neardup::index_settings_for(options),
                          neardup::index_mode::read_only);
    auto const e = signed_essay(d, "probe", probe[done]);
    bool const found = !reader.candidates(e.keys, {}).empty();
    CHECK(found == (count == (done + 1) * per_batch));
    CHECK(reader
              .find((dir.path / ("batch" + std::to_string(done)) / "essays.txt").string() + "#" +
                    std::to_string(per_batch / 2 + 1))
              .has_value() == found);
    if (count == (done + 1) * per_batch) {
      ++done;
      ++whole;
    } else {
      ++none;
    }
  }
  // Both outcomes happened: the kills fell before and after commits.
  CHECK(whole > 0);
  CHECK(none > 0);
}

TEST_CASE("dedup --index beside a writer: a check sees the state before, a second add waits",
          "[index][crash]") {
  if (std::string(NEARDUP_DEDUP_EXE).empty()) {
    WARN("not tested: dedup not built");
    return;
  }
  cli::temp_dir dir;
  std::mt19937 rng(7);
  std::string const text = random_essay(rng, 300);
  cli::write_file(dir.path / "old" / "a.txt", text + "\n");
  cli::write_file(dir.path / "new" / "b.txt", near_copy(text) + "\n");
  std::string const idx = (dir.path / "idx").string();
  REQUIRE(cli::run_dedup(words_flags + "--index " + cli::quote(idx) + " " +
                         cli::quote((dir.path / "old").string()))
              .exit_code == 0);
  // A writer holds LMDB's write transaction with an uncommitted change of the essay count.
  MDB_env* env = nullptr;
  REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 4);
  REQUIRE(mdb_env_open(env, idx.c_str(), MDB_NOTLS, 0644) == 0);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
  MDB_dbi meta = 0;
  REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
  std::uint32_t const many = 999;
  MDB_val k{6, const_cast<char*>("essays")}, v{4, const_cast<std::uint32_t*>(&many)};
  REQUIRE(mdb_put(txn, meta, &k, &v, 0) == 0);

  // A check runs to its end meanwhile and sees the state before.
  auto const check = cli::run_dedup(words_flags + "--format jsonl --index " + cli::quote(idx) +
                                    " --no-add " + cli::quote((dir.path / "new").string()));
  REQUIRE(check.exit_code == 0);
  CHECK(check.err.find("1 essays before, 1 stored candidates") != std::string::npos);
  CHECK(cli::parse_clusters(check.out).size() == 1);

  // An add waits for the writer: still running while the transaction is held.
  pid_t const pid = start_dedup(
      {"-q", "--words", "-j", "1", "--no-templates", "--index", idx, (dir.path / "new").string()});
  ::usleep(500000);
  int status = 0;
  CHECK(::waitpid(pid, &status, WNOHANG) == 0);
  mdb_txn_abort(txn);  // the writer gives up: its change never was
  CHECK(wait_exit(pid) == 0);
  mdb_env_close(env);
  CHECK(stored_count(idx) == 2);
}

TEST_CASE("dedup --index with JSON Lines and templates: stored records are read back exactly",
          "[index][dedup]") {
  cli::temp_dir dir;
  std::mt19937 rng(13);
  std::string const text = random_essay(rng, 300);
  cli::write_file(dir.path / "old.jsonl", "{\"id\": \"a\", \"text\": \"" + text +
                                              "\"}\n{\"id\": \"b\", \"text\": \"" +
                                              random_essay(rng, 300) + "\"}\n");
  cli::write_file(dir.path / "new.jsonl",
                  "{\"id\": \"c\", \"text\": \"" + near_copy(text) + "\"}\n");
  std::string const idx = cli::quote((dir.path / "idx").string());
  std::string const flags = "-q --words -j 1 --jsonl --index " + idx + " ";
  REQUIRE(cli::run_dedup(flags + cli::quote((dir.path / "old.jsonl").string())).exit_code == 0);
  auto const r = cli::run_dedup(flags + "--format jsonl --verify exact --no-add " +
                                cli::quote((dir.path / "new.jsonl").string()));
  REQUIRE(r.exit_code == 0);
  auto const clusters = cli::parse_clusters(r.out);
  REQUIRE(clusters.size() == 1);
  REQUIRE(clusters[0].size() == 2);
  CHECK(clusters[0][0].id == "c");
  CHECK(clusters[0][1].id == "a");
  CHECK(clusters[0][1].stored);
  // Measured exactly from the stored record's text, read back from old.jsonl.
  CHECK(r.out.find("\"estimated\": true") == std::string::npos);
  CHECK(r.err.find("estimated from their stored sketches") == std::string::npos);
  // The index keeps the templates' sketches: opening it without them is refused.
  auto const other = cli::run_dedup(flags + "--no-templates --no-add " +
                                    cli::quote((dir.path / "new.jsonl").string()));
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("templates 1 there, 0 here") != std::string::npos);
}
