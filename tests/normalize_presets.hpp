// normalize_options that tests and benchmarks share.
#pragma once

#include <neardup/normalize.hpp>

namespace neardup_test {

/// Every folding and every drop off: normalize gives the input's code points, decoding only.
inline neardup::normalize_options all_off() {
  neardup::normalize_options o;
  o.nfkc_casefold = false;
  o.traditional_to_simplified = false;
  o.strip_pinyin_annotations = false;
  o.strip_web_artifacts = false;
  o.drop_punctuation = false;
  o.drop_whitespace = false;
  return o;
}

}  // namespace neardup_test
