"""The real app (`python app.py`) over a small real index, driven in headless Chromium."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from ui_index import run_app, small_index  # noqa: F401  (fixture)

from assistant import feedback as fb

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FOUNDERS = "Berapa jumlah minimal orang untuk mendirikan koperasi primer?"
ANSWER_WAIT_MS = 90_000
SCROLL_CHAT_TOP = """() => document.querySelectorAll('#chat *').forEach(
  el => { if (el.scrollHeight > el.clientHeight + 4) el.scrollTop = 0; })"""


@pytest.fixture(scope="module")
def server(small_index, model_cache):  # noqa: F811
    """`python app.py` in a subprocess on a free port; yields its URL, settings and start-up time."""
    with run_app(small_index, model_cache) as running:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "startup.txt").write_text(
            f"reported {running.startup} s, wall {running.wall:.1f} s\n", encoding="utf-8"
        )
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), "chromium is not installed"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page(SimpleNamespace):
    """A Playwright page plus the dialogs it raised (any dialog means document markup ran)."""


def _open(browser, server, width=1366, height=900) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url)
    page.wait_for_selector("#pertanyaan textarea", timeout=60_000)
    return Page(page=page, dialogs=dialogs)


@pytest.fixture
def page(browser, server):
    p = _open(browser, server)
    yield p
    p.page.close()


def _ask(page, question: str, expect: str = "#sumber-1") -> None:
    panel = "document.querySelector('#panel-sumber')"
    before = page.evaluate(f"() => {panel} ? {panel}.innerText : ''")
    page.fill("#pertanyaan textarea", question)
    page.click("#tombol-tanya")
    # the previous answer's sources match `expect` too: wait for the panel to change first
    page.wait_for_function(
        f"(old) => {panel} && {panel}.innerText !== old", arg=before, timeout=ANSWER_WAIT_MS
    )
    page.wait_for_selector(expect, timeout=ANSWER_WAIT_MS)


def _card_labels(page) -> list[str]:
    return page.locator("#panel-sumber .source-card .src-label").all_inner_texts()


def _api_ask(server, question: str, filters: dict | None = None) -> dict:
    body = json.dumps({"question": question, "filters": filters}).encode()
    req = urllib.request.Request(
        server.url + "api/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def test_answer_with_marker_source_status_and_full_pasal(page, server):
    pg = page.page
    _ask(pg, FOUNDERS)
    labels = _card_labels(pg)
    expected = _api_ask(server, FOUNDERS, {"in_force_only": True})
    assert labels == expected["citations"] and labels
    assert all(label.startswith("UU 25/1992") for label in labels), labels
    marker = pg.locator('#chat a[href="#sumber-1"]').first
    assert marker.inner_text() == "[1]"
    card = pg.locator("#sumber-1")
    assert card.locator(".badge").inner_text().lower() == expected["sources"][0]["status"]
    assert card.locator("mark").count() >= 1
    text = card.locator(".src-text").first.inner_text()
    assert " ".join(text.split()) == " ".join(expected["sources"][0]["text"].split())
    for warning in expected["warnings"]:
        assert warning.split(":")[0] in pg.locator("#chat").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "desktop-answer.png"), full_page=True)
    pg.evaluate(SCROLL_CHAT_TOP)
    pg.screenshot(path=str(ARTIFACTS / "desktop-view.png"))

    pg.evaluate("window.scrollTo(0, 0)")
    last = pg.locator("#chat a[href^='#sumber-']").last
    target = last.get_attribute("href")
    last.click()
    pg.wait_for_timeout(800)
    box = pg.locator(target).bounding_box()
    assert box is not None and 0 <= box["y"] < pg.viewport_size["height"], box
    assert len(pg.context.pages) == 1  # the marker scrolled; it opened no tab

    pg.click("#lihat-pasal")
    pg.wait_for_selector("#pasal-lengkap .provision", timeout=30_000)
    first = pg.locator("#pasal-lengkap .provision .src-label").inner_text()
    assert first.split(" · ")[0] in labels[0]
    pg.click("#pasal-berikutnya")
    pg.wait_for_function(
        "t => document.querySelector('#pasal-lengkap .provision .src-label')?.innerText !== t",
        arg=first,
        timeout=30_000,
    )
    after = pg.locator("#pasal-lengkap .provision .src-label").inner_text()
    pg.click("#pasal-sebelumnya")
    pg.wait_for_function(
        "t => document.querySelector('#pasal-lengkap .provision .src-label')?.innerText === t",
        arg=first,
        timeout=30_000,
    )
    assert after != first
    assert page.dialogs == []


def test_follow_up_question_uses_the_conversation(page):
    pg = page.page
    _ask(pg, FOUNDERS)
    pg.fill("#pertanyaan textarea", "kalau koperasi sekunder?")
    pg.click("#tombol-tanya")
    pg.wait_for_selector("#chat :text('Dipahami sebagai')", timeout=ANSWER_WAIT_MS)
    understood = pg.locator("#chat em", has_text="Dipahami sebagai").last.inner_text()
    assert "koperasi sekunder" in understood and "mendirikan" in understood, understood


def test_feedback_is_appended_to_the_jsonl(page, server):
    pg = page.page
    _ask(pg, FOUNDERS)
    pg.fill("#fb-komentar textarea", "Jelas dan ada pasalnya")
    pg.click("#fb-baik")
    pg.wait_for_selector("#fb-status:has-text('Terima kasih')", timeout=30_000)
    rows = fb.read_feedback(server.settings.feedback_file)
    assert rows, "no feedback written"
    last = rows[-1]
    assert last["rating"] == "helpful" and last["comment"] == "Jelas dan ada pasalnya"
    assert last["question"] == FOUNDERS and last["citations"] == _card_labels(pg)
    pg.click("#fb-buruk")
    pg.wait_for_function(
        "() => document.querySelector('#fb-komentar textarea').value === ''", timeout=30_000
    )
    time.sleep(0.5)
    assert fb.read_feedback(server.settings.feedback_file)[-1]["rating"] == "not_helpful"


def _choose_document(pg, doc_id: str) -> None:
    pg.click("#f-doc input")
    pg.locator("li[role=option]", has_text=f"({doc_id})").first.click()
    assert f"({doc_id})" in pg.input_value("#f-doc input")


def test_filters_and_empty_question(page):
    pg = page.page
    pg.click("#filter button, #filter .label-wrap")
    _choose_document(pg, "pp-4-1994")
    _ask(pg, "Apa syarat pengesahan akta pendirian koperasi?")
    labels = _card_labels(pg)
    assert labels and all(label.startswith("PP 4/1994") for label in labels), labels

    pg.fill("#pertanyaan textarea", "   ")
    pg.click("#tombol-tanya")
    pg.wait_for_selector("#chat :text('Silakan tuliskan pertanyaan')", timeout=30_000)
    assert "Tidak ada sumber" in pg.locator("#panel-sumber").inner_text()


def test_in_force_filter_hides_and_shows_revoked_provisions(page):
    pg = page.page
    pg.click("#filter button, #filter .label-wrap")
    _choose_document(pg, "pp-17-2013")
    in_force = pg.locator("#f-berlaku input[type=checkbox]")
    assert in_force.is_checked()
    pg.fill("#pertanyaan textarea", "kemitraan usaha besar dengan usaha mikro")
    pg.click("#tombol-tanya")
    pg.wait_for_selector("#panel-sumber :text('Tidak ada sumber')", timeout=ANSWER_WAIT_MS)
    assert pg.locator("#panel-sumber .badge-dicabut").count() == 0

    in_force.uncheck()
    assert not in_force.is_checked()
    pg.fill("#pertanyaan textarea", "kemitraan usaha mikro dan usaha besar")
    pg.click("#tombol-tanya")
    pg.wait_for_selector("#panel-sumber .badge-dicabut", timeout=ANSWER_WAIT_MS)
    badges = pg.locator("#panel-sumber .source-card .badge").all_inner_texts()
    assert badges and {b.lower() for b in badges} == {"dicabut"}, badges
    assert pg.locator("#sumber-1 .status-warning").count() == 1


def test_example_question_and_markdown_download(page):
    pg = page.page
    pg.locator("#chat button", has_text="Pengelola koperasi · Berapa jumlah minimal").first.click()
    pg.wait_for_selector("#sumber-1", timeout=ANSWER_WAIT_MS)
    assert FOUNDERS in pg.locator("#chat").inner_text()
    with pg.expect_download(timeout=30_000) as info:
        pg.click("#unduh")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# {FOUNDERS}\n") and "## Sumber" in text
    assert any(f"] {label}" in text for label in _card_labels(pg))
    pg.click("text=Percakapan baru")
    pg.wait_for_selector(
        "#panel-sumber :text('Sumber jawaban akan tampil di sini')", timeout=30_000
    )
    assert pg.locator("#chat button", has_text="Staf Dekopin").count() > 0


def test_document_markup_is_shown_as_text_not_run(page):
    pg = page.page
    _ask(pg, "Siapa yang mengelola lumbung kelontong desa dan mencatat stok?")
    panel = pg.locator("#panel-sumber")
    text = panel.inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "Lumbung Kelontong <b>Tebal</b>" in text
    assert panel.locator("script, img, b").count() == 0
    assert pg.locator("a[href^='javascript:']").count() == 0
    pg.wait_for_timeout(500)
    assert page.dialogs == []


PLANTED = "192.0.2."  # TEST-NET addresses the fixture document and the question point at


def test_markdown_links_and_remote_images_neither_run_nor_load(browser, server):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    fetched: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        response = page.goto(server.url)
        csp = response.headers["content-security-policy"]
        assert "img-src 'self' data: blob:" in csp
        page.wait_for_selector("#pertanyaan textarea", timeout=60_000)
        # from a document: the quoted ayat holds a Markdown image and a javascript: link
        _ask(page, "Siapa yang mengelola lumbung kelontong desa dan mencatat stok?")
        chat = page.locator("#chat")
        page.wait_for_timeout(500)
        shown = chat.inner_text() + page.locator("#panel-sumber").inner_text()
        assert "192.0.2.1/lacak.png" in shown and "javascript:alert(3)" in shown  # as text
        # from the question itself
        evil = "stok lumbung ![q](http://192.0.2.2/tanya.png) [klik](javascript:alert(4))"
        _ask(page, evil)
        page.wait_for_timeout(800)
        text = chat.inner_text()
        assert "192.0.2.2/tanya.png" in text  # shown as text
        assert page.locator(f"img[src*='{PLANTED}']").count() == 0
        assert page.locator("a[href^='javascript:']").count() == 0
        assert page.locator(f"a[href*='{PLANTED}']").count() == 0
        assert not [u for u in fetched if PLANTED in u], fetched
        assert dialogs == []
    finally:
        page.close()


def test_narrow_mobile_viewport(browser, server):
    p = _open(browser, server, width=390, height=844)
    pg = p.page
    try:
        _ask(pg, FOUNDERS)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"horizontal overflow: {width}px"
        pg.screenshot(path=str(ARTIFACTS / "mobile-answer.png"), full_page=True)
    finally:
        pg.close()


def test_json_and_gradio_apis_on_the_live_server(server):
    data = _api_ask(server, FOUNDERS)
    assert data["citations"] and "[1]" in data["answer"]

    from gradio_client import Client

    client = Client(server.url, verbose=False)
    result = client.predict(FOUNDERS, None, None, api_name="/tanya")
    # one response shape: the same answer, field for field, bar its timing
    assert result.pop("latency_ms") >= 0 and data.pop("latency_ms") >= 0
    assert result == data


def test_start_up_time_is_reported(server):
    assert 0 < server.startup < 120
