"""passages() and find_passages(): the library's copied passages, offsets as str indices."""

from __future__ import annotations

import json
import subprocess

import pytest

import neardup
from conftest import ESSAYS

HOST_A = "今天我们学习了很多关于环境保护的知识，老师讲得非常生动，同学们都听得很认真。"
HOST_B = "春天来了，校园里开满了鲜花，小鸟在树上唱歌，我们在操场上快乐地奔跑。"
COPIED = "我们要从身边的小事做起，节约每一滴水，珍惜每一度电，爱护每一棵树木，让地球母亲永远美丽。"


def test_a_copied_run_is_found_with_str_offsets_through_changed_punctuation():
    a = HOST_A + COPIED + "这是我的心得体会。"
    b = HOST_B + COPIED.replace("，", ",") + "我们一定会做得更好。"
    pair = neardup.passages(a, b)
    assert len(pair["passages"]) == 1
    p = pair["passages"][0]
    # Offsets index the str: the slices are the copied run on each side (its punctuation as there).
    assert a[p["a_start"]:p["a_end"]] == COPIED
    assert b[p["b_start"]:p["b_end"]] == COPIED.replace("，", ",")
    assert p["a_line"] == 1 and p["b_line"] == 1
    assert p["chars"] == len(COPIED) - COPIED.count("，") - COPIED.count("。")
    # Containment: the share of each text's normalized characters inside the passage.
    assert 0 < pair["containment_b"] < 1 and 0 < pair["containment_a"] < 1
    # Nothing shared, nothing found; too short a run is not a passage.
    assert neardup.passages(HOST_A, HOST_B)["passages"] == []
    assert neardup.passages(HOST_A + COPIED[:12], HOST_B + COPIED[:12])["passages"] == []
    assert neardup.passages(HOST_A + COPIED[:12], HOST_B + COPIED[:12], min_chars=8)["passages"]


def cli_pairs(dedup_program, path) -> list[dict]:
    proc = subprocess.run([str(dedup_program), "-q", "--jsonl", "--passages", "--format", "jsonl",
                           str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return [r for r in map(json.loads, proc.stdout.splitlines()) if "pair" in r]


def test_find_passages_gives_what_dedup_passages_gives(dedup_program, tmp_path):
    texts, ids = [], []
    for path in sorted(ESSAYS.glob("*.txt")):
        for k, essay in enumerate(path.read_text(encoding="utf-8").split("\n\n")):
            if essay.strip():
                texts.append(essay)
                ids.append(f"{path.stem}/{k}")
    corpus = tmp_path / "essays.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for i, t in zip(ids, texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    cli = cli_pairs(dedup_program, corpus)
    assert cli  # the bundled essays copy passages from each other
    text_of = dict(zip(ids, texts))

    def chars(text: str, byte: int) -> int:  # the CLI's byte offsets as str indices
        return len(text.encode("utf-8")[:byte].decode("utf-8"))

    expected = []
    for r in cli:
        a, b = text_of[r["a"]["id"]], text_of[r["b"]["id"]]
        expected.append((r["a"]["id"], r["b"]["id"], f"{r['containment_a']:.4f}",
                         f"{r['containment_b']:.4f}",
                         [(chars(a, p["a_start"]), chars(a, p["a_end"]), chars(b, p["b_start"]),
                           chars(b, p["b_end"]), p["chars"]) for p in r["passages"]]))
    found = neardup.find_passages(texts, ids)
    got = [(r["a"], r["b"], f"{r['containment_a']:.4f}", f"{r['containment_b']:.4f}",
            [(p["a_start"], p["a_end"], p["b_start"], p["b_end"], p["chars"])
             for p in r["passages"]]) for r in found]
    assert got == expected
    # Lines: the CLI names the JSON Lines record's line; the module, the line within each text.
    for r in found:
        for p in r["passages"]:
            assert p["a_line"] == text_of[r["a"]][:p["a_start"]].count("\n") + 1
            assert p["b_line"] == text_of[r["b"]][:p["b_start"]].count("\n") + 1
    # Any thread count, the same pairs; without ids, positions.
    assert neardup.find_passages(texts, ids, threads=1) == found
    by_position = neardup.find_passages(iter(texts), threads=2)
    assert [(ids[r["a"]], ids[r["b"]]) for r in by_position] == [(r["a"], r["b"]) for r in found]


def test_bad_input_and_options_are_clear_exceptions():
    with pytest.raises(TypeError, match="text_b"):
        neardup.passages("一二三", None)
    with pytest.raises(TypeError, match="texts"):
        neardup.find_passages(["一二三", 3])
    with pytest.raises(TypeError, match="max_postings"):
        neardup.passages("一", "二", max_postings=3)  # a corpus option, not a pair's
    with pytest.raises(ValueError):
        neardup.passages("一", "二", gram=1)
    with pytest.raises(ValueError, match="ids"):
        neardup.find_passages(["一", "二"], ids=["x"])
