"""Tests of the amendment/status registry and of the programme documents' front matter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.errors import DocumentError
from assistant.legal.registry import (
    CHUNK_CODES,
    DOCUMENT_CODES,
    Registry,
    chunk_status,
    label_from_id,
    normalize_pasal,
    note_on_absent,
    parse_registry,
    status_code,
    warning_for_document,
)
from assistant.legal.types import PART_BODY, PART_PENJELASAN

REPO = Path(__file__).resolve().parents[1]
REGISTRY_FILE = REPO / "corpus" / "amendments.toml"
PROGRAMS_DIR = REPO / "corpus" / "programs"


@pytest.fixture
def manifest(shared_dir: Path) -> dict[str, str]:
    """Doc id -> free-text status, from the shared manifest."""
    docs = json.loads((shared_dir / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    return {d["id"]: d["status"] for d in docs}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return parse_registry(REGISTRY_FILE.read_text(encoding="utf-8"))


# --- the real registry -------------------------------------------------------------------------


def test_registry_has_the_required_entries(registry: Registry) -> None:
    changed = {(e.doc, e.pasal, e.part, e.change) for e in registry.entries}
    for pasal in ("6", "21", "22", "43"):
        assert ("uu-25-1992", pasal, PART_BODY, "diubah") in changed
    assert ("uu-25-1992", "44A", PART_BODY, "disisipkan") in changed
    assert ("uu-25-1992", "17", PART_PENJELASAN, "diubah") in changed
    for pasal in ("6", "12", "21", "26", "30"):
        assert ("uu-20-2008", pasal, PART_BODY, "diubah") in changed
    assert ("uu-20-2008", "25", PART_BODY, "dihapus") in changed
    assert ("uu-20-2008", "32A", PART_BODY, "disisipkan") in changed
    assert ("uu-17-2012", None, PART_BODY, "dibatalkan") in changed
    assert ("pp-17-2013", None, PART_BODY, "diganti") in changed
    assert ("uu-11-2020", None, PART_BODY, "diganti") in changed
    assert any(e.doc == "pmk-108-2024" and "PMK 81/2025" in e.by for e in registry.entries)
    cipta_kerja = [e for e in registry.entries if e.by.startswith("UU 11/2020 Pasal 86")]
    assert cipta_kerja and all(e.kept_by == "UU 6/2023" for e in cipta_kerja)


def test_every_doc_is_in_manifest_or_external(registry: Registry, manifest: dict) -> None:
    unknown = [d for d in registry.doc_ids() if d not in manifest and not registry.is_external(d)]
    assert unknown == []
    for doc_id in dict(registry.labels):
        assert doc_id in manifest or registry.is_external(doc_id)


def test_amended_pasal_is_diubah_with_current_rule(registry: Registry, manifest: dict) -> None:
    status = chunk_status("uu-25-1992", "6", manifest["uu-25-1992"], registry)
    assert status.code == "diubah"
    assert len(status.warnings) == 2
    assert "9 orang" in status.warnings[0]
    # the annulled UU 17/2012 once ruled on the same matter (20 founders): noted after
    assert status.warnings[1].startswith("Catatan: UU 17/2012, yang telah dibatalkan oleh Putusan")
    assert "Pasal 7: koperasi primer didirikan paling sedikit 20 orang" in status.warnings[1]
    assert "UU 11/2020 Pasal 86" in status.warnings[0]
    assert "dipertahankan UU 6/2023" in status.warnings[0]
    assert "9 orang" in status.current_rule
    assert status.current == (("uu-11-2020-bab-v", "86"),)


def test_unchanged_pasal_of_amended_document_stays_berlaku(
    registry: Registry, manifest: dict
) -> None:
    status = chunk_status("uu-25-1992", "4", manifest["uu-25-1992"], registry)
    assert status.code == "berlaku"
    assert status.warnings == ()
    # a non-Pasal block (preamble) of the same document
    assert chunk_status("uu-25-1992", None, manifest["uu-25-1992"], registry).code == "berlaku"


def test_penjelasan_only_change_marks_only_the_penjelasan(
    registry: Registry, manifest: dict
) -> None:
    status = manifest["uu-25-1992"]
    body = chunk_status("uu-25-1992", "17", status, registry, part=PART_BODY)
    note = chunk_status("uu-25-1992", "17", status, registry, part=PART_PENJELASAN)
    assert body.code == "berlaku"
    # the body is shown with its (old) Penjelasan, so it says that the Penjelasan changed
    assert any(w.startswith("Penjelasan pasal ini telah diubah") for w in body.warnings)
    assert note.code == "diubah"
    assert note.warnings[0].startswith("Penjelasan pasal ini")
    # a change of the Pasal itself also dates its Penjelasan
    assert chunk_status("uu-25-1992", "6", status, registry, part=PART_PENJELASAN).code == "diubah"


def test_deleted_pasal(registry: Registry, manifest: dict) -> None:
    status = chunk_status("uu-20-2008", "Pasal 25", manifest["uu-20-2008"], registry)
    assert status.code == "dihapus"
    assert "dihapus" in status.warnings[0]


def test_annulled_law_every_pasal_dibatalkan(registry: Registry, manifest: dict) -> None:
    for pasal in ("1", "6", "125", None):
        status = chunk_status("uu-17-2012", pasal, manifest["uu-17-2012"], registry)
        assert status.code == "dibatalkan"
        assert status.warnings[0] == (
            "UU 17/2012 dibatalkan seluruhnya oleh Putusan MK 28/PUU-XI/2013; "
            "yang berlaku UU 25/1992."
        )
        assert ("uu-25-1992", None) in status.current


def test_replaced_regulations(registry: Registry, manifest: dict) -> None:
    pp = chunk_status("pp-17-2013", "6", manifest["pp-17-2013"], registry)
    assert pp.code == "dicabut"
    assert "PP 7/2021" in pp.warnings[0]
    assert "belum diverifikasi" in pp.warnings[0]
    full = chunk_status("uu-11-2020", "86", manifest["uu-11-2020"], registry)
    assert full.code == "dicabut"
    assert "Perppu 2/2022" in full.warnings[0]


def test_excerpt_of_replaced_law_is_kept(registry: Registry, manifest: dict) -> None:
    status_text = manifest["uu-11-2020-bab-v"]
    assert status_code(status_text) == "dicabut"  # the front matter alone says "not in force"
    status = chunk_status("uu-11-2020-bab-v", "86", status_text, registry)
    assert status.code == "berlaku"  # the registry knows its content is kept by UU 6/2023
    assert "secara formal" in status.warnings[0] and "UU 6/2023" in status.warnings[0]


def test_document_warning_lists_changed_provisions(registry: Registry, manifest: dict) -> None:
    warnings = warning_for_document("uu-25-1992", manifest["uu-25-1992"], registry)
    listing = warnings[-1]
    assert "teks asli" in listing
    for pasal in ("Pasal 6 ", "Pasal 21 ", "Pasal 44A disisipkan", "Penjelasan Pasal 17"):
        assert pasal in listing
    assert warning_for_document("pp-15-2009", manifest["pp-15-2009"], registry) == ()


def test_lookup_returns_document_wide_plus_pasal_entries(registry: Registry) -> None:
    entries = registry.lookup("uu-25-1992", "6")
    assert {e.pasal for e in entries} == {None, "6"}
    assert all(e.pasal is None for e in registry.lookup("uu-25-1992", "5"))
    assert registry.lookup("no-such-doc", "1") == ()


# --- status_code over the manifest ---------------------------------------------------------------


def test_status_code_over_every_manifest_status(manifest: dict) -> None:
    codes = {doc_id: status_code(text) for doc_id, text in manifest.items()}
    assert set(codes.values()) <= set(DOCUMENT_CODES)
    assert codes["uu-17-2012"] == "dibatalkan"
    assert codes["pp-17-2013"] == "dicabut"
    assert codes["uu-11-2020"] == "dicabut"
    assert codes["uu-25-1992"] == "diubah"
    assert codes["uu-20-2008"] == "diubah"
    # remarks in brackets ("... sebagian telah diganti PP 7/2021") must not revoke a document
    for doc_id in ("pp-9-1995", "pp-55-2022", "inpres-9-2025"):
        assert codes[doc_id] == "berlaku", doc_id
    # a status that itself says it is unverified is never shown as in force
    for doc_id in ("pp-4-1994", "pp-17-1994"):
        assert codes[doc_id] == "belum_diverifikasi", doc_id
    assert all(code == "berlaku" for d, code in codes.items() if d.startswith(("se-", "perm")))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("berlaku", "berlaku"),
        ("", "belum_diverifikasi"),  # no status stated: never shown as in force
        ("status belum diverifikasi", "belum_diverifikasi"),
        ("Berlaku dengan perubahan", "diubah"),
        ("dicabut oleh PP 7/2021", "dicabut"),
        ("TIDAK BERLAKU – digantikan PP 7/2021", "dicabut"),
        ("tidak berlaku lagi (habis masa berlakunya)", "tidak_berlaku"),
        ("DIBATALKAN SELURUHNYA oleh Putusan MK", "dibatalkan"),
    ],
)
def test_status_code_examples(text: str, code: str) -> None:
    assert status_code(text) == code


def test_unknown_registry_doc_keeps_front_matter_status() -> None:
    empty = Registry()
    gone = chunk_status("x-1-2000", "3", "TIDAK BERLAKU – dicabut PP 1/2001", empty)
    assert gone.code == "dicabut"
    assert "dicabut PP 1/2001" in gone.warnings[0]
    amended = chunk_status("x-1-2000", "3", "berlaku dengan perubahan", empty)
    assert amended.code == "diubah"  # the registry cannot tell which Pasal changed
    assert amended.code in CHUNK_CODES


# --- parsing and validation ---------------------------------------------------------------------

VALID = """
[labels]
"uu-1-2000" = "UU 1/2000"

