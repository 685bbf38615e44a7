#!/usr/bin/env python3
"""datasketch side by side: the same slice of a JSON Lines corpus through datasketch and dedup.

datasketch (ekzhu/datasketch, pure Python on NumPy/SciPy) is used the way its README shows:
MinHash(num_perm=128) fed with the 5-character shingles of each text, MinHashLSH(threshold=0.5,
num_perm=128), every sketch inserted, then every sketch queried; the query results are joined
into clusters with union-find. dedup runs on the same slice with one thread (-j1 --jsonl). The
script prints both rates (MB of JSON Lines over wall time, and over CPU time user+sys), the ratio,
and how close datasketch's clusters come to dedup's (pair precision and recall, datasketch against
dedup: context, not a claim about either's correctness).

What datasketch gets: the text of each record, folded by Python's unicodedata (NFKC, then
str.casefold, then NFKC again: close to ICU's NFKC_Casefold) with Unicode punctuation, symbols,
separators and control characters (general categories P*, S*, Z*, Cc) dropped. Not applied, though
dedup applies them by default: Traditional->Simplified, removal of pinyin annotations, removal of
HTML tags/URLs and decoding of entities. Python's normalization is timed with datasketch (it is
work that a datasketch pipeline needs too) and also reported on its own.

  python3 bench/datasketch_side_by_side.py bench-work/c100/jsonl/corpus.jsonl --mb 10

Run from anywhere; relative defaults are taken from the repository root (this file's parent's
parent): --peer ../shared/peers/datasketch, --dedup build/examples/dedup/dedup.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", help="JSON Lines corpus (fields id and text)")
    p.add_argument("--mb", type=float, default=10.0, help="slice: the first MB (10^6 bytes) of whole lines (default 10)")
    p.add_argument("--peer", default="../shared/peers/datasketch",
                   help="the datasketch package folder, relative to the repository root unless absolute")
    p.add_argument("--dedup", default="build/examples/dedup/dedup",
                   help="the dedup program, relative to the repository root unless absolute")
    p.add_argument("--runs", type=int, default=3, help="runs of each, alternating; medians are printed (default 3)")
    p.add_argument("--update", choices=["batch", "per-item"], default="batch",
                   help="MinHash.update_batch(shingles) (default) or the README's loop of MinHash.update(shingle)")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--shingle", type=int, default=5, help="shingle length in characters (default 5)")
    p.add_argument("--truth", help="the generator's truth.tsv (id, group, kind): prints, per variant kind, the "
                   "share of planted (original, variant) pairs in the slice that each tool put in one cluster")
    return p.parse_args()


def from_repo(path: str) -> Path:
    q = Path(path)
    return q if q.is_absolute() else (REPO / q).resolve()


def import_datasketch(peer: Path):
    if not (peer / "__init__.py").is_file():
        sys.exit(f"datasketch_side_by_side: no datasketch package at --peer {peer}")
    sys.path.insert(0, str(peer.parent))
    try:
        import datasketch  # noqa: E402
    except ModuleNotFoundError as e:
        sys.exit(f"datasketch_side_by_side: {e}: datasketch needs NumPy and SciPy "
                 "(bash scripts/install-deps.sh --bench installs Debian's)")

    if Path(datasketch.__file__).resolve().parent != peer.resolve():
        sys.exit("datasketch_side_by_side: another datasketch shadows --peer; run without it installed")
    return datasketch


def write_slice(corpus: Path, mb: float) -> tuple[str, int, int]:
    """The first whole lines of corpus up to mb * 10^6 bytes, in a temporary file."""
    limit = int(mb * 1e6)
    fd, name = tempfile.mkstemp(prefix="neardup-slice-", suffix=".jsonl")
    size = lines = 0
    with open(corpus, "rb") as src, os.fdopen(fd, "wb") as dst:
        for line in src:
            if size + len(line) > limit:
                break
            dst.write(line)
            size += len(line)
            lines += 1
    return name, size, lines


class _Fold(dict):
    """str.translate table, filled lazily: None (drop) for P*, S*, Z*, Cc; else the character."""

    def __missing__(self, cp: int):
        cat = unicodedata.category(chr(cp))
        value = None if cat[0] in "PSZ" or cat == "Cc" else cp
        self[cp] = value
        return value


FOLD = _Fold()


def normalize(text: str) -> str:
    t = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return t.translate(FOLD)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def clusters(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.find(i), []).append(i)
        return [g for g in groups.values() if len(g) > 1]


def run_datasketch(ds, slice_path: str, args) -> dict:
    """One run: read, normalize, shingle, MinHash, LSH insert, query, union-find. Times per stage."""
    MinHash, MinHashLSH = ds.MinHash, ds.MinHashLSH
    n = args.shingle
    t = {"wall": {}, "cpu": {}}

    def mark(stage, w0, c0):
        t["wall"][stage] = time.perf_counter() - w0
        t["cpu"][stage] = cpu() - c0

    w_all, c_all = time.perf_counter(), cpu()
    w0, c0 = w_all, c_all
    texts, ids = [], []
    with open(slice_path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            texts.append(normalize(record.get("text", "")))
            ids.append(record.get("id", ""))
    mark("read+normalize", w0, c0)

    w0, c0 = time.perf_counter(), cpu()
    sketches: list = [None] * len(texts)
    for i, text in enumerate(texts):
        if not text:
            continue  # nothing left after normalization: dedup never clusters these either
        shingles = {text[j:j + n] for j in range(max(1, len(text) - n + 1))}
        m = MinHash(num_perm=args.num_perm)
        if args.update == "batch":
            m.update_batch([s.encode("utf8") for s in shingles])
        else:
            for s in shingles:
                m.update(s.encode("utf8"))
        sketches[i] = m
    mark("shingle+minhash", w0, c0)

    w0, c0 = time.perf_counter(), cpu()
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    for i, m in enumerate(sketches):
        if m is not None:
            lsh.insert(i, m)
    mark("lsh insert", w0, c0)

    w0, c0 = time.perf_counter(), cpu()
    uf = UnionFind(len(texts))
    candidates = []
    for i, m in enumerate(sketches):
        if m is None:
            continue
        for j in lsh.query(m):
            if j != i:
                uf.union(i, j)
                if i < j:
                    candidates.append((i, j))
    clusters = uf.clusters()
    mark("query+cluster", w0, c0)
    t["wall"]["total"] = time.perf_counter() - w_all
    t["cpu"]["total"] = cpu() - c_all

    # Not timed, for context: the same candidates kept only when the MinHash estimate reaches the
    # threshold (the filter that query()'s documentation suggests).
    checked = UnionFind(len(texts))
    kept = 0
    for i, j in candidates:
        if sketches[i].jaccard(sketches[j]) >= args.threshold:
            checked.union(i, j)
            kept += 1
    return {
        "times": t,
        "clusters": clusters,
        "checked_clusters": checked.clusters(),
        "candidates": len(candidates),
        "kept": kept,
        "bands": (lsh.b, lsh.r),
        "chars": sum(len(x) for x in texts),
        "empty": sum(1 for x in texts if not x),
        "ids": ids,
    }


def run_dedup(dedup: Path, slice_path: str) -> dict:
    """dedup -q -j1 --jsonl --format jsonl SLICE; wall from start to exit, CPU from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        w0 = time.perf_counter()
        proc = subprocess.Popen([str(dedup), "-q", "-j1", "--jsonl", "--format", "jsonl", slice_path],
                                stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - w0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        summary = err.read().decode("utf-8", "replace")
        if proc.returncode not in (0, 1):  # 1: duplicates found with --fail-on-duplicates only
            sys.exit(f"datasketch_side_by_side: dedup failed ({proc.returncode}):\n{summary}")
        out.seek(0)
        clusters = []
        for line in out:
            c = json.loads(line)
            clusters.append([m["line"] - 1 for m in c["members"]])  # line: 1-based line of the record
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "clusters": clusters, "summary": summary}


