#!/usr/bin/env python3
"""neardup's Python module beside datasketch and dedup: the same texts, in one Python process.

The first --mb MB of whole lines of a JSON Lines corpus are read into a list of str (not timed),
then, alternating, --runs times (medians are printed):

- neardup.deduplicate(texts, threads=T) for each T of --threads, on the texts in memory;
- the same at one thread, timed from json.loads of each line of the slice (what a pipeline that
  reads the file itself does, and what the datasketch run is timed from);
- datasketch: MinHash + MinHashLSH exactly as bench/datasketch_side_by_side.py runs it (read and
  json.loads each record, Python's normalization, 5-character shingles, MinHash.update_batch,
  MinHashLSH insert then query, union-find), by that script's own function; reported whole, and
  without its first stage (reading and normalizing) beside neardup.deduplicate on the texts;
- dedup -q -j1 --jsonl on the slice file (process start included), by that script's function.

Before any timing the clusters of neardup.deduplicate are compared with dedup's on the slice (as
line numbers); the script stops if they differ. Rates are MB (10^6 bytes) of the JSON Lines slice
over wall time and over CPU time (user + sys of this process, all its threads; dedup's from wait4).

  python3 bench/python_side_by_side.py bench-work/c100/jsonl/corpus.jsonl --mb 10

Run from anywhere; relative defaults are taken from the repository root: --package
build/python/package (the module as CMake builds it), --peer ../shared/peers/datasketch,
--dedup build/examples/dedup/dedup.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasketch_side_by_side as side  # noqa: E402  (the datasketch and dedup runs, shared)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", help="JSON Lines corpus (fields id and text)")
    p.add_argument("--mb", type=float, default=10.0, help="slice: the first MB of whole lines (default 10)")
    p.add_argument("--package", default="build/python/package",
                   help="folder holding the neardup package, relative to the repository root unless absolute")
    p.add_argument("--peer", default="../shared/peers/datasketch", help="the datasketch package folder")
    p.add_argument("--dedup", default="build/examples/dedup/dedup", help="the dedup program")
    p.add_argument("--runs", type=int, default=3, help="runs of each, alternating (default 3)")
    p.add_argument("--threads", default="1,0", help="neardup's thread counts, comma-separated (0: all)")
    p.add_argument("--no-datasketch", action="store_true", help="only neardup and dedup")
    return p.parse_args()


def datasketch_settings(neardup) -> argparse.Namespace:
    """What datasketch_side_by_side.run_datasketch reads: neardup's (and dedup's) defaults."""
    defaults = inspect.signature(neardup.deduplicate).parameters
    return argparse.Namespace(update="batch", threshold=defaults["threshold"].default,
                              num_perm=defaults["num_perm"].default, shingle=defaults["ngram"].default)


DATASKETCH_ALL = "datasketch: json.loads + normalize + MinHash + MinHashLSH (as datasketch_side_by_side.py)"
DATASKETCH_SKETCH = "datasketch: MinHash + MinHashLSH alone (its stages after reading and normalizing)"


def timed(work) -> tuple[float, float, object]:
    w0, c0 = time.perf_counter(), side.cpu()
    result = work()
    return time.perf_counter() - w0, side.cpu() - c0, result


def import_neardup(package: Path):
    sys.path.insert(0, str(package))
    import neardup

    if Path(neardup.__file__).resolve().parent.parent != package.resolve():
        sys.exit(f"python_side_by_side: another neardup shadows --package {package}")
    return neardup


def main() -> None:
    args = parse_args()
    neardup = import_neardup(side.from_repo(args.package))
    dedup = side.from_repo(args.dedup)
    if not os.access(dedup, os.X_OK):
        sys.exit(f"python_side_by_side: no dedup at --dedup {args.dedup}: build it first")
    ds = None if args.no_datasketch else side.import_datasketch(side.from_repo(args.peer))
    threads = [int(t) for t in args.threads.split(",")]

    slice_path, size, lines = side.write_slice(Path(args.corpus), args.mb)
    try:
        with open(slice_path, encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in f]
        text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

        def read_and_deduplicate():
            with open(slice_path, encoding="utf-8") as f:
                return neardup.deduplicate((json.loads(line)["text"] for line in f), threads=1)

        # The normalization tables are built once per process: not timed, reported.
        warm_s, _, _ = timed(lambda: neardup.deduplicate(texts[:20]))
        reference = side.run_dedup(dedup, slice_path)["clusters"]
        ours = [[m[0] for m in c] for c in neardup.deduplicate(texts, threads=1)]
        if ours != reference:
            sys.exit(f"python_side_by_side: neardup.deduplicate's {len(ours)} clusters differ from "
                     f"dedup's {len(reference)} on the slice")

        rows: dict[str, list[tuple[float, float]]] = {}
        for r in range(args.runs):
            cli = side.run_dedup(dedup, slice_path)
            rows.setdefault("dedup -j1 (the JSON Lines file)", []).append((cli["wall"], cli["cpu"]))
            for t in threads:
                wall, cpu, _ = timed(lambda: neardup.deduplicate(texts, threads=t))
                rows.setdefault(f"neardup.deduplicate, threads={t} (texts in memory)", []).append((wall, cpu))
            wall, cpu, _ = timed(read_and_deduplicate)
            rows.setdefault("neardup: json.loads + deduplicate, threads=1", []).append((wall, cpu))
            if ds is not None:
                run = side.run_datasketch(ds, slice_path, datasketch_settings(neardup))
                wall, cpu = run["times"]["wall"], run["times"]["cpu"]
                rows.setdefault(DATASKETCH_ALL, []).append((wall["total"], cpu["total"]))
                rows.setdefault(DATASKETCH_SKETCH, []).append(
                    (wall["total"] - wall["read+normalize"], cpu["total"] - cpu["read+normalize"]))
            print(f"run {r + 1} done", file=sys.stderr)
    finally:
        os.unlink(slice_path)

    mb = size / 1e6
    med = statistics.median
    medians = {name: (med(w for w, _ in v), med(c for _, c in v)) for name, v in rows.items()}
    load = os.getloadavg()
    print(f"slice: {mb:.2f} MB of JSON Lines, {lines} records, {text_mb:.2f} MB of text "
          f"(first {args.mb:g} MB of {Path(args.corpus).name}); {len(reference)} clusters, the same "
          f"from neardup.deduplicate and dedup")
    print(f"python {sys.version.split()[0]}, neardup {neardup.__version__} "
          f"(normalization: {neardup.normalize_simd_target()}), first call's tables {warm_s:.3f} s "
          f"(not timed); {args.runs} runs of each, alternating; medians; load average at the end "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print("| | wall | CPU (user+sys) | texts/s (wall) | MB/s (wall) | MB/s (CPU) |")
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu) in medians.items():
        print(f"| {name} | {wall:.3f} s | {cpu:.3f} s | {lines / wall:,.0f} | {mb / wall:.1f} | {mb / cpu:.1f} |")
    one = medians["neardup.deduplicate, threads=1 (texts in memory)"]
    cli = medians["dedup -j1 (the JSON Lines file)"]
    read = medians["neardup: json.loads + deduplicate, threads=1"]
    print(f"\nneardup.deduplicate (threads=1) against dedup -j1: {cli[0] / one[0]:.2f}x the rate (wall), "
          f"{cli[1] / one[1]:.2f}x (CPU)")
    if DATASKETCH_ALL in medians:
        for name, ours, label in ((DATASKETCH_SKETCH, one, "neardup.deduplicate's on the texts"),
                                  (DATASKETCH_ALL, read, "json.loads + deduplicate's")):
            wall, cpu = medians[name]
            print(f"{name.split(': ')[1]} / {label} (threads=1): {wall / ours[0]:.0f}x (wall), "
                  f"{cpu / ours[1]:.0f}x (CPU)")


if __name__ == "__main__":
    main()
