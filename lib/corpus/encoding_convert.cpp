// encoding, conversion: bytes in a known encoding to UTF-8 text with LF line ends — UTF-8 itself
// without ICU (most files, and the path must be fast), everything else through ICU's converters
// (GB18030's two-byte codes through gbk_table.hpp), and the forced encoding of decode_options.
#include "corpus/encoding_convert.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utypes.h>

#include <array>
#include <cstdint>
#include <memory>

#include "common/utf8.hpp"
#include "corpus/gbk_table.hpp"
#include "neardup/error.hpp"

namespace neardup::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 output with line-end normalization

/// Appends code points as UTF-8, turning CRLF and lone CR into LF and dropping a BOM that is the
/// very first code point. Line ends are normalized here, during the one pass every decoder makes
/// anyway.
class utf8_writer {
 public:
  explicit utf8_writer(std::string& out) : out_(out) {}

  void put(char32_t cp) {
    if (at_start_) {
      at_start_ = false;
      if (cp == 0xFEFF) {
        had_bom_ = true;
        return;
      }
    }
    if (cp == U'\r') {
      out_ += '\n';
      after_cr_ = true;
      return;
    }
    bool const swallow = cp == U'\n' && after_cr_;  // the LF of a CRLF already written
    after_cr_ = false;
    if (swallow) return;
    detail::append_utf8(out_, cp);
  }

  [[nodiscard]] bool had_bom() const noexcept { return had_bom_; }

 private:
  std::string& out_;
  bool at_start_ = true;
  bool after_cr_ = false;
  bool had_bom_ = false;
};

// ---------------------------------------------------------------------------------------------
// UTF-8 input, with detail::decode_utf8: each maximal subpart of an ill-formed sequence is one
// U+FFFD.

/// Decodes UTF-8 into `w`, returning the number of U+FFFD substitutions.
std::size_t decode_utf8_into(std::string_view s, utf8_writer& w) {
  std::size_t replaced = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    detail::utf8_sequence const d = detail::decode_utf8(s, i);
    i += d.length;
    if (d.status != detail::utf8_status::ok) ++replaced;
    w.put(d.cp);
  }
  return replaced;
}

/// True when copy_valid_utf8 would change `s`: it starts with a BOM or holds a CR.
bool has_bom_or_cr(std::string_view s) noexcept {
  return s.starts_with("\xEF\xBB\xBF") || s.find('\r') != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// ICU conversion

struct converter_closer {
  void operator()(UConverter* c) const noexcept { ucnv_close(c); }
};
using converter_ptr = std::unique_ptr<UConverter, converter_closer>;

/// Opens an ICU converter; a null pointer when ICU does not know the name (or lacks its data).
converter_ptr open_converter(char const* name) noexcept {
  UErrorCode status = U_ZERO_ERROR;
  converter_ptr c(ucnv_open(name, &status));
  if (U_FAILURE(status)) return nullptr;
  return c;
}

/// To-Unicode callback: each illegal, unassigned or truncated sequence becomes one U+FFFD and is
/// counted. ICU's own substitute callback would use the converter's substitution character, which
/// is not U+FFFD for every converter.
void count_and_substitute(void const* context, UConverterToUnicodeArgs* args, char const* /*units*/,
                          int32_t /*length*/, UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;  // reset / close / clone: nothing to substitute
  ++*static_cast<std::size_t*>(const_cast<void*>(context));
  *status = U_ZERO_ERROR;
  UChar const sub = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &sub, 1, 0, status);
}

/// Converts `bytes` with `cnv` to UTF-8 appended to `utf8` (line ends untouched); returns the
/// number of substitutions. ICU converts to UTF-16 a buffer at a time and u_strToUTF8WithSub turns
/// each buffer into UTF-8 in one call (a high surrogate at a buffer's end waits for its low half).
/// Throws icu_error on an ICU failure other than a full output buffer (which is drained and
/// retried).
std::size_t icu_decode(UConverter* cnv, std::string_view bytes, std::string& utf8,
                       std::string_view name) {
  std::size_t replaced = 0;
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setToUCallBack(cnv, count_and_substitute, &replaced, nullptr, nullptr, &status);
  if (U_FAILURE(status)) {
    throw error(errc::icu_error,
                "cannot set up the " + std::string(name) + " converter: " + u_errorName(status));
  }
  std::array<UChar, 16 * 1024> buffer{};
  char const* source = bytes.data();
  char const* const source_end = bytes.data() + bytes.size();
  std::size_t carried = 0;  // a high surrogate kept at buffer[0] from the previous round
  for (;;) {
    UChar* target = buffer.data() + carried;
    status = U_ZERO_ERROR;
    ucnv_toUnicode(cnv, &target, buffer.data() + buffer.size(), &source, source_end, nullptr,
                   /*flush=*/1, &status);
    bool const more = status == U_BUFFER_OVERFLOW_ERROR;
    if (U_FAILURE(status) && !more) {
      throw error(errc::icu_error,
                  "decoding as " + std::string(name) + " failed: " + u_errorName(status));
    }
    auto units = static_cast<std::size_t>(target - buffer.data());
    bool const hold = more && units > 0 && U16_IS_LEAD(buffer[units - 1]);
    if (hold) --units;
    std::size_t const at = utf8.size();
    utf8.resize(at + 3 * units);
    int32_t written = 0;
    int32_t lone = 0;  // unpaired surrogates: ICU emits none, counted to stay total
    UErrorCode s = U_ZERO_ERROR;
    u_strToUTF8WithSub(utf8.data() + at, static_cast<int32_t>(3 * units), &written, buffer.data(),
                       static_cast<int32_t>(units), 0xFFFD, &lone, &s);
    if (U_FAILURE(s))
      throw error(errc::icu_error, std::string("UTF-16 to UTF-8 failed: ") + u_errorName(s));
    utf8.resize(at + static_cast<std::size_t>(written));
    replaced += static_cast<std::size_t>(lone);
    carried = hold ? 1 : 0;
    if (hold) buffer[0] = buffer[units];
    if (!more) break;
  }
  return replaced;
}

