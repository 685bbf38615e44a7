// neardup._neardup — the Python module: pybind11 over the library's public API (neardup_core).
//
// Nothing here measures, hashes or clusters: options come in as keyword arguments (one table,
// below, with the C++ structs' defaults), texts are taken from any iterable as UTF-8, the library
// does the work with the GIL released, and its results go back as Python objects. python/neardup
// re-exports these with keyword signatures built from the same table.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/parallel.hpp"
#include "neardup/cluster.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/error.hpp"
#include "neardup/lsh.hpp"
#include "neardup/minhash.hpp"
#include "neardup/normalize.hpp"
#include "neardup/passages.hpp"
#include "neardup/signature.hpp"
#include "neardup/verify.hpp"
#include "neardup/version.hpp"

namespace py = pybind11;

namespace {

// ---- Options: one table, the C++ structs' defaults --------------------------------------------

// Which calls take an option (a bit each).
enum option_use : unsigned {
  for_normalize = 1,   // normalize()
  for_signature = 2,   // signature(), exact_jaccard()
  for_signatures = 4,  // signatures()
  for_dedup = 8,       // deduplicate(), Deduplicator
};
constexpr unsigned signing = for_signature | for_signatures | for_dedup;
constexpr unsigned every_call = for_normalize | signing;

[[noreturn]] void bad_type(char const* name, char const* wanted, py::handle value) {
  throw py::type_error(std::string("option '") + name + "' takes " + wanted + ", not " +
                       Py_TYPE(value.ptr())->tp_name);
}

bool as_bool(py::handle value, char const* name) {
  if (!PyBool_Check(value.ptr())) bad_type(name, "True or False", value);
  return value.ptr() == Py_True;
}

// An int (not a bool) in [0, max].
std::uint64_t as_count(py::handle value, char const* name, std::uint64_t max) {
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) bad_type(name, "an int", value);
  if (value < py::int_(0) || value > py::int_(max))
    throw py::value_error(std::string("option '") + name + "' must be in [0, " +
                          std::to_string(max) + "], not " + py::repr(value).cast<std::string>());
  return value.cast<std::uint64_t>();
}

unsigned as_unsigned(py::handle value, char const* name) {
  return static_cast<unsigned>(as_count(value, name, UINT32_MAX));
}

double as_double(py::handle value, char const* name) {
  if (PyBool_Check(value.ptr()) || !(PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr())))
    bad_type(name, "a number", value);
  return value.cast<double>();
}

std::string as_name(py::handle value, char const* name) {
  if (!PyUnicode_Check(value.ptr())) bad_type(name, "a str", value);
  return value.cast<std::string>();
}

struct option {
  char const* name;
  unsigned use;
  char const* doc;
  py::object (*get)(neardup::dedup_options const&);
  void (*set)(neardup::dedup_options&, py::handle, char const* name);
};

using neardup::dedup_options;

// A normalization switch: taken by every call.
template <bool neardup::normalize_options::*field>
option normalize_flag(char const* name, char const* doc) {
  return {
      name, every_call, doc,
      [](dedup_options const& o) -> py::object { return py::bool_(o.signature.normalize.*field); },
      [](dedup_options& o, py::handle v, char const* n) {
        o.signature.normalize.*field = as_bool(v, n);
      }};
}

