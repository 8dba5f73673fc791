"""What the app writes is private and bounded; what it reads is size-limited, line endings
normalised, and a document's unverified status is never shown as in force."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import feedback as fb
from assistant import pipeline
from assistant import ui_render as render
from assistant.answer.types import Answer
from assistant.legal.registry import status_code
from assistant.storage import keep_newest, rotated

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
UU = FIXTURES / "uu-99-2030-koperasi-contoh.md"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_index_state_and_lock_are_user_only(corpus, demo_settings, embed_demo):
    pipeline.ingest([corpus], demo_settings, embedder=embed_demo, progress=False)
    assert mode(demo_settings.data_dir) == 0o700
    assert mode(demo_settings.chroma_dir) == 0o700
    assert mode(demo_settings.state_file) == 0o600
    assert mode(demo_settings.lock_file) == 0o600


def test_feedback_is_user_only_and_rotated_when_full(tmp_path):
    path = tmp_path / "data" / "feedback.jsonl"
    answer = Answer(question="q?" * 50, text="jawab [1]")
    for i in range(40):
        fb.append_feedback(path, fb.feedback_record(answer, "helpful", f"ke-{i}"), max_mb=0.002)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert path.stat().st_size <= 2000 and rotated(path).stat().st_size <= 2000
    assert mode(rotated(path)) == 0o600
    assert fb.read_feedback(path)[-1]["comment"] == "ke-39"
    assert sorted(p.name for p in path.parent.iterdir()) == ["feedback.1.jsonl", "feedback.jsonl"]


def test_exports_are_private_and_bounded(demo_assistant, settings):
    from assistant.ui import _Handlers

    small = replace(demo_assistant.settings, max_exports=3)
    h = _Handlers(demo_assistant, small)
    for i in range(6):
        out = h.respond(f"syarat pendirian koperasi {i}", [], [], [], "", [], False)
    files = sorted(small.exports_dir.glob("jawaban-*.md"))
    assert len(files) == 3 and mode(small.exports_dir) == 0o700
    assert all(mode(f) == 0o600 for f in files)
    assert Path(out[5]["value"]) in files
    assert "syarat pendirian koperasi 5" in Path(out[5]["value"]).read_text(encoding="utf-8")


def test_keep_newest_deletes_the_oldest(tmp_path):
    import os

    for i in range(5):
        f = tmp_path / f"jawaban-{i}.md"
        f.write_text("x")
        os.utime(f, ns=(i * 10**9, i * 10**9))
    assert keep_newest(tmp_path, 2, "jawaban-*.md") == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jawaban-3.md", "jawaban-4.md"]


def test_a_file_over_the_size_limit_is_refused_by_name(corpus, demo_settings, embed_demo):
    huge = corpus / "raksasa.md"
    with huge.open("wb") as fh:  # 200 MB, sparse: refused before it is read
        fh.truncate(200_000_000)
    summary = pipeline.ingest([corpus], demo_settings, embedder=embed_demo, progress=False)
    assert [(Path(f["file"]).name) for f in summary.failures] == ["raksasa.md"]
    assert "terlalu besar (200.0 MB, batas 25 MB" in summary.failures[0]["reason"]
    assert summary.documents == 3
    tight = replace(demo_settings, max_file_mb=0.0001)
    summary = pipeline.ingest([UU], tight, embedder=embed_demo, progress=False)
    assert "ASSISTANT_MAX_FILE_MB" in summary.failures[0]["reason"]


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_bare_cr_and_crlf_line_endings_give_the_same_chunks(tmp_path, demo_settings, ending):
    from assistant.ingest import prepare

    unix = tmp_path / "unix"
    other = tmp_path / "other"
    unix.mkdir(), other.mkdir()
    text = UU.read_text(encoding="utf-8")
    (unix / UU.name).write_text(text, encoding="utf-8", newline="\n")
    (other / UU.name).write_bytes(text.replace("\n", ending).encode("utf-8"))
    (a,), _ = prepare([unix], demo_settings)
    (b,), _ = prepare([other], demo_settings)
    assert [c.id for c in b.chunks] == [c.id for c in a.chunks]
    assert [c.text for c in b.chunks] == [c.text for c in a.chunks]
    assert len({c.pasal for c in a.chunks if c.pasal}) == 4


@pytest.mark.parametrize(
    "text, code",
    [
        ("belum diverifikasi", "belum_diverifikasi"),
        ("Unverified – dari grup WhatsApp", "belum_diverifikasi"),
        ("tidak diketahui", "belum_diverifikasi"),
        ("rancangan (draf 2025)", "belum_diverifikasi"),
        ("berlaku (status belum diverifikasi terhadap perubahan sesudah 2022)", "berlaku"),
        ("berlaku", "berlaku"),
        ("DICABUT oleh UU 1/2031", "dicabut"),
    ],
)
def test_document_status_codes(text, code):
    assert status_code(text) == code


def test_an_unverified_document_is_not_shown_as_in_force(tmp_path, demo_settings, embed_demo):
    doc = tmp_path / "surat-edaran-x.md"
    doc.write_text(
        '---\nid: "se-1-2031"\njenis: "SE"\nstatus: "belum diverifikasi"\n---\n'
        "Pasal 1\nKoperasi tidak perlu mengadakan rapat anggota tahunan.\n",
        encoding="utf-8",
    )
    pipeline.ingest([doc], demo_settings, embedder=embed_demo, progress=False)
    assistant = pipeline.Assistant.from_settings(demo_settings, embedder=embed_demo)
    answer = assistant.ask("apakah koperasi perlu rapat anggota tahunan?")
    cited = answer.sources + answer.related
    assert cited and {s.status for s in cited} == {"belum_diverifikasi"}
    assert all("belum diverifikasi" in s.status_warning for s in cited)
    card = render.source_card(cited[0])
    assert "badge-belum_diverifikasi" in card and ">belum diverifikasi<" in card
    assert "badge-berlaku" not in card


def test_junk_latin1_and_bom_files_are_named_or_read(tmp_path, demo_settings):
    from assistant.ingest import prepare

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "sampah.md").write_bytes(os.urandom(4000))
    (folder / "latin1.md").write_bytes(
        "Pasal 1\nKoperasi dibentuk oleh anggota é.\n".encode("cp1252")
    )
    text = '---\nid: "uu-99-2030"\njenis: UU\n---\n' + "Pasal 1\nKoperasi dibentuk.\n"
    (folder / "dengan-bom.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    prepared, failures = prepare([folder], demo_settings)
    reasons = {Path(f["file"]).name: f["reason"] for f in failures}
    assert set(reasons) == {"sampah.md", "latin1.md"}
    assert all("UTF-8" in r for r in reasons.values())
    assert [p.doc_id for p in prepared] == ["uu-99-2030"]
