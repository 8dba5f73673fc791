"""`python -m assistant show` and `/api/provision/{doc}/{pasal}` over a real embedded Chroma index
of UU 25/1992, UU 20/2008 and the BAB V excerpt (deterministic fake embedder)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from assistant import pipeline
from assistant.api import create_api
from assistant.cli import main
from assistant.config import Settings
from tests.conftest import EmbedDemo
from tests.legal_corpus import CORPUS

FILES = (
    "uu-25-1992-perkoperasian.md",
    "uu-20-2008-usaha-mikro-kecil-menengah.md",
    "excerpts/uu-11-2020-bab-v-koperasi-umkm.md",
)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("provisions")
    for name in FILES:
        (root / "corpus" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / "regulations" / name, root / "corpus" / name)
    settings = replace(Settings(data_dir=root / "data"), model="embed-demo")
    embedder = EmbedDemo()
    summary = pipeline.ingest([root / "corpus"], settings, embedder=embedder, progress=False)
    assert not summary.failures
    return settings, embedder


def show(capsys, monkeypatch, settings, *args) -> str:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_MODEL", settings.model)
    code = main(["show", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_show_prints_the_consolidated_act_in_order(indexed, capsys, monkeypatch):
    text = show(capsys, monkeypatch, indexed[0], "uu-25-1992")
    assert text.startswith("# UU 25/1992 tentang Perkoperasian (teks berlaku)\n")
    headings = re.findall(r"(?m)^#+ Pasal (\w+)$", text)
    assert headings == [str(n) for n in range(1, 45)] + ["44A"] + [str(n) for n in range(45, 68)]
    assert "paling sedikit oleh 9 (sembilan) orang" in text
    assert "20 (duapuluh) orang" not in text
    assert "*UU 25/1992 Pasal 6, sebagaimana diubah UU 11/2020 Pasal 86 angka 1," in text


def test_show_one_pasal_consolidated_or_as_first_enacted(indexed, capsys, monkeypatch):
    now = show(capsys, monkeypatch, indexed[0], "uu-25-1992", "--pasal", "6")
    assert re.findall(r"(?m)^#+ Pasal \w+$", now) == ["#### Pasal 6"]
    assert "9 (sembilan) orang" in now
    assert "*Riwayat: 1992 teks asli · 2020 diubah UU 11/2020 Pasal 86 angka 1 · " in now
    old = show(capsys, monkeypatch, indexed[0], "uu-25-1992", "--asli", "--pasal", "6")
    assert "(teks asli)" in old and "20 (duapuluh) orang" in old and "9 (sembilan)" not in old
    data = json.loads(
        show(capsys, monkeypatch, indexed[0], "uu-20-2008", "--pasal", "25", "--json")
    )
    (pasal,) = data["pasal"]
    assert pasal["text"] == "Pasal 25\nDihapus." and pasal["status"] == "dihapus"
    assert pasal["original"].startswith("Pasal 25\n(1) Pemerintah, Pemerintah Daerah")


def test_show_unknown_pasal_is_a_clear_error(indexed, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(indexed[0].data_dir))
    monkeypatch.setenv("ASSISTANT_MODEL", indexed[0].model)
    assert main(["show", "uu-25-1992", "--pasal", "99"]) == 2
    assert "Pasal 99 tidak ada dalam 'uu-25-1992'" in capsys.readouterr().err


def test_provision_api_returns_the_same_as_json(indexed):
    settings, embedder = indexed
    assistant = pipeline.Assistant.from_settings(settings, embedder=embedder, warm=False)
    client = TestClient(create_api(assistant))
    resp = client.get("/api/provision/uu-25-1992/44A")
    assert resp.status_code == 200, resp.text
    (pasal,) = resp.json()["pasal"]
    assert pasal["consolidated"] and pasal["original"] == ""
    assert pasal["citation"].startswith("UU 25/1992 Pasal 44A, disisipkan UU 11/2020 Pasal 86")
    assert pasal["text"].startswith("Pasal 44A\n(1) Koperasi dapat menjalankan")
    asli = client.get("/api/provision/uu-25-1992/43", params={"asli": "true"}).json()
    assert asli["teks"] == "teks asli" and not asli["pasal"][0]["consolidated"]
    assert client.get("/api/provision/uu-25-1992/99").status_code == 404
    assert client.get("/api/provision/uu-99-2099/1").status_code == 404