// In the order the signatures list them.
option const options_table[] = {
    {"threshold", for_dedup, "Jaccard similarity at which two texts are near-duplicates",
     [](dedup_options const& o) -> py::object { return py::float_(o.threshold); },
     [](dedup_options& o, py::handle v, char const* n) { o.threshold = as_double(v, n); }},
    {"ngram", signing, "characters (or words) per shingle",
     [](dedup_options const& o) -> py::object { return py::int_(o.signature.shingle.n); },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.shingle.n = as_unsigned(v, n);
     }},
    {"num_perm", signing, "MinHash signature length",
     [](dedup_options const& o) -> py::object { return py::int_(o.signature.minhash.num_perm); },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.minhash.num_perm = as_unsigned(v, n);
     }},
    {"threads", for_signatures | for_dedup, "threads (0: every core); results never depend on it",
     [](dedup_options const& o) -> py::object { return py::int_(o.threads); },
     [](dedup_options& o, py::handle v, char const* n) { o.threads = as_unsigned(v, n); }},
    {"verify", for_dedup,
     "'hybrid' (the signature estimate where it is sure, exact Jaccard near the threshold), "
     "'exact' or 'estimate' (no texts kept)",
     [](dedup_options const& o) -> py::object {
       return py::str(std::string(neardup::verify_mode_name(o.verify)));
     },
     [](dedup_options& o, py::handle v, char const* n) {
       o.verify = neardup::verify_mode_from_name(as_name(v, n));
     }},
    {"scheme", signing, "MinHash scheme: 'oph' (one-permutation) or 'classic'",
     [](dedup_options const& o) -> py::object {
       return py::str(std::string(neardup::minhash_scheme_name(o.signature.minhash.scheme)));
     },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.minhash.scheme = neardup::minhash_scheme_from_name(as_name(v, n));
     }},
    {"seed", signing, "seed of the MinHash functions",
     [](dedup_options const& o) -> py::object { return py::int_(o.signature.minhash.seed); },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.minhash.seed = as_count(v, n, UINT64_MAX);
     }},
    {"words", signing,
     "word n-grams (space-separated languages) instead of characters; keeps white space unless "
     "drop_whitespace is given",
     [](dedup_options const& o) -> py::object {
       return py::bool_(o.signature.unit == neardup::shingle_unit::word);
     },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.unit =
           as_bool(v, n) ? neardup::shingle_unit::word : neardup::shingle_unit::character;
     }},
    {"linkage", for_dedup,
     "'single' (a chain of verified pairs joins) or 'star' (every member verified with the "
     "first)",
     [](dedup_options const& o) -> py::object {
       return py::str(std::string(neardup::linkage_name(o.linkage)));
     },
     [](dedup_options& o, py::handle v, char const* n) {
       o.linkage = neardup::linkage_from_name(as_name(v, n));
     }},
    {"templates", for_dedup, "also cluster templated essays (shared sentences)",
     [](dedup_options const& o) -> py::object { return py::bool_(o.templates); },
     [](dedup_options& o, py::handle v, char const* n) { o.templates = as_bool(v, n); }},
    {"template_share", for_dedup, "share of the longer essay's sentences a templated pair shares",
     [](dedup_options const& o) -> py::object { return py::float_(o.template_share); },
     [](dedup_options& o, py::handle v, char const* n) { o.template_share = as_double(v, n); }},
    {"short_text_chars", for_dedup,
     "pairs whose shorter text has fewer normalized characters are compared by short_ngram-grams "
     "(0: off)",
     [](dedup_options const& o) -> py::object {
       return py::int_(o.signature.short_text.below_chars);
     },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.short_text.below_chars = as_unsigned(v, n);
     }},
    {"short_ngram", for_dedup, "characters per shingle of short-text pairs",
     [](dedup_options const& o) -> py::object { return py::int_(o.signature.short_text.ngram); },
     [](dedup_options& o, py::handle v, char const* n) {
       o.signature.short_text.ngram = as_unsigned(v, n);
     }},
    {"bands", for_dedup, "LSH bands, with rows (None: chosen from the threshold)",
     [](dedup_options const& o) -> py::object {
       return o.lsh ? py::object(py::int_(o.lsh->bands)) : py::object(py::none());
     },
     [](dedup_options& o, py::handle v, char const* n) {
       if (v.is_none()) return;
       if (!o.lsh) o.lsh.emplace();
       o.lsh->bands = as_unsigned(v, n);
     }},
    {"rows", for_dedup, "LSH rows per band, with bands",
     [](dedup_options const& o) -> py::object {
       return o.lsh ? py::object(py::int_(o.lsh->rows)) : py::object(py::none());
     },
     [](dedup_options& o, py::handle v, char const* n) {
       if (v.is_none()) return;
       if (!o.lsh) o.lsh.emplace();
       o.lsh->rows = as_unsigned(v, n);
     }},
    {"max_bucket", for_dedup, "LSH bucket size past which pairs are capped",
     [](dedup_options const& o) -> py::object { return py::int_(o.max_bucket); },
     [](dedup_options& o, py::handle v, char const* n) {
       o.max_bucket = static_cast<std::size_t>(as_count(v, n, SIZE_MAX));
     }},
    {"verify_cache_bytes", for_dedup,
     "bytes of shingle sets exact verification keeps between pairs (results do not change)",
     [](dedup_options const& o) -> py::object { return py::int_(o.verify_cache_bytes); },
     [](dedup_options& o, py::handle v, char const* n) {
       o.verify_cache_bytes = static_cast<std::size_t>(as_count(v, n, SIZE_MAX));
     }},
    normalize_flag<&neardup::normalize_options::nfkc_casefold>("nfkc_casefold",
                                                               "Unicode NFKC and case folding"),
    normalize_flag<&neardup::normalize_options::traditional_to_simplified>(
        "traditional_to_simplified", "fold Traditional Chinese into Simplified"),
    normalize_flag<&neardup::normalize_options::strip_pinyin_annotations>(
        "strip_pinyin_annotations", "remove pinyin annotations such as 復(fù)"),
    normalize_flag<&neardup::normalize_options::strip_web_artifacts>(
        "strip_web_artifacts", "remove HTML tags, comments, scripts and URLs; decode entities"),
    normalize_flag<&neardup::normalize_options::drop_punctuation>("drop_punctuation",
                                                                  "drop punctuation and symbols"),
    normalize_flag<&neardup::normalize_options::drop_whitespace>(
        "drop_whitespace", "drop white space and control characters (words=True keeps them)"),
};

// The options of `kwargs` for a call of kind `use`; TypeError for a name the call does not take.
dedup_options parse_options(py::kwargs const& kwargs, unsigned use, char const* call) {
  dedup_options options;
  for (auto const& [key, value] : kwargs) {
    std::string const name = py::cast<std::string>(key);
    option const* found = nullptr;
    for (auto const& o : options_table)
      if (name == o.name && (o.use & use)) found = &o;
    if (!found)
      throw py::type_error(std::string(call) + "() got an unexpected keyword argument '" + name +
                           "'");
    found->set(options, value, found->name);
  }
  // As `dedup --words`: word shingles need the white space kept.
  if (options.signature.unit == neardup::shingle_unit::word && !kwargs.contains("drop_whitespace"))
    options.signature.normalize.drop_whitespace = false;
  bool const bands = kwargs.contains("bands") && !kwargs["bands"].is_none();
  bool const rows = kwargs.contains("rows") && !kwargs["rows"].is_none();
  if (bands != rows) throw py::value_error("bands and rows go together");
  return options;
}

// (name, default, doc, use) of every option: what python/neardup builds signatures from.
py::list option_list() {
  dedup_options const defaults;
  py::list out;
  for (auto const& o : options_table)
    out.append(py::make_tuple(o.name, o.get(defaults), o.doc, o.use));
  return out;
}

// The docstring paragraph listing the options a call takes, with their defaults.
std::string options_doc(unsigned use) {
  dedup_options const defaults;
  std::string doc = "\n\nKeyword options (defaults are the C++ library's):\n";
  for (auto const& o : options_table) {
    if (!(o.use & use)) continue;
    doc += "    ";
    doc += o.name;
    doc += "=";
    doc += py::repr(o.get(defaults)).cast<std::string>();
    doc += ": ";
    doc += o.doc;
    doc += "\n";
  }
  return doc;
}

