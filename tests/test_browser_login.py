"""The real app with a login, in headless Chromium: the login page works through the login gate,
and the app answers once logged in."""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS
from ui_index import (
    run_app,
    small_index,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOGIN = ("dekopin", "rahasia")


@pytest.fixture(scope="module")
def server(small_index, model_cache):  # noqa: F811
    login = {"ASSISTANT_AUTH_USER": LOGIN[0], "ASSISTANT_AUTH_PASSWORD": LOGIN[1]}
    with run_app(small_index, model_cache, login) as app:
        yield app.url


def test_login_page_then_the_app_answers(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        try:
            page.goto(server)
            page.wait_for_selector("input[type=password]", timeout=60_000)
            assert page.locator("#pertanyaan").count() == 0  # nothing of the app before login
            page.locator("input[type=text], input:not([type])").first.fill(LOGIN[0])
            page.fill("input[type=password]", "salah")
            page.locator("button", has_text="Login").first.click()
            page.wait_for_timeout(1500)
            assert page.locator("#pertanyaan").count() == 0  # a wrong password stays out
            page.goto(server)  # a fresh form
            page.wait_for_selector("input[type=password]", timeout=60_000)
            page.locator("input[type=text], input:not([type])").first.fill(LOGIN[0])
            page.fill("input[type=password]", LOGIN[1])
            page.locator("button", has_text="Login").first.click()
            page.wait_for_selector("#pertanyaan textarea", timeout=60_000)
            page.fill("#pertanyaan textarea", "Apa syarat pengesahan akta pendirian koperasi?")
            page.click("#tombol-tanya")
            page.wait_for_selector("#sumber-1", timeout=90_000)
            api = page.request.get(server + "api/stats")  # the page's session opens the API too
            assert api.status == 200 and api.json()["documents"] == 4
        finally:
            browser.close()
