// Outputs: resolved before the run, written through a temporary file or straight, never half.
#include "neardup/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <streambuf>
#include <utility>
#include <vector>

#include "neardup/error.hpp"

namespace neardup {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(std::string const& path, std::string const& why) {
  throw error(errc::io_error, path + ": " + why);
}

file_identity identity_of(struct stat const& st) {
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

// A stream buffer over a file descriptor: a temporary file or a device, written in large pieces.
class fd_buffer : public std::streambuf {
 public:
  explicit fd_buffer(int fd) : fd_(fd), buffer_(1u << 16) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  fd_buffer(fd_buffer const&) = delete;
  fd_buffer& operator=(fd_buffer const&) = delete;
  ~fd_buffer() override = default;
  [[nodiscard]] int error_number() const noexcept { return errno_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(char const* s, std::streamsize n) override {
    auto const room = static_cast<std::streamsize>(epptr() - pptr());
    if (n <= room) {
      std::memcpy(pptr(), s, static_cast<std::size_t>(n));
      pbump(static_cast<int>(n));
      return n;
    }
    if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
    return n;
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool write_all(char const* s, std::size_t n) {
    while (n > 0) {
      ssize_t const done = ::write(fd_, s, n);
      if (done < 0 && errno == EINTR) continue;
      if (done <= 0) {
        errno_ = done < 0 ? errno : EIO;
        return false;
      }
      s += done;
      n -= static_cast<std::size_t>(done);
    }
    return true;
  }
  bool drain() {
    bool const ok = write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()));
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return ok;
  }

  int fd_;
  std::vector<char> buffer_;
  int errno_ = 0;
};

// Follows symbolic links from `path` to what they finally name (which need not exist).
fs::path follow_links(std::string const& path) {
  fs::path p(path);
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::error_code ec;
    fs::path const to = fs::read_symlink(p, ec);
    if (ec) fail(path, ec.message());
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  fail(path, "symbolic link loop");
}

}  // namespace

struct output_file::state {
  std::string path;
  std::string target;
  kind what = kind::new_file;
  std::optional<file_identity> identity;
  std::string temporary;  // while a temporary file is open
  int fd = -1;
  std::unique_ptr<fd_buffer> buffer;
  std::unique_ptr<std::ostream> stream;

