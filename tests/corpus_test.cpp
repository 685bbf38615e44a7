#include "neardup/corpus.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "neardup/error.hpp"
#include "temp_files.hpp"

namespace fs = std::filesystem;

namespace {

using test_files::temp_dir;

void touch(fs::path const& p, std::string const& text = "文本") { test_files::write_file(p, text); }

std::vector<std::string> names(std::vector<std::string> const& paths, fs::path const& root) {
  std::vector<std::string> out;
  for (auto const& p : paths) out.push_back(fs::path(p).lexically_relative(root).string());
  return out;
}

std::map<std::string, neardup::skip_reason> skips(neardup::walk_result const& w, fs::path const& root) {
  std::map<std::string, neardup::skip_reason> out;
  for (auto const& s : w.skipped) out[fs::path(s.path).lexically_relative(root).string()] = s.reason;
  return out;
}

}  // namespace

TEST_CASE("walk_paths: folders recursively, sorted, by extension, explicit files whatever their name",
          "[corpus]") {
  temp_dir dir;
  touch(dir.path / "b/2.txt");
  touch(dir.path / "b/1.TXT");
  touch(dir.path / "a/deep/x.txt");
  touch(dir.path / "a/notes.md");
  touch(dir.path / "c.txt");
  std::vector<std::string> const paths = {dir.path.string(), (dir.path / "a/notes.md").string()};
  auto const w = neardup::walk_paths(paths);
  CHECK(names(w.files, dir.path) == std::vector<std::string>{"a/deep/x.txt", "a/notes.md", "b/1.TXT", "b/2.txt", "c.txt"});
  CHECK(w.filtered_by_extension == 1);  // notes.md inside the folder; taken once as named
  CHECK(w.skipped.empty());
  std::uint64_t total = 0;
  for (auto const& f : w.files) total += std::filesystem::file_size(f);
  CHECK(w.bytes == total);

  neardup::walk_options every;
  every.extensions.clear();
  std::vector<std::string> const root = {dir.path.string()};
  CHECK(neardup::walk_paths(root, every).files.size() == 5);
}

TEST_CASE("walk_paths: missing paths, symlink loops and files reached twice are accounted for", "[corpus]") {
  temp_dir dir;
  touch(dir.path / "docs/a.txt");
  fs::create_directory_symlink(dir.path, dir.path / "docs/loop");             // back up: a loop
  fs::create_symlink(dir.path / "docs/a.txt", dir.path / "docs/alias.txt");  // the same file again
  fs::create_symlink(dir.path / "nowhere.txt", dir.path / "docs/dangling.txt");
  std::vector<std::string> const paths = {dir.path.string(), (dir.path / "missing").string()};
  auto const w = neardup::walk_paths(paths);
  CHECK(names(w.files, dir.path) == std::vector<std::string>{"docs/a.txt"});
  auto const s = skips(w, dir.path);
  CHECK(s.at("missing") == neardup::skip_reason::not_found);
  CHECK(s.at("docs/loop") == neardup::skip_reason::symlink_loop);
  CHECK(s.count("docs/dangling.txt") == 1);
  for (auto const& sk : w.skipped) CHECK_FALSE(neardup::to_string(sk.reason).empty());
}

TEST_CASE("walk_paths: a deep tree does not overflow the stack", "[corpus]") {
  temp_dir dir;
  fs::path p = dir.path;
  for (int i = 0; i < 200; ++i) p /= "d";
  touch(p / "bottom.txt");
  std::vector<std::string> const paths = {dir.path.string()};
  auto const w = neardup::walk_paths(paths);
  REQUIRE(w.files.size() == 1);
  CHECK(fs::path(w.files[0]).filename() == "bottom.txt");
}

TEST_CASE("walk_paths: unreadable folders are skipped with a reason (when not root)", "[corpus]") {
  temp_dir dir;
  touch(dir.path / "locked/secret.txt");
  touch(dir.path / "open.txt");
  fs::permissions(dir.path / "locked", fs::perms::none);
  std::vector<std::string> const paths = {dir.path.string()};
  auto const w = neardup::walk_paths(paths);
  if (::geteuid() == 0) {
    // Root reads everything: the file is simply found.
    CHECK(w.files.size() == 2);
  } else {
    CHECK(names(w.files, dir.path) == std::vector<std::string>{"open.txt"});
    CHECK(skips(w, dir.path).at("locked") == neardup::skip_reason::not_readable);
  }
}

TEST_CASE("walk_paths: files over the size limit are skipped as too large", "[corpus]") {
  temp_dir dir;
  touch(dir.path / "big.txt", std::string(5000, 'x'));
  touch(dir.path / "small.txt", "x");
  neardup::walk_options o;
  o.max_file_bytes = 1000;
  std::vector<std::string> const paths = {dir.path.string()};
  auto const w = neardup::walk_paths(paths, o);
  CHECK(names(w.files, dir.path) == std::vector<std::string>{"small.txt"});
  CHECK(skips(w, dir.path).at("big.txt") == neardup::skip_reason::too_large);
}

TEST_CASE("read_file: whole files, binary-safe, errors name the path", "[corpus]") {
  temp_dir dir;
  std::string const bytes("a\0b\xff\n", 5);
  touch(dir.path / "f.bin", bytes);
  CHECK(neardup::read_file((dir.path / "f.bin").string()) == bytes);
  try {
    (void)neardup::read_file((dir.path / "nope").string());
    FAIL("no exception");
  } catch (neardup::error const& e) {
    CHECK(e.code() == neardup::errc::io_error);
    CHECK(std::string(e.what()).find("nope") != std::string::npos);
  }
  try {
    (void)neardup::read_file((dir.path / "f.bin").string(), 3);
    FAIL("no exception");
  } catch (neardup::error const& e) {
    CHECK(e.code() == neardup::errc::limit_exceeded);
  }
}
