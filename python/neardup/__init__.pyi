# Type stubs of the neardup package (the module is C++: python/src/neardup_module.cpp). The
# options' defaults are the C++ library's; help(neardup.deduplicate) and the docstrings print them.
from collections.abc import Hashable, Iterable
from typing import Any, Literal, Protocol, TypedDict

import numpy as np
import numpy.typing as npt
from typing_extensions import Unpack

__version__: str
signature_format_version: int
empty_slot: int

class _HasHashvalues(Protocol):
    hashvalues: npt.ArrayLike

SignatureLike = npt.ArrayLike | _HasHashvalues
Cluster = list[tuple[Any, float]]

class NormalizeOptions(TypedDict, total=False):
    nfkc_casefold: bool
    traditional_to_simplified: bool
    strip_pinyin_annotations: bool
    strip_web_artifacts: bool
    drop_punctuation: bool
    drop_whitespace: bool

class SignatureOptions(NormalizeOptions, total=False):
    ngram: int
    num_perm: int
    scheme: Literal["oph", "classic"]
    seed: int
    words: bool

class SignaturesOptions(SignatureOptions, total=False):
    threads: int

class DedupOptions(SignaturesOptions, total=False):
    threshold: float
    verify: Literal["hybrid", "exact", "estimate"]
    linkage: Literal["single", "star"]
    templates: bool
    template_share: float
    short_text_chars: int
    short_ngram: int
    bands: int | None
    rows: int | None
    max_bucket: int
    verify_cache_bytes: int

def deduplicate(
    texts: Iterable[str], ids: Iterable[Any] | None = None, **options: Unpack[DedupOptions]
) -> list[Cluster]: ...
def signature(text: str, **options: Unpack[SignatureOptions]) -> npt.NDArray[np.uint32]: ...
def signatures(
    texts: Iterable[str], **options: Unpack[SignaturesOptions]
) -> npt.NDArray[np.uint32]: ...
def estimate_jaccard(a: SignatureLike, b: SignatureLike) -> float: ...
def exact_jaccard(text_a: str, text_b: str, **options: Unpack[SignatureOptions]) -> float: ...
def normalize(text: str, **options: Unpack[NormalizeOptions]) -> str: ...
def normalize_simd_target() -> str: ...

class PassageOptions(TypedDict, total=False):
    min_chars: int
    min_words: int
    gram: int
    window: int
    max_gap: int
    max_shift: int

class FindPassagesOptions(PassageOptions, total=False):
    max_postings: int
    min_shared: int
    threads: int

class Passage(TypedDict):
    a_start: int  # str indices: text_a[a_start:a_end]
    a_end: int
    b_start: int
    b_end: int
    a_line: int  # 1-based, within each text
    b_line: int
    chars: int

class PassagePair(TypedDict):
    containment_a: float
    containment_b: float
    passages: list[Passage]

class CorpusPassagePair(PassagePair):
    a: Any  # the id (or position) of the earlier text
    b: Any

def passages(text_a: str, text_b: str, **options: Unpack[PassageOptions]) -> PassagePair: ...
def find_passages(
    texts: Iterable[str], ids: Iterable[Any] | None = None, **options: Unpack[FindPassagesOptions]
) -> list[CorpusPassagePair]: ...

class Result:
    @property
    def clusters(self) -> list[Cluster]: ...
    @property
    def members(self) -> list[list[dict[str, Any]]]: ...
    @property
    def stats(self) -> dict[str, Any]: ...

class Deduplicator:
    def __init__(self, **options: Unpack[DedupOptions]) -> None: ...
    def add(self, text: str, id: Any = None) -> int: ...
    def extend(self, texts: Iterable[str], ids: Iterable[Any] | None = None) -> int: ...
    def add_signature(
        self, signature: SignatureLike, id: Any = None, *, empty: bool | None = None
    ) -> int: ...
    def run(self, *, details: bool = False) -> Result: ...
    def __len__(self) -> int: ...
    @property
    def lsh(self) -> tuple[int, int]: ...
    @property
    def num_perm(self) -> int: ...

class LSHIndex:
    def __init__(
        self,
        threshold: float = ...,
        num_perm: int = ...,
        *,
        weights: tuple[float, float] | None = None,
        params: tuple[int, int] | None = None,
    ) -> None: ...
    def insert(self, key: Hashable, signature: SignatureLike) -> None: ...
    def query(self, signature: SignatureLike) -> list[Hashable]: ...
    def remove(self, key: Hashable) -> None: ...
    def is_empty(self) -> bool: ...
    def __contains__(self, key: object) -> bool: ...
    def __len__(self) -> int: ...
    @property
    def b(self) -> int: ...
    @property
    def r(self) -> int: ...
    @property
    def num_perm(self) -> int: ...
