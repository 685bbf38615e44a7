// share_codec — the bytes a share's item outputs travel in (pipeline_share): integers as 8 bytes,
// doubles as their 8 bytes, strings and vectors with their length first, vectors of plain values
// (numbers, filters) as their bytes. Each struct's fields are listed once, in a transfer(archive,
// value) that the writer and the reader both walk. Both ends are the same build, so no versioning;
// a message cut short, or with bytes left over, is an error, never garbage.
#pragma once

#include <concepts>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "neardup/load.hpp"
#include "neardup/lsh.hpp"
#include "neardup/signature.hpp"

namespace neardup::detail {

template <class T>
concept plain_value = std::is_trivially_copyable_v<T> && !std::is_enum_v<T>;

class byte_writer {
 public:
  template <class T>
  requires std::integral<T> || std::is_enum_v<T>
  void io(T const& n) {
    auto const v = static_cast<std::uint64_t>(n);
    raw(&v, sizeof v);
  }
  void io(double const& d) { raw(&d, sizeof d); }
  void io(std::string const& s) {
    io(s.size());
    raw(s.data(), s.size());
  }
  template <class T>
  void io(std::vector<T> const& v) {
    io(v.size());
    if constexpr (plain_value<T>)
      raw(v.data(), v.size() * sizeof(T));
    else
      for (auto const& x : v) io(x);
  }
  void io(file_account const& f);  // refuses one that keeps a temporary copy alive
  template <class T>
  requires std::is_class_v<T>
  void io(T const& x) { transfer(*this, x); }
  std::string take() { return std::move(bytes_); }

 private:
  void raw(void const* p, std::size_t n) { bytes_.append(static_cast<char const*>(p), n); }
  std::string bytes_;
};

class byte_reader {
 public:
  explicit byte_reader(std::string_view bytes) : rest_(bytes) {}
  template <class T>
  requires std::integral<T> || std::is_enum_v<T>
  void io(T& n) {
    std::uint64_t v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    n = static_cast<T>(v);
  }
  void io(double& d) { std::memcpy(&d, take(sizeof d), sizeof d); }
  void io(std::string& s) {
    std::size_t const n = count(1);
    s.assign(take(n), n);
  }
  template <class T>
  void io(std::vector<T>& v) {
    std::size_t const n = count(plain_value<T> ? sizeof(T) : 1);
    v.resize(n);
    if constexpr (plain_value<T>) {
      if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    } else {
      for (auto& x : v) io(x);
    }
  }
  template <class T>
  requires std::is_class_v<T>
  void io(T& x) { transfer(*this, x); }
  /// Throws neardup::error(parse_error) unless every byte was read.
  void finish() const;

 private:
  char const* take(std::size_t n);      // throws neardup::error(parse_error) past the end
  std::size_t count(std::size_t each);  // a length the bytes left can hold, or parse_error
  std::string_view rest_;
};

// The fields that travel, each struct's once (A is byte_writer or byte_reader, V const or not).
template <class A, class V>
void transfer(A& a, V& e) requires std::same_as<std::remove_const_t<V>, essay_info> {
  a.io(e.id);
  a.io(e.file);
  a.io(e.index);
  a.io(e.title);
  a.io(e.line);
  a.io(e.last_line);
  a.io(e.bytes);
  a.io(e.offset);
  a.io(e.source_bytes);
}
template <class A, class V>
void transfer(A& a, V& f) requires std::same_as<std::remove_const_t<V>, file_account> {
  a.io(f.path);
  a.io(f.encoding);
  a.io(f.encoding_detected);
  a.io(f.encoding_guessed);
  a.io(f.encoding_confidence);
  a.io(f.bytes);
  a.io(f.version.modified_ns);
  a.io(f.version.inode);
  a.io(f.version.device);
  a.io(f.essays);
  a.io(f.replaced);
  a.io(f.verbatim);
  a.io(f.furniture);
  a.io(f.warnings);
  a.io(f.stored_at);
}
template <class A, class V>
void transfer(A& a, V& r) requires std::same_as<std::remove_const_t<V>, line_range> {
  a.io(r.first);
  a.io(r.last);
  a.io(r.reason);
}
template <class A, class V>
void transfer(A& a, V& w) requires std::same_as<std::remove_const_t<V>, split_warning> {
  a.io(w.essay);
  a.io(w.line);
  a.io(w.message);
}
template <class A, class V>
void transfer(A& a, V& s) requires std::same_as<std::remove_const_t<V>, skipped_path> {
  a.io(s.path);
  a.io(s.reason);
  a.io(s.detail);
}
template <class A, class V>
void transfer(A& a, V& p) requires std::same_as<std::remove_const_t<V>, load_problem> {
  a.io(p.path);
  a.io(p.line);
  a.io(p.message);
}
/// A share's part of a load: what load_file and the JSON Lines merge fill in per item.
template <class A, class V>
void transfer(A& a, V& s) requires std::same_as<std::remove_const_t<V>, load_summary> {
  a.io(s.files);
  a.io(s.skipped);
  a.io(s.problems);
  a.io(s.essays);
  a.io(s.bytes);
}
template <class A, class V>
void transfer(A& a, V& i) requires std::same_as<std::remove_const_t<V>, signature_info> {
  a.io(i.normalized_chars);
  a.io(i.shingles);
  a.io(i.sentences);
  a.io(i.normalize.invalid_bytes);
  a.io(i.normalize.pinyin_annotations);
  a.io(i.normalize.web_artifacts);
}
template <class A, class V>
void transfer(A& a, V& r) requires std::same_as<std::remove_const_t<V>, jsonl_record> {
  a.io(r.id);
  a.io(r.line);
  a.io(r.offset);  // the text is let go once signed
}
template <class A, class V>
void transfer(A& a, V& p) requires std::same_as<std::remove_const_t<V>, jsonl_problem> {
  a.io(p.line);
  a.io(p.message);
}

template <class A, class V>
void transfer(A& a, V& s) requires std::same_as<std::remove_const_t<V>, candidate_stats> {
  a.io(s.entries);
  a.io(s.buckets);
  a.io(s.largest_bucket);
  a.io(s.capped_buckets);
  a.io(s.pairs);
  a.io(s.kept);
}
/// `value` as bytes, and back (throwing neardup::error(parse_error) for a malformed message).
template <class T>
std::string encode(T const& value) {
  byte_writer w;
  w.io(value);
  return w.take();
}
template <class T>
void decode(std::string_view bytes, T& value) {
  byte_reader r(bytes);
  r.io(value);
  r.finish();
}

}  // namespace neardup::detail
