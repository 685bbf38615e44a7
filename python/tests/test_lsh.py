"""LSHIndex: insert, query and remove as datasketch's MinHashLSH, over neardup's index."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

import neardup

PEER = Path(__file__).resolve().parents[3] / "shared" / "peers" / "datasketch"


def planted_signatures(n: int = 300, k: int = 128, seed: int = 3) -> list[np.ndarray]:
    """Random signatures, every other one a copy of the previous one with some values changed."""
    rng = np.random.default_rng(seed)
    sigs = []
    for i in range(n):
        if i % 2 and sigs:
            s = sigs[-1].copy()
            changed = rng.choice(k, size=int(rng.integers(5, 80)), replace=False)
            s[changed] = rng.integers(0, 2**32, size=changed.size, dtype=np.uint64).astype(np.uint32)
        else:
            s = rng.integers(0, 2**32, size=k, dtype=np.uint64).astype(np.uint32)
        sigs.append(s)
    return sigs


def brute_force(index: neardup.LSHIndex, stored: dict, query: np.ndarray) -> set:
    """The keys sharing a whole band with `query`."""
    b, r = index.b, index.r
    keys = list(stored)
    bands = np.stack([stored[k][: b * r] for k in keys]).reshape(len(keys), b, r)
    shares = (bands == query[: b * r].reshape(b, r)).all(axis=2).any(axis=1)
    return {k for k, s in zip(keys, shares) if s}


def test_query_is_the_keys_sharing_a_band_and_remove_takes_them_out():
    sigs = planted_signatures()
    index = neardup.LSHIndex(threshold=0.5, num_perm=128)
    stored = {}
    for i, s in enumerate(sigs):
        key = f"doc{i}" if i % 3 else i  # any hashable key
        index.insert(key, s)
        stored[key] = s
    assert len(index) == len(sigs) and not index.is_empty()
    found_pairs = 0
    for s in sigs:
        expected = brute_force(index, stored, s)
        assert set(index.query(s)) == expected
        found_pairs += len(expected) - 1
    assert found_pairs > 50
    for key in list(stored)[::4]:
        index.remove(key)
        del stored[key]
        assert key not in index
    assert len(index) == len(stored)
    for s in sigs:
        assert set(index.query(s)) == brute_force(index, stored, s)
    with pytest.raises(ValueError):
        index.remove(0)  # removed above
    with pytest.raises(ValueError):
        index.insert("doc1", sigs[1])  # already in
    index.insert(0, sigs[0])  # a removed key can come back
    assert 0 in index and 0 in index.query(sigs[0])
    with pytest.raises(ValueError, match="index takes num_perm = 128"):
        index.query(sigs[0][:64])
    with pytest.raises(TypeError):
        index.insert(["unhashable"], sigs[0])


def test_bands_and_rows_follow_the_threshold_and_params():
    assert neardup.LSHIndex(0.5, 128).b * neardup.LSHIndex(0.5, 128).r <= 128
    assert neardup.LSHIndex(0.9, 128).r > neardup.LSHIndex(0.3, 128).r
    index = neardup.LSHIndex(num_perm=64, params=(8, 8))
    assert (index.b, index.r, index.num_perm) == (8, 8, 64)
    with pytest.raises(ValueError):
        neardup.LSHIndex(num_perm=64, params=(10, 8))
    with pytest.raises(ValueError):
        neardup.LSHIndex(threshold=1.5)


@pytest.fixture(scope="module")
def datasketch():
    pytest.importorskip("scipy", reason="datasketch needs SciPy (bash scripts/install-deps.sh --bench)")
    if not (PEER / "__init__.py").is_file():
        pytest.skip("no datasketch peer in ../shared/peers")
    sys.path.insert(0, str(PEER.parent))
    try:
        import datasketch as ds
    finally:
        sys.path.pop(0)
    return ds


def test_lsh_index_answers_as_datasketch_minhashlsh(datasketch):
    for threshold in (0.3, 0.5, 0.8):
        ours = neardup.LSHIndex(threshold=threshold, num_perm=128)
        theirs = datasketch.MinHashLSH(threshold=threshold, num_perm=128)
        assert (ours.b, ours.r) == (theirs.b, theirs.r)
    # The same signatures in both (datasketch's MinHash takes them as hashvalues).
    sigs = planted_signatures(seed=9)
    ours = neardup.LSHIndex(threshold=0.5, num_perm=128)
    theirs = datasketch.MinHashLSH(threshold=0.5, num_perm=128)
    minhashes = [datasketch.MinHash(num_perm=128, hashvalues=s.astype(np.uint64)) for s in sigs]
    rng = random.Random(5)
    for i, m in enumerate(minhashes):
        theirs.insert(i, m)
        ours.insert(i, m)  # a MinHash is taken by its hashvalues
    for i in rng.sample(range(len(sigs)), 60):
        theirs.remove(i)
        ours.remove(i)
    assert len(ours) == len(theirs.keys)
    agreed = 0
    for m in minhashes:
        expected = sorted(theirs.query(m))
        assert sorted(ours.query(m)) == expected
        agreed += len(expected)
    assert agreed > len(sigs) - 60
    # Real texts: neardup's signatures, queried by a near copy.
    text = "疫情防控要坚持全国一盘棋，各地区各部门要服从党中央统一指挥、统一协调、统一调度。" * 3
    sig = neardup.signature(text)
    near = neardup.signature(text.replace("统一调度", "统一安排"))
    theirs.insert("text", datasketch.MinHash(num_perm=128, hashvalues=sig.astype(np.uint64)))
    ours.insert("text", sig)
    assert "text" in ours.query(near)
    assert ("text" in ours.query(near)) == (
        "text" in theirs.query(datasketch.MinHash(num_perm=128, hashvalues=near.astype(np.uint64))))