[external]
"uu-2-2001" = "UU 2/2001 tentang Contoh"

[[entry]]
doc = "uu-1-2000"
pasal = "Pasal 7 a"
change = "diubah"
by = "UU 2/2001 Pasal 3"
summary = "contoh ringkasan."
source = "uji"
"""


def test_parse_valid_registry() -> None:
    reg = parse_registry(VALID)
    (entry,) = reg.entries
    assert entry.pasal == "7A"
    assert entry.summary == "contoh ringkasan"
    assert entry.verified is True
    assert reg.label("uu-1-2000") == "UU 1/2000"
    assert reg.is_external("uu-2-2001") and not reg.is_external("uu-1-2000")
    status = chunk_status("uu-1-2000", "7A", "berlaku", reg)
    assert status.warnings == ("Pasal ini telah diubah oleh UU 2/2001 Pasal 3: contoh ringkasan.",)


COUNTERPART = """
[[entry]]
doc = "uu-1-2000"
change = "dibatalkan"
by = "Putusan MK 1/2001"
current_doc = "uu-3-1990"
summary = "UU 3/1990 berlaku kembali"
source = "uji"

[[entry]]
doc = "uu-1-2000"
pasal = "9"
change = "dibatalkan"
by = "Putusan MK 1/2001"
current_doc = "uu-3-1990"
current_pasal = "4"
summary = "masa jabatan paling lama 5 tahun (UU 3/1990 Pasal 4)"
previously = "masa jabatan diserahkan kepada anggaran dasar."
source = "uji"
"""


def test_annulled_pasal_points_to_its_counterpart_which_notes_the_old_rule() -> None:
    reg = parse_registry(COUNTERPART)
    old = chunk_status("uu-1-2000", "9", "berlaku", reg)
    assert old.code == "dibatalkan"
    assert ("uu-3-1990", "4") in old.current
    assert old.warnings[-1] == (
        "Untuk hal yang diatur pasal ini, kini berlaku: masa jabatan paling lama 5 tahun "
        "(UU 3/1990 Pasal 4). Teks yang berlaku: UU 3/1990 Pasal 4."
    )
    assert old.current_rule == "masa jabatan paling lama 5 tahun (UU 3/1990 Pasal 4)"
    now = chunk_status("uu-3-1990", "4", "berlaku", reg)
    assert now.code == "berlaku"
    (note,) = now.warnings
    assert "Pasal 9: masa jabatan diserahkan kepada anggaran dasar" in note
    assert "Putusan MK 1/2001" in note
    for other in (("uu-3-1990", "5"), ("uu-1-2000", "4")):  # neighbours and the old act: no note
        assert all("Catatan" not in w for w in chunk_status(*other, "berlaku", reg).warnings)


def test_note_on_an_act_known_only_to_the_registry(registry: Registry) -> None:
    note = note_on_absent("pmk-108-2024", registry)
    assert note.startswith("PMK 108/2024 telah diubah: Pasal 24 diubah oleh PMK 81/2025 Pasal I")
    assert note.endswith("Teks yang berlaku: PMK 81/2025.")
    assert note_on_absent("pp-44-1997", registry).startswith("PP 44/1997 telah dicabut oleh")
    assert note_on_absent("uu-6-2023", registry) == ""  # in force: nothing to say


def test_real_registry_notes_old_rules_only_on_current_provisions(registry: Registry) -> None:
    for entry in registry.entries:
        if entry.previously:
            assert entry.change in ("dibatalkan", "dicabut") and entry.pasal
            assert entry.current_doc and entry.current_pasal, entry
            now = chunk_status(entry.current_doc, entry.current_pasal, "berlaku", registry)
            assert any(f"Pasal {entry.pasal}: {entry.previously}" in w for w in now.warnings)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('change = "diubah"', 'change = "ubah"', "change"),
        ('by = "UU 2/2001 Pasal 3"\n', "", "by"),
        ('summary = "contoh ringkasan."', 'summary = ""', "summary"),
        ('source = "uji"', 'source = "uji"\nverified = "ya"', "verified"),
        ('source = "uji"', 'source = "uji"\nwarna = "merah"', "warna"),
        ('source = "uji"', 'source = "uji"\npart = "lampiran"', "part"),
        ('source = "uji"', 'source = "uji"\ncurrent_pasal = "5"', "current_pasal"),
        ('source = "uji"', 'source = "uji"\ncontent_kept = true', "content_kept"),
        ('pasal = "Pasal 7 a"', "pasal = 7", "pasal"),
    ],
)
def test_invalid_entry_names_index_and_field(old: str, new: str, field: str) -> None:
    text = VALID.replace(old, new)
    assert text != VALID
    with pytest.raises(DocumentError) as caught:
        parse_registry(text, name="amendments.toml")
    message = str(caught.value)
    assert message.startswith("amendments.toml: ")
    assert "entri ke-1" in message
    assert f"'{field}'" in message


def test_invalid_toml_and_sections() -> None:
    with pytest.raises(DocumentError, match="TOML tidak valid"):
        parse_registry("[[entry]\ndoc = 1")
    with pytest.raises(DocumentError, match="tidak dikenal"):
        parse_registry("[lain]\nx = 1")
    with pytest.raises(DocumentError, match="entri ke-2"):
        parse_registry(VALID + '\n[[entry]]\ndoc = "uu-1-2000"\n')


def test_helpers() -> None:
    assert normalize_pasal(" Pasal 44 A ") == "44A"
    assert label_from_id("permenkop-ukm-1-2020") == "Permenkop UKM 1/2020"
    assert label_from_id("uu-25-1992") == "UU 25/1992"
    assert label_from_id("se-mendagri-500.3-2438-2025") != ""


# --- programme documents -------------------------------------------------------------------------


def _program_files() -> list[Path]:
    return sorted(PROGRAMS_DIR.glob("*.md"))


def _split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, flags=re.DOTALL)
    assert match, f"{path.name}: no front matter"
    return yaml.safe_load(match.group(1)), match.group(2)


def test_program_documents_exist() -> None:
    ids = {_split(p)[0]["id"] for p in _program_files()}
    for required in (
        "program-dekopin-profil",
        "program-dekopin-pemberdayaan",
        "program-dekopin-literasi-digital",
        "program-dekopin-reformasi-regulasi",
        "program-kdkmp-ikhtisar",
        "program-dekopin-peran-kdkmp",
    ):
        assert required in ids


@pytest.mark.parametrize("path", _program_files(), ids=lambda p: p.name)
def test_program_front_matter_and_sections(path: Path) -> None:
    meta, body = _split(path)
    assert str(meta["id"]).startswith("program-")
    assert path.stem == meta["id"]
    assert meta["jenis"] == "program"
    assert meta["judul"].strip()
    assert meta["status"].strip()
    assert isinstance(meta["sources"], list) and meta["sources"]
    assert all(isinstance(s, str) and s.strip() for s in meta["sources"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date"]))
    sections = re.split(r"^## ", body, flags=re.MULTILINE)[1:]
    assert len(sections) >= 2
    for section in sections:
        heading, _, content = section.partition("\n")
        words = len(content.split())
        assert "sumber" in content.lower(), f"{path.name}: '{heading}' cites no source"
        assert 60 <= words <= 250, f"{path.name}: '{heading}' has {words} words"
        assert len(section) <= 1800, f"{path.name}: '{heading}' is longer than one chunk"
    cited = {u.rstrip(".,;") for u in re.findall(r"https?://[^\s)]+", body)}
    assert cited <= set(meta["sources"]), f"{path.name}: URLs cited but not in sources"
    text = path.read_text(encoding="utf-8")
    assert "FACTS.md" not in text, f"{path.name}: cites the internal FACTS.md"
    assert "manifest.json" not in text, f"{path.name}: cites the internal manifest.json"