def pairs(clusters) -> int:
    return sum(len(c) * (len(c) - 1) // 2 for c in clusters)


def pair_agreement(found, reference) -> tuple[int, int, int]:
    """(pairs in found, pairs in reference, pairs in both), by counting, without listing pairs."""
    where = {}
    for k, c in enumerate(reference):
        for d in c:
            where[d] = k
    both = 0
    for c in found:
        counts: dict[int, int] = {}
        for d in c:
            if d in where:
                counts[where[d]] = counts.get(where[d], 0) + 1
        both += sum(v * (v - 1) // 2 for v in counts.values())
    return pairs(found), pairs(reference), both


def planted_recall(truth: Path, slice_ids: list[str], runs: dict[str, list[list[int]]]) -> None:
    """Per variant kind: planted (original, variant) pairs inside the slice found in one cluster."""
    index = {d: i for i, d in enumerate(slice_ids)}
    original: dict[str, int] = {}
    variants: list[tuple[str, str, int]] = []
    with open(truth, encoding="utf-8") as f:
        next(f)
        for line in f:
            doc, group, kind = line.rstrip("\n").split("\t")
            if doc not in index or not group:
                continue
            if kind == "original":
                original[group] = index[doc]
            elif kind != "hard_negative":
                variants.append((group, kind, index[doc]))
    where = {}
    for name, clusters in runs.items():
        w = {}
        for k, c in enumerate(clusters):
            for d in c:
                w[d] = k
        where[name] = w
    kinds: dict[str, list[int]] = {}
    for group, kind, v in variants:
        if group not in original:
            continue
        o = original[group]
        row = kinds.setdefault(kind, [0] + [0] * len(runs))
        row[0] += 1
        for n, name in enumerate(runs):
            w = where[name]
            row[n + 1] += int(o in w and v in w and w[o] == w[v])
    print("\nplanted (original, variant) pairs in the slice, share found in one cluster (from --truth):\n")
    print("| variant kind | pairs | " + " | ".join(runs) + " |")
    print("|---|---" + "|---" * len(runs) + "|")
    for kind in sorted(kinds):
        row = kinds[kind]
        print(f"| {kind} | {row[0]} | " + " | ".join(f"{x / row[0]:.3f}" for x in row[1:]) + " |")


def main() -> None:
    args = parse_args()
    peer = from_repo(args.peer)
    dedup = from_repo(args.dedup)
    if not os.access(dedup, os.X_OK):
        sys.exit(f"datasketch_side_by_side: no dedup at --dedup {args.dedup}: build it first")
    w0 = time.perf_counter()
    ds = import_datasketch(peer)
    import numpy
    import scipy
    import_s = time.perf_counter() - w0

    corpus = Path(args.corpus)
    slice_path, size, lines = write_slice(corpus, args.mb)
    try:
        with open(slice_path, "rb") as f:  # into the page cache, for both
            while f.read(1 << 20):
                pass
        ds_runs, dd_runs = [], []
        for r in range(args.runs):  # alternating, so that a drift of the machine reaches both alike
            dd_runs.append(run_dedup(dedup, slice_path))
            ds_runs.append(run_datasketch(ds, slice_path, args))
            print(f"run {r + 1}: dedup {dd_runs[-1]['wall']:.3f} s wall {dd_runs[-1]['cpu']:.3f} s cpu; "
                  f"datasketch {ds_runs[-1]['times']['wall']['total']:.2f} s wall "
                  f"{ds_runs[-1]['times']['cpu']['total']:.2f} s cpu", file=sys.stderr)
    finally:
        os.unlink(slice_path)

    mb = size / 1e6
    med = statistics.median
    dd_wall, dd_cpu = med(x["wall"] for x in dd_runs), med(x["cpu"] for x in dd_runs)
    ds_wall = med(x["times"]["wall"]["total"] for x in ds_runs)
    ds_cpu = med(x["times"]["cpu"]["total"] for x in ds_runs)
    last = ds_runs[-1]
    print(f"corpus slice: {mb:.2f} MB, {lines} records (first {args.mb:g} MB of {corpus.name}); "
          f"{last['chars']} normalized characters (Python's folding), {last['empty']} empty")
    print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
          f"datasketch {ds.__version__} (from --peer; 0.0.0 = no package metadata), import {import_s:.2f} s (not timed)")
    print(f"datasketch: MinHash(num_perm={args.num_perm}) with {args.update} update, "
          f"MinHashLSH(threshold={args.threshold}) -> {last['bands'][0]} bands x {last['bands'][1]} rows; "
          f"{args.shingle}-character shingles")
    print(f"runs: {args.runs} of each, alternating; medians\n")
    print("| | wall | CPU (user+sys) | MB/s (wall) | MB/s (CPU) | clusters | duplicate pairs |")
    print("|---|---|---|---|---|---|---|")
    print(f"| dedup -j1 | {dd_wall:.3f} s | {dd_cpu:.3f} s | {mb / dd_wall:.1f} | {mb / dd_cpu:.1f} | "
          f"{len(dd_runs[-1]['clusters'])} | {pairs(dd_runs[-1]['clusters'])} |")
    print(f"| datasketch | {ds_wall:.2f} s | {ds_cpu:.2f} s | {mb / ds_wall:.2f} | {mb / ds_cpu:.2f} | "
          f"{len(last['clusters'])} | {pairs(last['clusters'])} |")
    print(f"\nratio (datasketch's time / dedup's, i.e. how many times faster dedup is): "
          f"{ds_wall / dd_wall:.0f}x (wall), {ds_cpu / dd_cpu:.0f}x (CPU)")
    stages = list(last["times"]["wall"])
    print("datasketch stages (median wall / CPU s): " + ", ".join(
        f"{s} {med(x['times']['wall'][s] for x in ds_runs):.2f}/{med(x['times']['cpu'][s] for x in ds_runs):.2f}"
        for s in stages if s != "total"))
    # dedup's own peak RSS is not printed: a child's ru_maxrss on Linux includes the memory of the
    # (v)forked Python process before exec, so it would read as this script's size.
    print(f"datasketch peak RSS (the whole Python process, all runs): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    ref = dd_runs[-1]["clusters"]
    for label, found in (("datasketch LSH candidates (as the README)", last["clusters"]),
                         (f"the same, kept when the MinHash estimate >= {args.threshold} "
                          f"({last['kept']} of {last['candidates']} candidate pairs; not timed)", last["checked_clusters"])):
        pf, pr, both = pair_agreement(found, ref)
        prec = both / pf if pf else float("nan")
        rec = both / pr if pr else float("nan")
        print(f"pairs, {label} against dedup's clusters: precision {prec:.4f}, recall {rec:.4f} "
              f"({both} shared of {pf} / {pr})")
    if args.truth:
        planted_recall(Path(args.truth), last["ids"],
                       {"dedup": ref, "datasketch (README)": last["clusters"],
                        "datasketch, estimate-checked": last["checked_clusters"]})
    print("\ndedup's summary (last run):")
    print("".join("  " + line + "\n" for line in dd_runs[-1]["summary"].rstrip().splitlines()))


if __name__ == "__main__":
    main()
