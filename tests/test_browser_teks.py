"""The real app over a small real index that holds an amended act and its amending text, in
headless Chromium: the history line of an amended Pasal, the teks berlaku / teks asli switch, and
"Lihat pasal lengkap" browsing the consolidated act (Pasal 44 → 44A)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from ui_index import MARKUP_DOC, REGULATIONS, SHARED, run_app, small_index  # noqa: F401

from assistant import pipeline

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
EXCERPT = SHARED / "corpus" / "regulations" / "excerpts" / "uu-11-2020-bab-v-koperasi-umkm.md"
WAIT_MS = 90_000
HISTORY = (
    "Riwayat: 1992 teks asli · 2020 diubah UU 11/2020 Pasal 86 angka 1 · "
    "2023 dipertahankan UU 6/2023"
)


@pytest.fixture(scope="module")
def server(small_index, model_cache, real_embedder, tmp_path_factory):  # noqa: F811
    """The small index plus the BAB V excerpt (only its chunks and the consolidated Pasal are
    embedded anew), served by `python app.py`."""
    data = tmp_path_factory.mktemp("teks-index") / "data"
    shutil.copytree(small_index.data_dir, data)
    settings = replace(small_index, data_dir=data)
    paths = [SHARED / "corpus" / "regulations" / n for n in REGULATIONS] + [MARKUP_DOC, EXCERPT]
    summary = pipeline.ingest(paths, settings, embedder=real_embedder, progress=False)
    assert not summary.failures and summary.added < 80, summary
    with run_app(settings, model_cache) as running:
        yield running


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is not installed"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        pg = browser.new_page(viewport={"width": 1366, "height": 900})
        pg.goto(server.url)
        pg.wait_for_selector("#pertanyaan textarea", timeout=60_000)
        yield pg
        browser.close()


def _ask(pg, question: str) -> None:
    panel = "document.querySelector('#panel-sumber')"
    before = pg.evaluate(f"() => {panel} ? {panel}.innerText : ''")
    pg.fill("#pertanyaan textarea", question)
    pg.click("#tombol-tanya")
    pg.wait_for_function(
        f"(old) => {panel} && {panel}.innerText !== old", arg=before, timeout=WAIT_MS
    )
    pg.wait_for_selector("#sumber-1", timeout=WAIT_MS)


def _panel(pg) -> str:
    return pg.locator("#pasal-lengkap").inner_text()


def _wait_panel(pg, needle: str) -> str:
    pg.wait_for_function(
        "n => (document.querySelector('#pasal-lengkap')?.innerText || '').includes(n)",
        arg=needle,
        timeout=30_000,
    )
    return _panel(pg)


def test_history_line_and_the_switch_between_teks_berlaku_and_teks_asli(page):
    _ask(page, "Apa bunyi pasal 6 uu 25/1992?")
    # the answer cites the consolidated wording, with the amending act
    first = page.locator("#sumber-1 .src-label").inner_text()
    assert first.startswith("UU 25/1992 Pasal 6") and "sebagaimana diubah" in first
    assert "9 (sembilan) orang" in page.locator("#chat").inner_text()
    page.click("#lihat-pasal")
    text = _wait_panel(page, "9 (sembilan) orang")
    assert HISTORY in text and "20 (duapuluh)" not in text and "(teks berlaku)" in text
    page.locator("#versi-teks label", has_text="Teks asli").click()
    text = _wait_panel(page, "20 (duapuluh) orang")
    assert HISTORY in text and "9 (sembilan)" not in text
    page.locator("#versi-teks label", has_text="Teks berlaku").click()
    assert "20 (duapuluh)" not in _wait_panel(page, "9 (sembilan) orang")


def test_full_pasal_browses_the_consolidated_act(page):
    _ask(page, "Apa bunyi pasal 44 uu 25/1992?")
    page.click("#lihat-pasal")
    _wait_panel(page, "menghimpun dana")
    page.click("#pasal-berikutnya")
    text = _wait_panel(page, "Pasal 44A")
    assert "prinsip syariah" in text and "Riwayat: 2020 disisipkan" in text
    page.click("#pasal-berikutnya")
    assert "Pasal 45" in _wait_panel(page, "Pasal 45")
    page.locator("#versi-teks label", has_text="Teks asli").click()
    page.click("#pasal-sebelumnya")
    text = _wait_panel(page, "menghimpun dana")
    assert "Pasal 44A" not in text  # the act as first enacted has no Pasal 44A