// ---- Texts and signatures in ------------------------------------------------------------------

// Appends the UTF-8 of `obj`, which must be a str: TypeError otherwise, and UnicodeEncodeError (a
// ValueError) naming the item for a lone surrogate, which has no UTF-8.
void take_text(py::handle obj, std::string& out, std::string_view what, std::size_t index) {
  auto label = [&] {
    std::string l(what);
    if (index != SIZE_MAX) l += "[" + std::to_string(index) + "]";
    return l;
  };
  if (!PyUnicode_Check(obj.ptr()))
    throw py::type_error(label() + " must be str, not " + Py_TYPE(obj.ptr())->tp_name);
  if (PyUnicode_IS_COMPACT_ASCII(obj.ptr())) {  // its own bytes are its UTF-8
    out.assign(static_cast<char const*>(PyUnicode_DATA(obj.ptr())),
               static_cast<std::size_t>(PyUnicode_GET_LENGTH(obj.ptr())));
    return;
  }
  // Not PyUnicode_AsUTF8AndSize: that keeps the UTF-8 inside the str for as long as it lives.
  PyObject* bytes = PyUnicode_AsUTF8String(obj.ptr());
  if (!bytes) {
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) throw py::error_already_set();
    py::error_already_set original;
    Py_ssize_t start = 0, end = 0;
    PyUnicodeEncodeError_GetStart(original.value().ptr(), &start);
    PyUnicodeEncodeError_GetEnd(original.value().ptr(), &end);
    std::string const reason =
        "lone surrogate in " + label() +
        ": neardup takes valid Unicode text (decode bytes with errors='replace', not "
        "'surrogateescape')";
    PyObject* error = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", "utf-8", obj.ptr(),
                                            start, end, reason.c_str());
    if (!error) throw py::error_already_set();
    PyErr_SetObject(PyExc_UnicodeEncodeError, error);
    Py_DECREF(error);
    throw py::error_already_set();
  }
  py::bytes const held = py::reinterpret_steal<py::bytes>(bytes);
  out.assign(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
}

// An iterator over the texts of `texts`: any iterable but a str itself (whose items are
// characters).
py::iterator texts_of(py::handle texts) {
  if (PyUnicode_Check(texts.ptr()) || PyBytes_Check(texts.ptr()))
    throw py::type_error(std::string("texts must be an iterable of str, not one ") +
                         Py_TYPE(texts.ptr())->tp_name);
  return py::iter(texts);
}

std::string text_of(py::handle obj, std::string_view what) {
  std::string out;
  take_text(obj, out, what, SIZE_MAX);
  return out;
}

using signature_array = py::array_t<std::uint32_t, py::array::c_style | py::array::forcecast>;

// A signature as a 1-D uint32 array: a NumPy array or sequence of ints in [0, 2^32), or anything
// with `hashvalues` (a datasketch MinHash), which gives its values.
signature_array signature_of(py::handle obj, char const* what) {
  py::object source = py::reinterpret_borrow<py::object>(obj);
  if (py::hasattr(source, "hashvalues")) source = source.attr("hashvalues");
  py::array values = py::array::ensure(source);
  if (!values) throw py::type_error(std::string(what) + " must be an array of ints");
  if (values.ndim() != 1)
    throw py::value_error(std::string(what) + " must be 1-D, not " + std::to_string(values.ndim()) +
                          "-D");
  char const kind = values.dtype().kind();
  if (kind != 'u' && kind != 'i')
    throw py::type_error(std::string(what) + " must hold ints, not " +
                         py::str(values.dtype()).cast<std::string>());
  if (!values.dtype().equal(py::dtype::of<std::uint32_t>()) && values.size() > 0 &&
      (values.attr("min")().cast<py::int_>() < py::int_(0) ||
       values.attr("max")().cast<py::int_>() > py::int_(UINT32_MAX)))
    throw py::value_error(std::string(what) + " values must be in [0, 2**32)");
  return signature_array::ensure(values);
}

