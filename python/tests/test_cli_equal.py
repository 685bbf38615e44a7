"""deduplicate() and Deduplicator give what the dedup program gives on the same texts."""

from __future__ import annotations

import json
import random

import neardup
from conftest import ESSAYS, member_key, run_cli


def python_members(texts, ids, **options) -> list[list[tuple]]:
    d = neardup.Deduplicator(**options)
    d.extend(texts, ids)
    return [[member_key(m) for m in c] for c in d.run(details=True).members]


def test_generated_corpus_equals_cli(dedup_program, generated):
    cli = [[member_key(m) for m in c] for c in run_cli(dedup_program, "--jsonl", str(generated["path"]))]
    assert len(cli) > 20  # the generator plants hundreds of variants
    assert python_members(generated["texts"], generated["ids"]) == cli
    # deduplicate() gives the same clusters, as (id, similarity).
    clusters = neardup.deduplicate(generated["texts"], generated["ids"])
    assert [[(m[0], f"{m[1]:.4f}") for m in c] for c in clusters] == [[m[:2] for m in c] for c in cli]


def test_generated_corpus_equals_cli_with_other_options(dedup_program, generated):
    texts, ids = generated["texts"][:3000], generated["ids"][:3000]
    path = generated["path"].with_name("part.jsonl")
    with path.open("w", encoding="utf-8") as f:
        for i, t in zip(ids, texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    cli = [[member_key(m) for m in c] for c in run_cli(
        dedup_program, "--jsonl", "-t", "0.7", "-n", "4", "--verify", "exact", "--linkage", "star",
        "--no-templates", "--keep-script", str(path))]
    assert cli
    assert python_members(texts, ids, threshold=0.7, ngram=4, verify="exact", linkage="star",
                          templates=False, traditional_to_simplified=False) == cli


def bundled_variants() -> dict[str, str]:
    """The bundled essays and variants of them made here: paragraphs shuffled or dropped, full-width
    punctuation made ASCII, HTML around, halves of two essays joined."""
    rng = random.Random(11)
    texts = {}
    essays = sorted(ESSAYS.glob("*.txt"))
    assert len(essays) >= 5
    for path in essays:
        text = path.read_text(encoding="utf-8")
        texts[path.stem] = text
        paragraphs = [p for p in text.split("\n") if p.strip()]
        shuffled = paragraphs[:]
        rng.shuffle(shuffled)
        texts[path.stem + "_shuffled"] = "\n".join(shuffled)
        texts[path.stem + "_dropped"] = "\n".join(paragraphs[: len(paragraphs) * 3 // 4])
        texts[path.stem + "_ascii"] = text.replace("，", ",").replace("。", ".").replace("、", ",")
        texts[path.stem + "_html"] = "<div><p>" + text.replace("\n", "</p><p>") + "</p></div>"
    first, second = (p.read_text(encoding="utf-8") for p in essays[:2])
    texts["halves"] = first[: len(first) // 2] + second[len(second) // 2:]
    return texts


def test_bundled_essays_equal_cli_jsonl(dedup_program, tmp_path):
    texts = bundled_variants()
    path = tmp_path / "essays.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for key, text in texts.items():
            f.write(json.dumps({"id": key, "text": text}, ensure_ascii=False) + "\n")
    cli = [[member_key(m) for m in c] for c in run_cli(dedup_program, "--jsonl", str(path))]
    assert len(cli) >= 5  # every essay with its variants
    assert python_members(list(texts.values()), list(texts)) == cli


def test_bundled_essays_equal_cli_on_text_files(dedup_program, tmp_path):
    # The CLI reads files (one essay a file); Python gets the same texts in the CLI's order.
    texts = bundled_variants()
    for key, text in texts.items():
        (tmp_path / f"{key}.txt").write_text(text, encoding="utf-8")
    cli = run_cli(dedup_program, "--split", "file", str(tmp_path))
    assert len(cli) >= 5
    names = sorted(texts)
    order = sorted(names, key=lambda n: str(tmp_path / f"{n}.txt"))  # the walk's order
    by_file = {str(tmp_path / f"{n}.txt"): n for n in order}
    cli_keyed = [[(by_file[m["file"]], f"{m['similarity']:.4f}", m["relation"]) for m in c] for c in cli]
    d = neardup.Deduplicator()
    d.extend([texts[n] for n in order], order)
    ours = [[(m["id"], f"{m['similarity']:.4f}", m["relation"]) for m in c] for c in d.run(details=True).members]
    assert ours == cli_keyed
