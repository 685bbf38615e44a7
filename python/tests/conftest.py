"""Shared fixtures: the dedup program, the corpus generator and their corpora.

ctest (python/CMakeLists.txt) sets NEARDUP_DEDUP and NEARDUP_GEN_CORPUS to the built programs and
PYTHONPATH to the built package; run by hand, the programs are looked for in build/ and
build/release/ of the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ESSAYS = REPO / "examples" / "data" / "essays"


def _program(variable: str, relative: str) -> Path:
    if os.environ.get(variable):
        return Path(os.environ[variable])
    for build in ("build", "build/release"):
        candidate = REPO / build / relative
        if candidate.is_file():
            return candidate
    pytest.skip(f"no {relative}: build the repository or set {variable}")


@pytest.fixture(scope="session")
def dedup_program() -> Path:
    return _program("NEARDUP_DEDUP", "examples/dedup/dedup")


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict:
    """A 3 MB JSON Lines corpus from the generator (seed 7): planted variants of the bundled essays."""
    generator = _program("NEARDUP_GEN_CORPUS", "bench/neardup_gen_corpus")
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([str(generator), "--seed", "7", "--size", "3MB", "--out", str(out),
                    "--format", "jsonl"], check=True, stdout=subprocess.DEVNULL)
    path = out / "jsonl" / "corpus.jsonl"
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    return {"path": path, "ids": [r["id"] for r in records], "texts": [r["text"] for r in records]}


def run_cli(dedup_program: Path, *args: str) -> list[list[dict]]:
    """dedup --format jsonl ARGS: per cluster, its members as the report has them."""
    proc = subprocess.run([str(dedup_program), "-q", "--format", "jsonl", *args],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line)["members"] for line in proc.stdout.splitlines()]


def member_key(member: dict, name: str = "id") -> tuple:
    """What the CLI's report and Result.members must agree on (similarities as the report rounds them)."""
    return (member[name], f"{member['similarity']:.4f}", member["estimated"], member["relation"],
            member["linked_to"], f"{member['link_similarity']:.4f}", member["link_estimated"])
