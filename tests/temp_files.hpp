// Temporary folders and files for the tests that read from disk.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace test_files {

namespace fs = std::filesystem;

/// Writes `bytes` to `path`, making the folders on the way.
inline void write_file(fs::path const& path, std::string const& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

/// Writes `bytes` over the file at `path`, in place (the same inode), and makes sure its
/// modification time moved: a rewrite within the file system's clock tick would keep it.
inline void rewrite_in_place(fs::path const& path, std::string const& bytes) {
  auto const before = fs::last_write_time(path);
  std::ofstream(path, std::ios::binary | std::ios::in | std::ios::out) << bytes;
  if (fs::last_write_time(path) == before)
    fs::last_write_time(path, before + std::chrono::seconds(1));
}

/// Replaces the file at `path` by a new one holding `bytes` (another inode), renamed over it with
/// the old modification time.
inline void replace_keeping_time(fs::path const& path, std::string const& bytes) {
  auto const before = fs::last_write_time(path);
  fs::path const other = path.string() + ".new";
  write_file(other, bytes);
  fs::last_write_time(other, before);
  fs::rename(other, path);
}

/// A temporary folder, removed at the end of the test (with whatever a test made unreadable in it,
/// to see it skipped): one of its own for every temp_dir of the process.
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() /
           ("neardup-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code ignored;
      if (it->symlink_status(ignored).type() == fs::file_type::directory)
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
    }
    fs::remove_all(path, ec);
  }
  temp_dir(temp_dir const&) = delete;
  temp_dir& operator=(temp_dir const&) = delete;
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace test_files