/// Converts `bytes` to `out` (UTF-8, LF line ends, a leading BOM dropped; replaced and had_bom set)
/// with `cnv`, or with the converter named `icu_name` when `cnv` is null. GB18030 text made of
/// two-byte codes only (nearly all of it) takes the table of gbk_table.hpp, which gives what ICU
/// gives. `label` names the encoding in error messages.
void convert(std::string_view bytes, UConverter* cnv, std::string_view icu_name,
             std::string_view label, decoded_text& out) {
  std::string utf8;
  utf8.reserve(bytes.size() + bytes.size() / 2);
  bool const gb18030 = icu_name == "GB18030" || icu_name == "gb18030";
  if (gb18030 && detail::decode_gbk_fast(bytes, utf8)) {
    out.replaced = 0;
  } else {
    converter_ptr opened;
    if (cnv == nullptr) {
      opened = open_converter(std::string(icu_name).c_str());
      if (!opened)
        throw error(errc::icu_error, "ICU has no converter for " + std::string(icu_name));
      cnv = opened.get();
    }
    out.replaced = icu_decode(cnv, bytes, utf8, label);
  }
  out.had_bom = false;
  out.utf8.clear();
  // Line ends to LF, a leading BOM dropped; most text has neither, and is moved rather than copied.
  if (!has_bom_or_cr(utf8))
    out.utf8 = std::move(utf8);
  else
    copy_valid_utf8(utf8, out.utf8, out.had_bom);
}

/// The name to report for a converter the caller forced: its MIME name, else IANA, else ICU's own.
std::string reported_name(UConverter* cnv) {
  UErrorCode status = U_ZERO_ERROR;
  char const* icu = ucnv_getName(cnv, &status);
  if (U_FAILURE(status) || icu == nullptr) return {};
  for (char const* standard : {"MIME", "IANA"}) {
    UErrorCode s = U_ZERO_ERROR;
    char const* n = ucnv_getStandardName(icu, standard, &s);
    if (U_SUCCESS(s) && n != nullptr) return n;
  }
  return icu;
}

/// True when the converter reads a byte order mark itself and drops it (ICU's "UTF-16"/"UTF-32").
bool bom_sensing(std::string_view icu_name) noexcept {
  return icu_name == "UTF-16" || icu_name == "UTF-32";
}

bool starts_with_utf16_or_32_bom(std::string_view b) noexcept {
  return b.starts_with("\xFF\xFE") || b.starts_with("\xFE\xFF") ||
         b.starts_with(std::string_view("\x00\x00\xFE\xFF", 4));
}

}  // namespace

void decode_utf8_text(std::string_view bytes, decoded_text& out) {
  utf8_writer w(out.utf8);
  out.utf8.reserve(bytes.size());
  out.replaced = decode_utf8_into(bytes, w);
  out.had_bom = w.had_bom();
}

bool copy_valid_utf8(std::string_view s, std::string& out, bool& had_bom) {
  if (!has_bom_or_cr(s)) {
    out.assign(s);
    return true;
  }
  if (s.starts_with("\xEF\xBB\xBF")) {
    had_bom = true;
    s.remove_prefix(3);
  }
  out.reserve(s.size());
  while (!s.empty()) {
    std::size_t const cr = s.find('\r');
    if (cr == std::string_view::npos) {
      out.append(s);
      break;
    }
    out.append(s.substr(0, cr));
    out += '\n';
    s.remove_prefix(cr + 1);
    if (!s.empty() && s.front() == '\n') s.remove_prefix(1);
  }
  return false;
}

void decode_with_icu(std::string_view bytes, char const* icu_name, decoded_text& out) {
  convert(bytes, nullptr, icu_name, icu_name, out);
}

decoded_text decode_forced(std::string_view bytes, std::string const& name) {
  converter_ptr cnv = open_converter(name.c_str());
  if (!cnv) throw error(errc::encoding_error, "unknown encoding '" + name + "'");
  decoded_text out;
  out.detected = false;
  out.encoding = reported_name(cnv.get());
  UErrorCode status = U_ZERO_ERROR;
  std::string_view const icu_name = ucnv_getName(cnv.get(), &status);
  if (icu_name == "UTF-8") {
    decode_utf8_text(bytes, out);
    out.encoding = "UTF-8";
    return out;
  }
  bool const bom_before = bom_sensing(icu_name) && starts_with_utf16_or_32_bom(bytes);
  convert(bytes, cnv.get(), icu_name, name, out);
  out.had_bom = out.had_bom || bom_before;
  return out;
}

}  // namespace neardup::detail