std::span<const std::uint32_t> view(signature_array const& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

// The signer of a set of options, kept for the next call with the same options (signature() in a
// loop would otherwise build one per text). Touched only with the GIL held.
std::shared_ptr<neardup::document_signer const> signer_for(py::kwargs const& kwargs, unsigned use,
                                                           char const* call,
                                                           dedup_options* parsed = nullptr) {
  static std::string last_key;
  static std::shared_ptr<neardup::document_signer const> last;
  dedup_options const options = parse_options(kwargs, use, call);
  if (parsed) *parsed = options;
  py::list items = py::list(kwargs.attr("items")());
  items.attr("sort")();
  std::string key = py::repr(items).cast<std::string>();
  if (!last || key != last_key) {
    last = std::make_shared<neardup::document_signer const>(options.signature);
    last_key = std::move(key);
  }
  return last;
}

// ---- Deduplicator ------------------------------------------------------------------------------

// The ids of the documents: the caller's objects, or none (null) for a document's position.
class id_list {
 public:
  void push(py::object id) { ids_.push_back(std::move(id)); }
  [[nodiscard]] py::object at(std::uint32_t doc) const {
    return ids_[doc] ? ids_[doc] : py::int_(doc);
  }

 private:
  std::vector<py::object> ids_;
};

py::dict candidate_stats_dict(neardup::candidate_stats const& s) {
  py::dict d;
  d["entries"] = s.entries;
  d["buckets"] = s.buckets;
  d["largest_bucket"] = s.largest_bucket;
  d["capped_buckets"] = s.capped_buckets;
  d["pairs"] = s.pairs;
  return d;
}

py::dict stats_dict(neardup::dedup_stats const& s) {
  py::dict d;
  d["documents"] = s.documents;
  d["empty_documents"] = s.empty_documents;
  d["bytes"] = s.bytes;
  d["invalid_bytes"] = s.invalid_bytes;
  d["shingles"] = s.shingles;
  d["candidates"] = candidate_stats_dict(s.candidates);
  d["verified_pairs"] = s.verified_pairs;
  d["sentence_candidates"] = candidate_stats_dict(s.sentence_candidates);
  d["sentence_pairs_measured"] = s.sentence_pairs_measured;
  d["sentence_pairs_bounded"] = s.sentence_pairs_bounded;
  d["templated_pairs"] = s.templated_pairs;
  d["short_documents"] = s.short_documents;
  d["short_candidates"] = candidate_stats_dict(s.short_candidates);
  d["short_pairs_measured"] = s.short_pairs_measured;
  d["short_pairs"] = s.short_pairs;
  d["accepted_by_estimate"] = s.accepted_by_estimate;
  d["rejected_by_estimate"] = s.rejected_by_estimate;
  d["already_joined"] = s.already_joined;
  d["exact_pairs"] = s.exact_pairs;
  d["texts_read_back"] = s.texts_read_back;
  d["verify_cache_peak_bytes"] = s.verify_cache_peak_bytes;
  d["clusters"] = s.clusters;
  d["duplicates"] = s.duplicates;
  d["lsh"] = py::make_tuple(s.lsh.bands, s.lsh.rows);
  d["seconds_sign"] = s.seconds_sign;
  d["seconds_candidates"] = s.seconds_candidates;
  d["seconds_verify"] = s.seconds_verify;
  d["seconds_cluster"] = s.seconds_cluster;
  return d;
}

// [[(id, similarity), ...], ...]: the representative first.
py::list clusters_list(neardup::dedup_result const& result, id_list const& ids) {
  py::list clusters;
  for (auto const& c : result.clusters) {
    py::list members;
    for (auto const& m : c.members) members.append(py::make_tuple(ids.at(m.doc), m.similarity));
    clusters.append(std::move(members));
  }
  return clusters;
}

// Every member's record, as the CLI's JSON Lines report writes it.
py::list members_list(neardup::dedup_result const& result, id_list const& ids) {
  py::list clusters;
  for (auto const& c : result.clusters) {
    py::list members;
    for (auto const& m : c.members) {
      py::dict d;
      d["id"] = ids.at(m.doc);
      d["similarity"] = m.similarity;
      d["estimated"] = m.estimated;
      d["relation"] = std::string(neardup::member_relation_name(m.relation));
      d["linked_to"] = ids.at(m.linked_to);
      d["link_similarity"] = m.link_similarity;
      d["link_estimated"] = m.link_estimated;
      members.append(std::move(d));
    }
    clusters.append(std::move(members));
  }
  return clusters;
}

struct run_result {
  py::list clusters;
  py::list members;
  py::dict stats;
};

class py_deduplicator {
 public:
  explicit py_deduplicator(dedup_options const& options) : dedup_(options) {}

  std::uint32_t add(py::handle text, py::object id) {
    std::string utf8 = text_of(text, "text");
    auto lock = hold();
    std::uint32_t doc = 0;
    {
      py::gil_scoped_release release;
      doc = dedup_.add({}, utf8);
    }
    ids_.push(id.is_none() ? py::object() : std::move(id));
    return doc;
  }

  std::uint32_t add_signature(py::handle signature, py::object id, std::optional<bool> empty) {
    signature_array const values = signature_of(signature, "signature");
    auto const span = view(values);
    bool const is_empty =
        empty ? *empty : std::all_of(span.begin(), span.end(), [](std::uint32_t v) {
          return v == neardup::empty_slot;
        });
    auto lock = hold();
    std::uint32_t const doc = dedup_.add_signature({}, span, is_empty);
    ids_.push(id.is_none() ? py::object() : std::move(id));
    return doc;
  }

  // Adds every text of `texts` (any iterable), with the ids of `ids` (an iterable as long, or
  // None: positions). Texts are taken a batch at a time and added with the GIL released; on a bad
  // text, the ones before it stay added.
  std::size_t extend(py::handle texts, py::handle ids) {
    auto lock = hold();
    std::size_t const first = dedup_.size();
    std::size_t const batch = std::max<std::size_t>(dedup_.options().batch_documents, 1);
    std::vector<std::string> chunk(batch);
    std::vector<py::object> chunk_ids;
    chunk_ids.reserve(batch);
    std::size_t filled = 0;
    auto add_chunk = [&] {
      {
        py::gil_scoped_release release;
        for (std::size_t i = 0; i < filled; ++i) dedup_.add({}, chunk[i]);
      }
      for (auto& id : chunk_ids) ids_.push(std::move(id));
      chunk_ids.clear();
      filled = 0;
    };
    py::iterator text_it = texts_of(texts);
    std::optional<py::iterator> id_it;
    if (!ids.is_none()) id_it = py::iter(ids);
    std::size_t index = 0;
    try {
      for (; text_it != py::iterator::sentinel(); ++text_it, ++index) {
        take_text(*text_it, chunk[filled], "texts", index);
        if (id_it) {
          if (*id_it == py::iterator::sentinel())
            throw py::value_error("ids has fewer items than texts (" + std::to_string(index) + ")");
          chunk_ids.push_back(py::reinterpret_borrow<py::object>(**id_it));
          ++*id_it;
        } else {
          chunk_ids.emplace_back();
        }
        if (++filled == batch) add_chunk();
      }
      if (id_it && *id_it != py::iterator::sentinel())
        throw py::value_error("ids has more items than texts (" + std::to_string(index) + ")");
    } catch (...) {
      add_chunk();
      throw;
    }
    add_chunk();
    return dedup_.size() - first;
  }

  run_result run(bool details) {
    auto lock = hold();
    neardup::dedup_result result;
    {
      py::gil_scoped_release release;
      result = dedup_.run();
    }
    run_result out;
    out.clusters = clusters_list(result, ids_);
    if (details) out.members = members_list(result, ids_);
    out.stats = stats_dict(result.stats);
    return out;
  }

  [[nodiscard]] std::size_t size() const noexcept { return dedup_.size(); }
  [[nodiscard]] neardup::deduplicator const& get() const noexcept { return dedup_; }

 private:
  // One call at a time: the GIL is released while the library works, and the deduplicator is not
  // thread-safe.
  std::unique_lock<std::mutex> hold() {
    std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock())
      throw std::runtime_error("this Deduplicator is in use by another thread");
    return lock;
  }

  neardup::deduplicator dedup_;
  id_list ids_;
  std::mutex busy_;
};

