"""neardup: near-duplicate texts (Chinese essays first) with normalization, MinHash and LSH.

The C++ library (neardup_core) does the work in ``neardup._neardup``, with the GIL released;
this package re-exports it with keyword signatures whose defaults are the library's own::

    import neardup
    texts = ["疫情防控要坚持全国一盘棋……", "疫情防控要堅持全國一盤棋……", "另一篇文章"]
    for cluster in neardup.deduplicate(texts, threshold=0.5):
        print(cluster)            # [(0, 1.0), (1, 1.0)]: ids (positions) and similarity

``Deduplicator`` adds texts (or signatures) one at a time and returns statistics too;
``LSHIndex`` is datasketch's ``MinHashLSH`` (insert, query, remove) over neardup's index.
"""

from __future__ import annotations

import inspect as _inspect

from . import _neardup
from ._neardup import (
    LSHIndex,
    Result,
    __version__,
    empty_slot,
    estimate_jaccard,
    normalize_simd_target,
    signature_format_version,
)

__all__ = [
    "Deduplicator",
    "LSHIndex",
    "Result",
    "deduplicate",
    "empty_slot",
    "estimate_jaccard",
    "exact_jaccard",
    "find_passages",
    "normalize",
    "normalize_simd_target",
    "passages",
    "signature",
    "signature_format_version",
    "signatures",
]

# (name, default, doc, uses) of every keyword option, from the C++ structs.
_OPTIONS = _neardup.options()


def _signature(positional: list[_inspect.Parameter], use: int) -> _inspect.Signature:
    keywords = [
        _inspect.Parameter(name, _inspect.Parameter.KEYWORD_ONLY, default=default)
        for name, default, _doc, uses in _OPTIONS
        if uses & use
    ]
    return _inspect.Signature(positional + keywords)


def _p(name: str, default=_inspect.Parameter.empty) -> _inspect.Parameter:
    return _inspect.Parameter(name, _inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)


def _exported(function, positional: list[_inspect.Parameter], use: int):
    """A wrapper of a _neardup function with its keyword signature and docstring."""
    native = getattr(_neardup, function.__name__)
    function.__doc__ = native.__doc__
    function.__signature__ = _signature(positional, use)
    return function


def deduplicate(texts, ids=None, **options):
    return _neardup.deduplicate(texts, ids, **options)


def signature(text, **options):
    return _neardup.signature(text, **options)


def signatures(texts, **options):
    return _neardup.signatures(texts, **options)


def exact_jaccard(text_a, text_b, **options):
    return _neardup.exact_jaccard(text_a, text_b, **options)


def normalize(text, **options):
    return _neardup.normalize(text, **options)


def passages(text_a, text_b, **options):
    return _neardup.passages(text_a, text_b, **options)


def find_passages(texts, ids=None, **options):
    return _neardup.find_passages(texts, ids, **options)


_PASSAGE_DEFAULTS = _neardup.passage_defaults()
_PAIR_ONLY = ("max_postings", "min_shared", "threads")  # what a corpus needs, two texts do not


def _passage_signature(positional, names):
    keywords = [_inspect.Parameter(n, _inspect.Parameter.KEYWORD_ONLY, default=_PASSAGE_DEFAULTS[n])
                for n in names]
    return _inspect.Signature(positional + keywords)


passages.__doc__ = _neardup.passages.__doc__
passages.__signature__ = _passage_signature(
    [_p("text_a"), _p("text_b")], [n for n in _PASSAGE_DEFAULTS if n not in _PAIR_ONLY])
find_passages.__doc__ = _neardup.find_passages.__doc__
find_passages.__signature__ = _passage_signature([_p("texts"), _p("ids", None)], list(_PASSAGE_DEFAULTS))

_exported(deduplicate, [_p("texts"), _p("ids", None)], _neardup.USE_DEDUP)
_exported(signature, [_p("text")], _neardup.USE_SIGNATURE)
_exported(signatures, [_p("texts")], _neardup.USE_SIGNATURES)
_exported(exact_jaccard, [_p("text_a"), _p("text_b")], _neardup.USE_SIGNATURE)
_exported(normalize, [_p("text")], _neardup.USE_NORMALIZE)


class Deduplicator(_neardup.Deduplicator):
    __doc__ = _neardup.Deduplicator.__doc__

    def __init__(self, **options):
        super().__init__(**options)


Deduplicator.__init__.__signature__ = _signature([_p("self")], _neardup.USE_DEDUP)
