"""Input bounds: question length after follow-up handling, history size, body size, odd characters."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_api
from assistant.limits import (
    MAX_HISTORY_ITEMS,
    MAX_QUESTION_CHARS,
    MAX_TURN_CHARS,
    bound_history,
    clean_text,
    cut,
)

QUESTION = "Berapa jumlah minimal anggota untuk mendirikan koperasi primer?"


def test_clean_text_strips_controls_and_lone_surrogates_keeps_newlines():
    assert clean_text("a\x00b\x1bc\x7f\x85d\ud800e\udfff") == "abcde"
    assert clean_text("satu\r\ndua\rtiga\tempat") == "satu\ndua\ntiga\tempat"
    assert clean_text(None) == "" and clean_text(12) == "12"
    assert clean_text("koperasi 🇮🇩 é") == "koperasi 🇮🇩 é"


def test_bound_history_keeps_recent_turns_and_blanks_oversized_questions():
    history = [(f"q{i}", "a" * 50_000) for i in range(500)] + [("x" * 300_000, "b")]
    bounded = bound_history(history)
    assert len(bounded) == 10 and bounded[-1] == ("", "b")
    assert bounded[0][0] == "q491"
    assert all(len(a) <= 8000 for _, a in bounded)


def test_cut_prefers_a_word_boundary():
    assert cut("koperasi " * 400) == ("koperasi " * 400)[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
    assert len(cut("x" * 5000)) == MAX_QUESTION_CHARS
    assert cut("pendek") == "pendek"


def test_huge_previous_turn_is_not_appended_to_a_follow_up(demo_assistant):
    big = "koperasi primer anggota modal " * 35_000  # ~1 MB, once took 270 s
    answer = demo_assistant.ask("kalau sekunder?", history=[(big, "jawaban")])
    assert answer.resolved_question == ""  # empty: the question was taken as it is


def test_question_limit_holds_after_the_follow_up_is_resolved(demo_assistant):
    words = " ".join(f"kata{i}" for i in range(300))  # 300 distinct content words, < 2000 chars
    previous = f"koperasi {words}"[:MAX_QUESTION_CHARS]
    question = "kalau " + "x" * (MAX_QUESTION_CHARS - 10)
    answer = demo_assistant.ask(question, history=[(previous, "")])
    assert len(answer.resolved_question) <= MAX_QUESTION_CHARS


def test_history_as_messages_and_odd_values_do_not_fail(demo_assistant):
    history = [{"role": "user", "content": None}, {"role": "user"}, ["a"], [1, 2], "x", None]
    answer = demo_assistant.ask("syarat pendirian koperasi", history=history)
    assert answer.sources and answer.resolved_question == ""


@pytest.fixture
def client(demo_assistant, settings):
    return TestClient(create_api(demo_assistant), raise_server_exceptions=False)


def _post(client, raw: str, **kw):
    return client.post(
        "/api/ask", content=raw.encode(), headers={"Content-Type": "application/json"}, **kw
    )


def test_lone_surrogate_and_control_characters_get_an_answer_not_a_500(client):
    resp = _post(client, '{"question": "syarat \\ud800pendirian\\u0000 koperasi\\udfff"}')
    assert resp.status_code == 200, resp.text
    assert "\ufffd" not in resp.text and resp.json()["sources"]
    history = '[{"role": "user", "content": "\\udc80koperasi"}]'
    resp = _post(client, '{"question": "kalau \\ud83d?", "history": ' + history + "}")
    assert resp.status_code == 200, resp.text
    filters = '{"doc_ids": ["\\ud800x"]}'
    resp = _post(client, '{"question": "koperasi", "filters": ' + filters + "}")
    assert resp.status_code == 200, resp.text
    resp = _post(client, '{"question": "koperasi", "filters": {"\\udc80": 1}}')
    assert resp.status_code == 422 and resp.json()["detail"][0]["loc"] == ["body", "filters"]


def test_tanya_handler_cleans_and_bounds_its_input(demo_assistant, settings):
    from assistant.ui import _Handlers

    h = _Handlers(demo_assistant, settings)
    big = [{"role": "user", "content": "koperasi primer " * 70_000}] * 3
    data = h.tanya("kalau \ud800sekunder?\x00", {"bogus": 1}, big)
    assert data["resolved_question"] == "" and json.dumps(data, ensure_ascii=False).encode()
    out = h.respond("syarat \udc80pendirian", [], [], [], "", [], False)
    assert out[1][0]["content"] == "syarat pendirian"


def test_history_with_too_many_turns_or_too_long_messages_is_rejected(client):
    many = [{"role": "user", "content": "a"}] * (MAX_HISTORY_ITEMS + 1)
    resp = client.post("/api/ask", json={"question": "kalau sekunder?", "history": many})
    assert resp.status_code == 422 and "history" in resp.text
    long = [{"role": "user", "content": "a" * (MAX_TURN_CHARS + 1)}]
    assert client.post("/api/ask", json={"question": "x", "history": long}).status_code == 422
    pairs = [["a" * (MAX_TURN_CHARS + 1), "b"]]
    assert client.post("/api/ask", json={"question": "x", "history": pairs}).status_code == 422


def test_request_body_over_the_limit_gets_413(demo_assistant):
    from dataclasses import replace

    small = replace(demo_assistant.settings, max_request_bytes=10_000)
    client = TestClient(create_api(demo_assistant, max_body=small.max_request_bytes))
    body = json.dumps({"question": "koperasi", "history": [["x" * 15_000, ""]]})
    resp = _post(client, body)
    assert resp.status_code == 413 and "terlalu besar" in resp.json()["detail"]

    def chunks():  # no Content-Length: counted while read
        yield body[:6000].encode()
        yield body[6000:].encode()

    resp = client.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert _post(client, json.dumps({"question": "koperasi"})).status_code == 200