// ---- LSHIndex ----------------------------------------------------------------------------------

// datasketch's MinHashLSH over neardup::lsh_index: keys are any hashable objects.
class py_lsh_index {
 public:
  py_lsh_index(double threshold, unsigned num_perm,
               std::optional<std::pair<double, double>> weights,
               std::optional<std::pair<unsigned, unsigned>> params)
      : index_(lsh_params_of(threshold, num_perm, weights, params)), num_perm_(num_perm) {}

  void insert(py::object key, py::handle signature) {
    if (docs_.contains(key)) throw py::value_error("the key is already in the index");
    auto const values = checked(signature);
    if (keys_.size() >= UINT32_MAX) throw py::value_error("the index holds 2^32 - 1 keys");
    auto const doc = static_cast<std::uint32_t>(keys_.size());
    index_.insert(doc, values);
    auto const p = index_.params();
    banded_.emplace_back(values.begin(), values.begin() + p.bands * p.rows);
    docs_[key] = doc;
    keys_.push_back(std::move(key));
  }

  [[nodiscard]] py::list query(py::handle signature) const {
    py::list out;
    for (std::uint32_t doc : index_.query(checked(signature))) out.append(keys_[doc]);
    return out;
  }

  void remove(py::handle key) {
    if (!docs_.contains(key)) throw py::value_error("the key is not in the index");
    auto const doc = docs_[key].cast<std::uint32_t>();
    bool const removed = index_.remove(doc, banded_[doc]);
    if (!removed) throw std::logic_error("the index lost a key's entries");  // cannot happen
    PyDict_DelItem(docs_.ptr(), key.ptr());
    keys_[doc] = py::none();
    banded_[doc] = {};
  }

  [[nodiscard]] bool contains(py::handle key) const { return docs_.contains(key); }
  [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }
  [[nodiscard]] neardup::lsh_params params() const noexcept { return index_.params(); }
  [[nodiscard]] unsigned num_perm() const noexcept { return num_perm_; }

 private:
  static neardup::lsh_params lsh_params_of(double threshold, unsigned num_perm,
                                           std::optional<std::pair<double, double>> weights,
                                           std::optional<std::pair<unsigned, unsigned>> params) {
    if (params) {
      if (params->first == 0 || params->second == 0 ||
          std::uint64_t{params->first} * params->second > num_perm)
        throw py::value_error(
            "params (bands, rows) must be positive with bands * rows <= num_perm");
      return {params->first, params->second};
    }
    if (weights)
      return neardup::optimal_lsh_params(threshold, num_perm, weights->first, weights->second);
    return neardup::optimal_lsh_params(threshold, num_perm);  // its weights: datasketch's
  }

  [[nodiscard]] std::vector<std::uint32_t> checked(py::handle signature) const {
    signature_array const values = signature_of(signature, "signature");
    if (values.size() != num_perm_)
      throw py::value_error("signature has " + std::to_string(values.size()) +
                            " values; the index takes num_perm = " + std::to_string(num_perm_));
    auto const span = view(values);
    return {span.begin(), span.end()};
  }

  neardup::lsh_index index_;
  unsigned num_perm_;
  py::dict docs_;                                   // key → document number
  std::vector<py::object> keys_;                    // by document number; None once removed
  std::vector<std::vector<std::uint32_t>> banded_;  // by document: the values its bands hold
};

// ---- Functions ---------------------------------------------------------------------------------

signature_array signature(py::handle text, py::kwargs const& kwargs) {
  auto const signer = signer_for(kwargs, for_signature, "signature");
  std::string const utf8 = text_of(text, "text");
  signature_array out(static_cast<py::ssize_t>(signer->num_perm()));
  std::span<std::uint32_t> const slots(out.mutable_data(), signer->num_perm());
  {
    py::gil_scoped_release release;
    neardup::signer_scratch scratch;
    (void)signer->sign(utf8, slots, scratch);
  }
  return out;
}

py::array signatures(py::handle texts, py::kwargs const& kwargs) {
  dedup_options options;
  auto const signer = signer_for(kwargs, for_signatures, "signatures", &options);
  std::size_t const k = signer->num_perm();
  unsigned const threads = neardup::detail::resolve_threads(options.threads);
  auto values = std::make_unique<std::vector<std::uint32_t>>();
  std::vector<neardup::signer_scratch> scratch(threads);
  std::vector<std::string> chunk(options.batch_documents);
  std::size_t rows = 0, filled = 0;
  auto sign_chunk = [&] {
    py::gil_scoped_release release;
    values->resize((rows + filled) * k);
    std::uint32_t* const base = values->data() + rows * k;
    neardup::detail::parallel_for(
        filled, threads, 16, [&](std::size_t b, std::size_t e, unsigned w) {
          for (std::size_t i = b; i < e; ++i)
            (void)signer->sign(chunk[i], std::span<std::uint32_t>(base + i * k, k), scratch[w]);
        });
    rows += filled;
    filled = 0;
  };
  std::size_t index = 0;
  for (py::handle text : texts_of(texts)) {
    take_text(text, chunk[filled], "texts", index++);
    if (++filled == chunk.size()) sign_chunk();
  }
  sign_chunk();
  auto* data = values->data();
  py::capsule owner(values.release(),
                    [](void* p) { delete static_cast<std::vector<std::uint32_t>*>(p); });
  return signature_array({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(k)}, data,
                         owner);
}

