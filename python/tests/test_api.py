"""signature, signatures, estimate_jaccard, exact_jaccard, normalize, and the errors of bad input."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import neardup

A = "疫情防控要坚持全国一盘棋，各地区各部门要服从党中央统一指挥、统一协调、统一调度。"
B = "疫情防控要堅持全國一盤棋，各地區各部門要服從黨中央統一指揮、統一協調、統一調度！"
C = "春天来了，公园里的花都开了，小朋友们在草地上放风筝，笑声传得很远很远。"
D = "秋天的傍晚，爷爷坐在院子里讲他年轻时候在山里修路的故事，我们听得入了迷。"


def test_normalize_folds_script_width_pinyin_and_punctuation():
    assert neardup.normalize("嚴峻復(fù)雜！") == "严峻复杂"
    assert neardup.normalize("ＡＢＣ１") == "abc1"
    assert neardup.normalize(A) == neardup.normalize(B)
    assert neardup.normalize("嚴峻", traditional_to_simplified=False) == "嚴峻"
    assert neardup.normalize("a b", drop_whitespace=False) == "a b"
    assert neardup.normalize("<b>x</b>") == "x"


def test_signature_is_uint32_and_signatures_are_its_rows():
    s = neardup.signature(A)
    assert s.dtype == np.uint32 and s.shape == (128,)
    assert neardup.signature(A, num_perm=64).shape == (64,)
    rows = neardup.signatures(iter([A, B, C, ""]), threads=2)
    assert rows.dtype == np.uint32 and rows.shape == (4, 128)
    assert (rows[0] == s).all()
    assert (rows[1] == s).all()  # the same text after normalization
    assert not (rows[2] == s).all()
    assert (rows[3] == neardup.empty_slot).all()
    assert neardup.signatures([]).shape == (0, 128)
    many = [A[i:] + C[: i + 5] for i in range(30)] * 200
    one = neardup.signatures(many, threads=1)
    assert (neardup.signatures(many, threads=3) == one).all()
    assert (one[7] == neardup.signature(many[7])).all()
    # Another seed or scheme gives other values.
    assert not (neardup.signature(A, seed=2) == s).all()
    assert not (neardup.signature(A, scheme="classic") == s).all()


def test_jaccard_estimate_and_exact():
    a, c = neardup.signature(A), neardup.signature(C)
    assert neardup.estimate_jaccard(a, a) == 1.0
    assert neardup.estimate_jaccard(a, c) < 0.2
    assert neardup.exact_jaccard(A, B) == 1.0
    half = A + C
    exact = neardup.exact_jaccard(A, half)
    assert 0.3 < exact < 0.7
    assert abs(neardup.estimate_jaccard(a, neardup.signature(half)) - exact) < 0.2
    # Lists and other integer arrays are signatures too.
    assert neardup.estimate_jaccard(list(map(int, a)), a.astype(np.int64)) == 1.0
    with pytest.raises(ValueError, match="different lengths"):
        neardup.estimate_jaccard(a, a[:64])
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        neardup.estimate_jaccard(np.full(128, -1), a)
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        neardup.estimate_jaccard(np.full(128, 2**32), a)
    with pytest.raises(TypeError, match="must hold ints"):
        neardup.estimate_jaccard(a.astype(np.float64), a)


def test_signatures_of_python_functions_show_the_cpp_defaults():
    sig = inspect.signature(neardup.deduplicate)
    assert sig.parameters["threshold"].default == 0.5
    assert sig.parameters["ngram"].default == 5
    assert sig.parameters["num_perm"].default == 128
    assert sig.parameters["verify"].default == "hybrid"
    assert sig.parameters["threshold"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "threshold" not in inspect.signature(neardup.signature).parameters
    assert "threshold=0.5" in neardup.deduplicate.__doc__
    assert list(inspect.signature(neardup.normalize).parameters)[0] == "text"


def test_deduplicate_takes_any_iterable_and_ids():
    texts = [A, C, B, "短", D]
    by_list = neardup.deduplicate(texts)
    assert by_list[0][0] == (0, 1.0)
    assert [m[0] for m in by_list[0]] == [0, 2]
    assert neardup.deduplicate(t for t in texts) == by_list
    named = neardup.deduplicate(texts, ids=("a", "c", "b", "d", "e"))
    assert [[m[0] for m in c] for c in named] == [[("acbde")[m[0]] for m in c] for c in by_list]
    assert neardup.deduplicate([]) == []


def test_deduplicator_add_extend_run_and_stats():
    d = neardup.Deduplicator(threshold=0.5)
    assert d.add(A, "first") == 0
    assert d.add(C) == 1
    assert d.extend([B, A + "。"], ["third", ("a", 4)]) == 2
    assert len(d) == 4
    result = d.run(details=True)
    assert result.clusters == [[("first", 1.0), ("third", 1.0), (("a", 4), 1.0)]]
    assert result.stats["documents"] == 4
    assert result.stats["clusters"] == 1 and result.stats["duplicates"] == 2
    assert result.stats["bytes"] == sum(len(t.encode()) for t in (A, C, B, A + "。"))
    assert result.members[0][1]["linked_to"] == "first"
    assert d.run().members == []
    assert d.lsh == result.stats["lsh"]


def test_add_signature_gives_the_clusters_of_texts():
    texts = [A, C, B, A + C, C + "再来一句话，让它长一点点。", "另一篇完全不同的短文章，写的是秋天的落叶和风。"]
    options = dict(verify="estimate", templates=False, short_text_chars=0, threshold=0.6)
    d = neardup.Deduplicator(**options)
    for i, row in enumerate(neardup.signatures(texts)):
        d.add_signature(row, f"t{i}")
    expected = neardup.deduplicate(texts, [f"t{i}" for i in range(len(texts))], **options)
    assert expected and d.run().clusters == expected


def test_bad_texts_raise_clear_exceptions():
    for bad in (None, b"bytes", 3):
        with pytest.raises(TypeError, match=r"texts\[1\] must be str, not " + type(bad).__name__):
            neardup.deduplicate([A, bad])
    with pytest.raises(TypeError, match="text must be str, not NoneType"):
        neardup.signature(None)
    with pytest.raises(UnicodeEncodeError, match=r"lone surrogate in texts\[2\]"):
        neardup.deduplicate([A, B, "abc\ud800def"])
    with pytest.raises(ValueError, match="lone surrogate in text"):  # UnicodeEncodeError is one
        neardup.normalize("\udcff")
    with pytest.raises(TypeError, match=r"texts\[0\]"):
        neardup.signatures([None])
    with pytest.raises(TypeError, match="iterable of str, not one str"):
        neardup.deduplicate(A)  # a str is an iterable of characters: refused
    with pytest.raises(TypeError, match="iterable of str, not one str"):
        neardup.signatures(A)
    d = neardup.Deduplicator()
    with pytest.raises(TypeError):
        d.extend([A, B, 7])
    assert len(d) == 2  # the texts before the bad one stay added
    with pytest.raises(ValueError, match="fewer items than texts"):
        neardup.deduplicate([A, B], ids=["a"])
    with pytest.raises(ValueError, match="more items than texts"):
        neardup.deduplicate([A], ids=["a", "b"])


def test_bad_options_raise_the_library_message():
    with pytest.raises(ValueError, match=r"threshold must be in \(0, 1\], got 2"):
        neardup.deduplicate([A], threshold=2.0)
    with pytest.raises(ValueError, match="hybrid"):  # the library names the known modes
        neardup.deduplicate([A], verify="fast")
    with pytest.raises(ValueError, match="LSH bands × rows exceeds"):
        neardup.Deduplicator(bands=100, rows=100)
    with pytest.raises(ValueError, match="bands and rows go together"):
        neardup.Deduplicator(bands=10)
    with pytest.raises(ValueError):
        neardup.signature(A, ngram=0)
    with pytest.raises(ValueError, match=r"must be in \[0, "):
        neardup.signature(A, num_perm=-1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'threshhold'"):
        neardup.deduplicate([A], threshhold=0.5)
    with pytest.raises(TypeError, match="unexpected keyword argument 'threshold'"):
        neardup.signature(A, threshold=0.5)  # not an option of signature()
    with pytest.raises(TypeError, match="option 'threshold' takes a number, not str"):
        neardup.deduplicate([A], threshold="0.5")
    with pytest.raises(TypeError, match="option 'templates' takes True or False"):
        neardup.deduplicate([A], templates=1)
    with pytest.raises(ValueError, match="text source"):  # hybrid needs texts back
        neardup.Deduplicator().add_signature(neardup.signature(A))
    with pytest.raises(ValueError, match="signature of 64"):
        neardup.Deduplicator(verify="estimate").add_signature(neardup.signature(A, num_perm=64))
