// Benchmarks of the input stages: decoding a file and splitting it into essays.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <memory>

#include "bundled_files.hpp"
#include "common/utf8.hpp"
#include "neardup/encoding.hpp"
#include "neardup/split.hpp"

namespace {

std::vector<std::string> const& bundled() {
  static std::vector<std::string> const texts = [] {
    std::vector<std::string> out = neardup::bench::read_bundled_files();
    for (auto& t : out) t = neardup::decode_to_utf8(t).utf8;
    return out;
  }();
  return texts;
}

/// The bodies (no heading lines) of the bundled essays, as the raw material of bigger collections.
std::vector<std::string> const& bundled_bodies() {
  static std::vector<std::string> const bodies = [] {
    std::vector<std::string> out;
    for (auto const& t : bundled()) {
      for (auto const& e : neardup::split_essays(t).essays) out.push_back(t.substr(e.begin, e.end - e.begin));
    }
    return out;
  }();
  return bodies;
}

/// A collection of `n` essays under "…心得体会 篇<k>:" headings, after a title and a preamble.
std::string synthetic_collection(std::size_t n) {
  auto const& bodies = bundled_bodies();
  std::string t = "疫情防控心得体会" + std::to_string(n) + "篇\n以下是小编为大家收集的心得体会,欢迎阅读。\n";
  for (std::size_t k = 1; k <= n; ++k) {
    t += "疫情防控心得体会 篇" + std::to_string(k) + ":\n";
    t += bodies[k % bodies.size()];
    t += "\n\n";
  }
  return t + "一键复制\n";
}

/// Times `work`, whose result is kept from being optimized away, at `bytes` an iteration.
template <class Work>
void time_bytes(benchmark::State& state, std::size_t bytes, Work const& work) {
  for (auto _ : state) benchmark::DoNotOptimize(work());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void BM_SplitEssays_Bundled(benchmark::State& state) {
  auto const& texts = bundled();
  std::size_t found = 0;
  for (auto const& t : texts) found += neardup::split_essays(t).essays.size();
  if (texts.size() != 5 || found != 37) {
    state.SkipWithError("bundled essays not split into 37 essays");
    return;
  }
  std::size_t bytes = 0;
  for (auto const& t : texts) bytes += t.size();
  for (auto _ : state) {
    for (auto const& t : texts) {
      auto r = neardup::split_essays(t);
      benchmark::DoNotOptimize(r.essays.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_SplitEssays_Bundled);

void BM_SplitEssays_Synthetic(benchmark::State& state) {
  auto const n = static_cast<std::size_t>(state.range(0));
  std::string const text = synthetic_collection(n);
  auto const check = neardup::split_essays(text);
  if (check.essays.size() != n || check.furniture.size() != 3) {
    state.SkipWithError("synthetic collection split wrongly");
    return;
  }
  time_bytes(state, text.size(), [&] { return neardup::split_essays(text); });
}
BENCHMARK(BM_SplitEssays_Synthetic)->RangeMultiplier(8)->Range(8, 4096);

void BM_SplitEssays_BlankLine(benchmark::State& state) {
  std::string const text = synthetic_collection(static_cast<std::size_t>(state.range(0)));
  neardup::split_options const o{.mode = neardup::split_mode::blank_line};
  if (neardup::split_essays(text, o).essays.empty()) {
    state.SkipWithError("no essays");
    return;
  }
  time_bytes(state, text.size(), [&] { return neardup::split_essays(text, o); });
}
BENCHMARK(BM_SplitEssays_BlankLine)->RangeMultiplier(8)->Range(8, 4096);

/// UTF-16LE of UTF-8 text, by hand (the benchmark does not link ICU itself).
std::string to_utf16le(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    neardup::detail::utf8_sequence const d = neardup::detail::decode_utf8(s, i);
    char32_t const cp = d.cp;
    i += d.length;
    auto put = [&](char32_t u) {
      out += static_cast<char>(u & 0xFF);
      out += static_cast<char>(u >> 8);
    };
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

void decode_benchmark(benchmark::State& state, std::string const& bytes, std::string const& expected,
                      char const* encoding) {
  auto const check = neardup::decode_to_utf8(bytes);
  if (check.utf8 != expected || check.encoding != encoding) {
    state.SkipWithError("decoded wrongly");
    return;
  }
  time_bytes(state, bytes.size(), [&] { return neardup::decode_to_utf8(bytes); });
}

void BM_DecodeToUtf8_Utf8(benchmark::State& state) {
  std::string const text = synthetic_collection(static_cast<std::size_t>(state.range(0)));
  decode_benchmark(state, text, text, "UTF-8");
}
BENCHMARK(BM_DecodeToUtf8_Utf8)->RangeMultiplier(8)->Range(8, 512);

void BM_DecodeToUtf8_Utf16NoBom(benchmark::State& state) {
  std::string const text = synthetic_collection(static_cast<std::size_t>(state.range(0)));
  decode_benchmark(state, to_utf16le(text), text, "UTF-16LE");
}
BENCHMARK(BM_DecodeToUtf8_Utf16NoBom)->RangeMultiplier(8)->Range(8, 512);

/// GB18030 of UTF-8 text, by ICU.
std::string to_gb18030(std::string const& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> cnv(ucnv_open("GB18030", &status), &ucnv_close);
  icu::UnicodeString const u = icu::UnicodeString::fromUTF8(utf8);
  std::string out(static_cast<std::size_t>(u.length()) * 4 + 16, '\0');
  int32_t const n = ucnv_fromUChars(cnv.get(), out.data(), static_cast<int32_t>(out.size()), u.getBuffer(), u.length(), &status);
  out.resize(U_SUCCESS(status) ? static_cast<std::size_t>(n) : 0);
  return out;
}

// GB18030 text of two-byte codes: the table path of decode_to_utf8 (detection included).
void BM_DecodeToUtf8_Gb18030(benchmark::State& state) {
  std::string const text = synthetic_collection(static_cast<std::size_t>(state.range(0)));
  decode_benchmark(state, to_gb18030(text), text, "GB18030");
}
BENCHMARK(BM_DecodeToUtf8_Gb18030)->RangeMultiplier(8)->Range(8, 512);

// The same bytes through ICU's converter alone (to UTF-16, then UTF-8): what the table replaces.
void BM_Gb18030_IcuConverter(benchmark::State& state) {
  std::string const text = synthetic_collection(static_cast<std::size_t>(state.range(0)));
  std::string const bytes = to_gb18030(text);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> cnv(ucnv_open("GB18030", &status), &ucnv_close);
  auto decode = [&] {
    icu::UnicodeString const u(bytes.data(), static_cast<int32_t>(bytes.size()), cnv.get(), status);
    std::string out;
    u.toUTF8String(out);
    return out;
  };
  if (decode() != text) {
    state.SkipWithError("ICU decoded wrongly");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(decode().data());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_Gb18030_IcuConverter)->Arg(64);

}  // namespace