double estimate_jaccard(py::handle a, py::handle b) {
  signature_array const x = signature_of(a, "a");
  signature_array const y = signature_of(b, "b");
  if (x.size() != y.size())
    throw py::value_error("signatures of different lengths (" + std::to_string(x.size()) + " and " +
                          std::to_string(y.size()) + ")");
  return neardup::estimate_jaccard(view(x), view(y));
}

double exact_jaccard(py::handle a, py::handle b, py::kwargs const& kwargs) {
  auto const signer = signer_for(kwargs, for_signature, "exact_jaccard");
  std::string const x = text_of(a, "text_a");
  std::string const y = text_of(b, "text_b");
  py::gil_scoped_release release;
  return neardup::exact_jaccard(signer->shingle_set(x), signer->shingle_set(y));
}

py::str normalize(py::handle text, py::kwargs const& kwargs) {
  dedup_options const options = parse_options(kwargs, for_normalize, "normalize");
  std::string const utf8 = text_of(text, "text");
  std::string out;
  {
    py::gil_scoped_release release;
    out = neardup::normalizer(options.signature.normalize).normalize_to_utf8(utf8);
  }
  return py::str(out);
}

// ---- Copied passages ---------------------------------------------------------------------------

// The keyword options of passages() and find_passages(): passage_options' fields, its defaults.
neardup::passage_options passage_options_of(py::kwargs const& kwargs, bool corpus,
                                            char const* call) {
  neardup::passage_options o;
  for (auto const& [key, value] : kwargs) {
    std::string const name = py::str(key);
    char const* n = name.c_str();
    if (name == "min_chars") o.min_chars = as_count(value, n, UINT32_MAX);
    else if (name == "min_words") o.min_words = as_count(value, n, UINT32_MAX);
    else if (name == "gram") o.gram = as_unsigned(value, n);
    else if (name == "window") o.window = as_unsigned(value, n);
    else if (name == "max_gap") o.max_gap = as_unsigned(value, n);
    else if (name == "max_shift") o.max_shift = as_unsigned(value, n);
    else if (corpus && name == "max_postings") o.max_postings = as_count(value, n, UINT32_MAX);
    else if (corpus && name == "min_shared") o.min_shared = as_unsigned(value, n);
    else if (corpus && name == "threads") o.threads = as_unsigned(value, n);
    else throw py::type_error(std::string(call) + "() got an unexpected keyword argument '" + name + "'");
  }
  neardup::validate(o);
  return o;
}

py::dict passage_defaults() {
  neardup::passage_options const o;
  py::dict d;
  d["min_chars"] = o.min_chars;
  d["min_words"] = o.min_words;
  d["gram"] = o.gram;
  d["window"] = o.window;
  d["max_gap"] = o.max_gap;
  d["max_shift"] = o.max_shift;
  d["max_postings"] = o.max_postings;
  d["min_shared"] = o.min_shared;
  d["threads"] = o.threads;
  return d;
}

// Python indexes a str by code point: the library's byte offsets into the UTF-8 text, as those.
class char_index {
 public:
  explicit char_index(std::string_view utf8) : before_(utf8.size() + 1, 0) {
    std::uint32_t chars = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
      before_[i] = chars;
      chars += (static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80 ? 1 : 0;
    }
    before_[utf8.size()] = chars;
  }
  [[nodiscard]] std::size_t operator()(std::size_t byte) const { return before_.at(byte); }

 private:
  std::vector<std::uint32_t> before_;
};

py::dict pair_dict(neardup::passage_pair const& pair, char_index const& a, char_index const& b) {
  py::list passages;
  for (neardup::passage const& p : pair.passages) {
    py::dict d;
    d["a_start"] = a(p.a_start);
    d["a_end"] = a(p.a_end);
    d["b_start"] = b(p.b_start);
    d["b_end"] = b(p.b_end);
    d["a_line"] = p.a_line;
    d["b_line"] = p.b_line;
    d["chars"] = p.chars;
    passages.append(d);
  }
  py::dict out;
  out["containment_a"] = pair.containment_a;
  out["containment_b"] = pair.containment_b;
  out["passages"] = passages;
  return out;
}

py::dict passages_of(py::handle a, py::handle b, py::kwargs const& kwargs) {
  neardup::passage_options const options = passage_options_of(kwargs, false, "passages");
  std::string const x = text_of(a, "text_a");
  std::string const y = text_of(b, "text_b");
  neardup::passage_pair pair;
  {
    py::gil_scoped_release release;
    pair = neardup::passages(x, y, options);
  }
  return pair_dict(pair, char_index(x), char_index(y));
}

