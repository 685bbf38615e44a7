"""The GIL is released while the library works, and results do not depend on the thread count."""

from __future__ import annotations

import threading
import time

import neardup


def test_results_do_not_depend_on_threads(generated):
    texts, ids = generated["texts"], generated["ids"]
    runs = []
    for threads in (1, 2, 3, 0):
        d = neardup.Deduplicator(threads=threads)
        d.extend(texts, ids)
        runs.append(d.run(details=True).members)
    assert len(runs[0]) > 20
    assert all(run == runs[0] for run in runs[1:])
    one = neardup.signatures(texts[:2000], threads=1)
    assert (neardup.signatures(texts[:2000], threads=0) == one).all()


def ticks_while(work) -> tuple[int, float]:
    """Runs work() on another thread; counts this thread's loop turns while it runs."""
    span = {}

    def worker():
        span["start"] = time.perf_counter()
        work()
        span["end"] = time.perf_counter()

    stamps = []
    t = threading.Thread(target=worker)
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
        time.sleep(0.0005)
    t.join()
    inside = sum(1 for s in stamps if span["start"] < s < span["end"])
    return inside, span["end"] - span["start"]


def test_gil_is_released_while_deduplicate_and_signatures_work(generated):
    texts = generated["texts"] * 8  # long enough to be seen: a few tenths of a second
    # Held, the GIL would stop this thread for the whole call: a few turns at its edges at most.
    inside, seconds = ticks_while(lambda: neardup.deduplicate(texts, threads=1))
    assert seconds > 0.1
    assert inside > 20, (inside, seconds)
    inside, seconds = ticks_while(lambda: neardup.signatures(texts[: len(texts) // 2], threads=1))
    assert inside > 10, (inside, seconds)
    d = neardup.Deduplicator(threads=1)
    d.extend(texts)
    inside, seconds = ticks_while(d.run)
    assert inside > 5, (inside, seconds)


def test_one_deduplicator_is_used_by_one_thread_at_a_time(generated):
    d = neardup.Deduplicator(threads=1)
    d.extend(generated["texts"] * 8)
    errors = []
    started = threading.Event()

    def run():
        started.set()
        while True:  # an add() of the other thread may hold it at the start
            try:
                d.run()
                return
            except RuntimeError:
                time.sleep(0.0001)

    t = threading.Thread(target=run)
    t.start()
    started.wait()
    deadline = time.perf_counter() + 5
    while t.is_alive() and time.perf_counter() < deadline:
        try:
            d.add("又一篇")
        except RuntimeError as e:
            errors.append(str(e))
            break
        time.sleep(0.0005)
    t.join()
    assert errors and "in use by another thread" in errors[0]
