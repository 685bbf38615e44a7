// detail::enum_from_name — the inverse of an enum's X_name(): one lookup and one message for every
// enum that has names (verify mode, MinHash scheme, split mode, linkage).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "neardup/error.hpp"

namespace neardup::detail {

/// The value among `values` whose name_of() is `name`; else error(invalid_argument)
/// "unknown WHAT "NAME" (a, b or c)".
template <class Enum, class NameOf>
[[nodiscard]] Enum enum_from_name(std::string_view name, std::initializer_list<Enum> values,
                                  NameOf const& name_of, std::string_view what) {
  std::string known;
  std::size_t i = 0;
  for (Enum const v : values) {
    if (name == name_of(v)) return v;
    known += i == 0 ? "" : i + 1 == values.size() ? " or " : ", ";
    known += name_of(v);
    ++i;
  }
  throw error(errc::invalid_argument,
              "unknown " + std::string(what) + " \"" + std::string(name) + "\" (" + known + ")");
}

}  // namespace neardup::detail