py::list find_passages(py::handle texts, py::handle ids, py::kwargs const& kwargs) {
  neardup::passage_options const options = passage_options_of(kwargs, true, "find_passages");
  std::vector<std::string> all;
  std::size_t index = 0;
  for (py::handle text : texts_of(texts)) {
    all.emplace_back();
    take_text(text, all.back(), "texts", index++);
  }
  py::list id_list;
  if (!ids.is_none()) {
    id_list = py::list(py::reinterpret_borrow<py::object>(ids));
    if (id_list.size() != all.size())
      throw py::value_error("ids has " + std::to_string(id_list.size()) + " items, texts " +
                            std::to_string(all.size()));
  }
  neardup::passage_result result;
  {
    py::gil_scoped_release release;
    neardup::passage_finder finder(options);
    for (auto const& t : all) finder.add(t);
    result = finder.run();
  }
  py::list out;
  for (neardup::passage_pair const& pair : result.pairs) {
    py::dict d = pair_dict(pair, char_index(all[pair.a]), char_index(all[pair.b]));
    d["a"] = ids.is_none() ? py::object(py::int_(pair.a)) : id_list[pair.a];
    d["b"] = ids.is_none() ? py::object(py::int_(pair.b)) : id_list[pair.b];
    out.append(d);
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_neardup, m) {
  py::options doc_options;
  doc_options.disable_function_signatures();  // python/neardup gives the keyword signatures
  m.doc() = "neardup's C++ library (python/neardup re-exports it; import neardup).";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (neardup::error const& e) {
      switch (e.code()) {
        case neardup::errc::invalid_argument:
        case neardup::errc::limit_exceeded:
        case neardup::errc::encoding_error:
        case neardup::errc::parse_error:
          PyErr_SetString(PyExc_ValueError, e.what());
          return;
        case neardup::errc::io_error:
          PyErr_SetString(PyExc_OSError, e.what());
          return;
        case neardup::errc::icu_error:
          PyErr_SetString(PyExc_RuntimeError, e.what());
          return;
      }
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  m.attr("__version__") = neardup::version_string;
  m.attr("signature_format_version") = neardup::signature_format_version;
  m.attr("empty_slot") = neardup::empty_slot;
  m.attr("USE_NORMALIZE") = static_cast<unsigned>(for_normalize);
  m.attr("USE_SIGNATURE") = static_cast<unsigned>(for_signature);
  m.attr("USE_SIGNATURES") = static_cast<unsigned>(for_signatures);
  m.attr("USE_DEDUP") = static_cast<unsigned>(for_dedup);
  m.def("options", &option_list,
        "The keyword options: (name, default, doc, uses) each, uses a mask of USE_* bits.");
  m.def(
      "normalize_simd_target", [] { return std::string(neardup::normalize_simd_target()); },
      "The instruction set normalization uses in this process: 'avx512', 'avx2' or 'scalar'.");

  m.def(
      "deduplicate",
      [](py::handle texts, py::handle ids, py::kwargs const& kwargs) {
        py_deduplicator dedup(parse_options(kwargs, for_dedup, "deduplicate"));
        dedup.extend(texts, ids);
        return dedup.run(false).clusters;
      },
      py::arg("texts"), py::arg("ids") = py::none(),
      ("deduplicate(texts, ids=None, **options) -> list of clusters\n\n"
       "The clusters of near-duplicate texts: each a list of (id, similarity) tuples, the\n"
       "representative (the earliest text) first, then its members in order, similarity to the\n"
       "representative. Clusters come in the order of their representatives; texts in no cluster\n"
       "are left out. `texts` is any iterable of str (a list, a generator, a datasets column);\n"
       "`ids` an iterable as long (None: positions 0, 1, 2, ...). The GIL is released while the\n"
       "library works. The same result as `dedup --jsonl` on the same texts and options, on any\n"
       "number of threads.\n\n"
       "Raises TypeError for an item that is not str (or an unknown option), UnicodeEncodeError\n"
       "(a ValueError) for a lone surrogate, ValueError for an option out of range." +
       options_doc(for_dedup))
          .c_str());

  m.def("passage_defaults", &passage_defaults,
        "The keyword options of passages() and find_passages() and their defaults.");
  m.def("passages", &passages_of, py::arg("text_a"), py::arg("text_b"),
        "passages(text_a, text_b, **options) -> dict\n\n"
        "The passages the two texts share (copied runs of at least min_chars normalized Han\n"
        "characters, or min_words words of space-separated text, through changed punctuation,\n"
        "script, pinyin annotations and small edits): {'containment_a', 'containment_b',\n"
        "'passages': [{'a_start', 'a_end', 'b_start', 'b_end', 'a_line', 'b_line', 'chars'}]},\n"
        "offsets as str indices (text_a[a_start:a_end]), lines 1-based, chars the normalized\n"
        "characters that match. No stock-phrase filter: that needs a corpus (find_passages).");
  m.def("find_passages", &find_passages, py::arg("texts"), py::arg("ids") = py::none(),
        "find_passages(texts, ids=None, **options) -> list of dict\n\n"
        "The pairs of texts that share a passage, as passages() gives them plus 'a' and 'b' (ids,\n"
        "or positions; a before b in input order), in order of (a, b): what `dedup --passages`\n"
        "reports. A fingerprint in more than max_postings texts is a stock phrase and ignored.\n"
        "The same on any number of threads; the GIL is released while the library works.");
  m.def("signature", &signature, py::arg("text"),
        ("signature(text, **options) -> numpy.ndarray\n\n"
         "The MinHash signature of `text`: num_perm uint32 values, the ones deduplicate() uses\n"
         "(signature_format_version). A text with nothing left after normalization gets\n"
         "empty_slot in every slot." +
         options_doc(for_signature))
            .c_str());
  m.def("signatures", &signatures, py::arg("texts"),
        ("signatures(texts, **options) -> numpy.ndarray\n\n"
         "The signatures of every text of `texts` (any iterable of str), one row each: a 2-D\n"
         "uint32 array of shape (len, num_perm), computed on `threads` threads without the GIL." +
         options_doc(for_signatures))
            .c_str());
  m.def("estimate_jaccard", &estimate_jaccard, py::arg("a"), py::arg("b"),
        "estimate_jaccard(a, b) -> float\n\n"
        "The share of equal slots of two signatures of the same length: an estimate of their\n"
        "texts' Jaccard similarity (standard error about sqrt(J(1-J)/num_perm)).");
  m.def("exact_jaccard", &exact_jaccard, py::arg("text_a"), py::arg("text_b"),
        ("exact_jaccard(text_a, text_b, **options) -> float\n\n"
         "The Jaccard similarity of the two texts' sets of shingles (after normalization)." +
         options_doc(for_signature))
            .c_str());
  m.def("normalize", &normalize, py::arg("text"),
        ("normalize(text, **options) -> str\n\n"
         "The normalized text that shingles are made of: NFKC and case folding, Traditional to\n"
         "Simplified, pinyin annotations and web debris removed, punctuation and white space\n"
         "dropped." +
         options_doc(for_normalize))
            .c_str());

  py::class_<run_result>(m, "Result",
                         "What Deduplicator.run() gives: clusters, stats and (with details=True) "
                         "members.")
      .def_readonly("clusters", &run_result::clusters,
                    "[[(id, similarity), ...], ...], as deduplicate() gives them")
      .def_readonly("members", &run_result::members,
                    "with run(details=True): per cluster, each member's dict (id, similarity, "
                    "estimated, relation, linked_to, link_similarity, link_estimated), as the "
                    "CLI's JSON Lines report has them; else an empty list")
      .def_readonly("stats", &run_result::stats, "the run's counts and timings (a dict)")
      .def("__repr__", [](run_result const& r) {
        return "<neardup.Result: " + std::to_string(r.clusters.size()) + " clusters>";
      });

  py::class_<py_deduplicator>(m, "Deduplicator",
                              ("Deduplicator(**options): add texts (or signatures), then run().\n"
                               "The options are deduplicate()'s." +
                               options_doc(for_dedup))
                                  .c_str())
      .def(py::init([](py::kwargs const& kwargs) {
        return std::make_unique<py_deduplicator>(parse_options(kwargs, for_dedup, "Deduplicator"));
      }))
      .def("add", &py_deduplicator::add, py::arg("text"), py::arg("id") = py::none(),
           "add(text, id=None) -> int\n\n"
           "Adds a text (str) and returns its document number (0, 1, 2, ...); id None: that "
           "number.")
      .def("extend", &py_deduplicator::extend, py::arg("texts"), py::arg("ids") = py::none(),
           "extend(texts, ids=None) -> int\n\n"
           "Adds every text of an iterable (ids: an iterable as long, or None for positions),\n"
           "a batch at a time without the GIL; returns how many. On a bad item the texts before\n"
           "it stay added.")
      .def("add_signature", &py_deduplicator::add_signature, py::arg("signature"),
           py::arg("id") = py::none(), py::kw_only(), py::arg("empty") = py::none(),
           "add_signature(signature, id=None, *, empty=None) -> int\n\n"
           "Adds a document signed elsewhere (signature() with the same options, or a\n"
           "datasketch-like object with hashvalues): num_perm uint32 values. empty None: a\n"
           "signature all empty_slot. Without its text, only verify='estimate' can measure it\n"
           "(ValueError otherwise, the library's rule).")
      .def("run", &py_deduplicator::run, py::kw_only(), py::arg("details") = false,
           "run(*, details=False) -> Result\n\n"
           "Candidates, verification and clusters over every document added so far, without the\n"
           "GIL. details=True also fills Result.members.")
      .def("__len__", &py_deduplicator::size)
      .def_property_readonly(
          "lsh",
          [](py_deduplicator const& d) {
            return std::make_pair(d.get().lsh().bands, d.get().lsh().rows);
          },
          "(bands, rows) in use")
      .def_property_readonly("num_perm",
                             [](py_deduplicator const& d) { return d.get().signer().num_perm(); });

  py::class_<py_lsh_index>(m, "LSHIndex",
                           "LSHIndex(threshold=0.5, num_perm=128, *, weights=None, params=None)\n\n"
                           "datasketch's MinHashLSH over neardup's index: insert(key, signature),\n"
                           "query(signature) -> keys sharing a band, remove(key). Keys are any\n"
                           "hashable objects; signatures come from signature() (or a datasketch\n"
                           "MinHash: its hashvalues). Bands and rows are chosen as datasketch\n"
                           "chooses them (weights (false positive, false negative), by default\n"
                           "equal), or given as params=(bands, rows).")
      .def(py::init<double, unsigned, std::optional<std::pair<double, double>>,
                    std::optional<std::pair<unsigned, unsigned>>>(),
           py::arg("threshold") = dedup_options{}.threshold,
           py::arg("num_perm") = neardup::minhash_options{}.num_perm, py::kw_only(),
           py::arg("weights") = py::none(), py::arg("params") = py::none())
      .def("insert", &py_lsh_index::insert, py::arg("key"), py::arg("signature"),
           "insert(key, signature): ValueError when the key is already in")
      .def("query", &py_lsh_index::query, py::arg("signature"),
           "query(signature) -> list of the keys sharing at least one band with it")
      .def("remove", &py_lsh_index::remove, py::arg("key"),
           "remove(key): ValueError when the key is not in")
      .def("is_empty", [](py_lsh_index const& i) { return i.size() == 0; })
      .def("__contains__", &py_lsh_index::contains)
      .def("__len__", &py_lsh_index::size)
      .def_property_readonly(
          "b", [](py_lsh_index const& i) { return i.params().bands; }, "bands (datasketch's name)")
      .def_property_readonly(
          "r", [](py_lsh_index const& i) { return i.params().rows; },
          "rows per band (datasketch's name)")
      .def_property_readonly("num_perm", &py_lsh_index::num_perm);
}