  void discard() {
    stream.reset();
    buffer.reset();
    if (fd >= 0) ::close(fd);
    fd = -1;
    if (!temporary.empty()) ::unlink(temporary.c_str());
    temporary.clear();
  }
};

output_file::output_file(std::string path) : state_(std::make_unique<state>()) {
  auto& s = *state_;
  s.path = std::move(path);
  if (s.path == "-") {
    s.what = kind::standard_output;
    s.target = s.path;
    return;
  }
  if (s.path.empty()) fail(s.path, "an empty path");
  fs::path const final_path = follow_links(s.path);
  std::error_code ec;
  fs::path folder = final_path.parent_path();
  if (folder.empty()) folder = ".";
  struct stat st {};
  if (::stat(final_path.c_str(), &st) == 0) {
    s.identity = identity_of(st);
    if (S_ISDIR(st.st_mode)) fail(s.path, "it is a folder");
    if (::access(final_path.c_str(), W_OK) != 0) fail(s.path, "the file is not writable");
    s.what = S_ISREG(st.st_mode) ? kind::regular_file : kind::special;
  } else if (errno != ENOENT) {
    fail(s.path, std::strerror(errno));
  }
  if (s.what == kind::special) {
    s.target = final_path.string();
    return;
  }
  // A regular file or a new one: the temporary file is made beside it, so its folder must take it.
  fs::path const canonical_folder = fs::canonical(folder, ec);
  if (ec || !fs::is_directory(canonical_folder, ec))
    fail(s.path, "folder " + folder.string() + " does not exist");
  if (::access(canonical_folder.c_str(), W_OK) != 0)
    fail(s.path, "folder " + folder.string() + " is not writable");
  s.target = (canonical_folder / final_path.filename()).string();
}

output_file::~output_file() {
  if (state_) state_->discard();
}
output_file::output_file(output_file&&) noexcept = default;
output_file& output_file::operator=(output_file&&) noexcept = default;

std::string const& output_file::path() const noexcept {
  return state_->path;
}
std::string const& output_file::target() const noexcept {
  return state_->target;
}
output_file::kind output_file::what() const noexcept {
  return state_->what;
}
std::optional<file_identity> output_file::identity() const noexcept {
  return state_->identity;
}

bool output_file::same_as(output_file const& other) const noexcept {
  auto const& a = *state_;
  auto const& b = *other.state_;
  if (a.identity && b.identity) return *a.identity == *b.identity;
  return !a.identity && !b.identity && a.target == b.target;
}

std::ostream& output_file::open() {
  auto& s = *state_;
  if (s.what == kind::standard_output) return std::cout;
  if (s.stream) return *s.stream;
  if (s.what == kind::special) {
    s.fd = ::open(s.target.c_str(), O_WRONLY | O_CLOEXEC);
    if (s.fd < 0) fail(s.path, std::string("cannot open: ") + std::strerror(errno));
  } else {
    // Beside the target, hidden, and named for this process: made with O_EXCL, so never someone
    // else's file; a new file so gets the mode the umask gives.
    fs::path const target(s.target);
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp-";
    name += std::to_string(::getpid());
    std::string const stem = (target.parent_path() / name).string();
    for (int attempt = 0; s.fd < 0; ++attempt) {
      s.temporary = attempt == 0 ? stem : stem + "-" + std::to_string(attempt);
      s.fd = ::open(s.temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (s.fd < 0 && (errno != EEXIST || attempt == 100)) {
        int const saved = errno;
        s.temporary.clear();
        fail(s.path,
             std::string("cannot create a temporary file beside it: ") + std::strerror(saved));
      }
    }
  }
  s.buffer = std::make_unique<fd_buffer>(s.fd);
  s.stream = std::make_unique<std::ostream>(s.buffer.get());
  return *s.stream;
}

void output_file::commit() {
  auto& s = *state_;
  if (s.what == kind::standard_output) {
    std::cout.flush();
    if (!std::cout) fail("standard output", "write failed");
    return;
  }
  std::ostream& out = open();  // an output never opened is written empty
  out.flush();
  if (!out) {
    int const e = s.buffer->error_number();
    s.discard();
    fail(s.path, std::string("write failed: ") + std::strerror(e != 0 ? e : EIO));
  }
  if (s.temporary.empty()) {  // a device: written in place
    s.stream.reset();
    s.buffer.reset();
    int const closed = ::close(std::exchange(s.fd, -1));
    if (closed != 0) fail(s.path, std::string("write failed: ") + std::strerror(errno));
    return;
  }
  // The file it replaces keeps its mode, and as root its owner and group.
  struct stat st {};
  if (::stat(s.target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    bool ok = ::fchmod(s.fd, st.st_mode & 07777) == 0;
    if (ok && ::geteuid() == 0) ok = ::fchown(s.fd, st.st_uid, st.st_gid) == 0;
    if (!ok) {
      int const e = errno;
      s.discard();
      fail(s.path, std::string("cannot keep the file's mode or owner: ") + std::strerror(e));
    }
  }
  s.stream.reset();
  s.buffer.reset();
  if (::close(std::exchange(s.fd, -1)) != 0 ||
      ::rename(s.temporary.c_str(), s.target.c_str()) != 0) {
    int const e = errno;
    s.discard();
    fail(s.path, std::string("cannot write into place: ") + std::strerror(e));
  }
  s.temporary.clear();
}

void check_outputs(std::span<const std::string> inputs,
                   std::span<output_file const* const> outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (outputs[i]->same_as(*outputs[j]))
        throw error(errc::invalid_argument, "two outputs to one file: " + outputs[j]->path() +
                                                " and " + outputs[i]->path());
    auto const id = outputs[i]->identity();
    if (!id) continue;
    for (auto const& input : inputs) {
      struct stat st {};
      if (input != "-" && ::stat(input.c_str(), &st) == 0 && identity_of(st) == *id)
        throw error(errc::invalid_argument, "the output " + outputs[i]->path() + " is the input " +
                                                input + ": it would be overwritten");
    }
  }
}

std::vector<file_identity> walk_outputs(std::span<output_file const* const> outputs) {
  std::vector<file_identity> ids;
  for (auto const* o : outputs)
    if (auto const id = o->identity(); id && o->what() != output_file::kind::special)
      ids.push_back(*id);
  return ids;
}

}  // namespace neardup
