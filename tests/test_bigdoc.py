"""A very large act (generated, thousands of Pasal): every Pasal comes out once, in order, with its
BAB/Bagian path and Penjelasan, and parsing grows linearly with the number of Pasal. The full
figures (2,000 / 5,000 / 20,000 Pasal, memory, ingestion) come from
`python -m assistant.bench bigdoc`; see RELIABILITY.md."""

from __future__ import annotations

import time
from collections import Counter

from assistant.bench.bigdoc import parse_and_chunk, roman, write_regulation
from assistant.legal.types import PART_BODY, PART_PENJELASAN


def test_every_pasal_of_a_3000_pasal_act_comes_out_once(tmp_path):
    n = 3000
    doc, parsed, chunks = parse_and_chunk(write_regulation(tmp_path, n))
    assert doc.meta.doc_id == "uu-90-2099" and parsed.shape == "pasal"
    body = [b for b in parsed.blocks if b.part == PART_BODY and b.pasal]
    assert [b.pasal for b in body] == [str(i) for i in range(1, n + 1)]
    explained = [b.pasal for b in parsed.blocks if b.part == PART_PENJELASAN and b.pasal]
    assert explained == [str(i) for i in range(1, n + 1)]
    # Pasal 2482: BAB XXV (100 Pasal each), its fifth Bagian (20 each); three ayat after the heading
    p = body[2481]
    assert p.path == ("BAB XXV KETENTUAN BAGIAN 25", "Bagian Kelima Tugas dan Wewenang 2481")
    assert [a.number for a in p.ayat] == [None, "1", "2", "3"]
    assert body[-1].path[0] == f"BAB {roman(30)} KETENTUAN BAGIAN 30"
    ids = Counter(c.id for c in chunks)
    assert max(ids.values()) == 1
    body_chunks = [c for c in chunks if c.part == PART_BODY]
    assert {c.pasal for c in body_chunks} == {str(i) for i in range(1, n + 1)}
    assert all(c.penjelasan == f"Pasal {c.pasal}\nCukup jelas." for c in body_chunks)
    assert "uu-90-2099/pasal-2482/1-3" in ids and "uu-90-2099/pasal-2100" in ids  # no ayat


def test_parse_time_grows_linearly_with_the_number_of_pasal(tmp_path):
    """4x the Pasal (and headings: a BAB every 10, a Bagian every 2) must take well under 8x the
    time; the quadratic heading lookups this replaced took 10.5x here (about 4.4x now). Runs are
    interleaved and the best of three kept, so a burst of load on the machine hits both sizes."""
    small = write_regulation(tmp_path / "s", 750, per_bab=10, per_bagian=2)
    big = write_regulation(tmp_path / "b", 3000, per_bab=10, per_bagian=2)
    best = {small: float("inf"), big: float("inf")}
    for _ in range(3):
        for path in (small, big):
            started = time.perf_counter()
            _, parsed, _ = parse_and_chunk(path)
            best[path] = min(best[path], time.perf_counter() - started)
    assert sum(b.part == PART_BODY for b in parsed.blocks) == 3000
    assert best[big] < 8 * best[small], best
