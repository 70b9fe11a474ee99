"""The generated table matches the toolchain source and go-sizeclasses.tsv."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goperf.profiler.sizeclasses import JSON_PATH, load
from reference import TSV_CANDIDATES

ROOT = Path(__file__).resolve().parents[2]


def tsv_rows():
    p = next((p for p in TSV_CANDIDATES if p.exists()), None)
    if p is None:
        pytest.skip("go-sizeclasses.tsv not available")
    with p.open() as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_matches_tsv():
    sc = load()
    rows = tsv_rows()
    assert len(rows) == 67 and len(sc.class_size) == 68
    for r in rows:
        c = int(r["class"])
        assert sc.class_size[c] == int(r["size"])
        assert sc.class_npages[c] * 8192 == int(r["span_bytes"])
        assert sc.class_nelems[c] == int(r["objects"])


def test_lookup_is_smallest_fitting_class():
    sc = load()
    sizes = list(sc.class_size[1:])
    for n in range(1, 32769):
        c = sc.to_class8[(n + 7) >> 3] if n <= 1016 else sc.to_class128[(n - 1024 + 127) >> 7]
        assert sc.class_size[c] == min(s for s in sizes if s >= n), n


@pytest.mark.skipif(shutil.which("go") is None, reason="needs the Go toolchain")
def test_generator_reproduces_committed_file(tmp_path):
    out = tmp_path / "sc.json"
    subprocess.run([sys.executable, str(ROOT / "scripts/gen_sizeclasses.py"), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_text() == JSON_PATH.read_text()
