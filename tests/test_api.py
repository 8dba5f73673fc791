"""`POST /api/ask` over the real Assistant on a small real index (real embedder, real Chroma); the one
response schema (`AnswerOut`) shared with the CLI's --json and Gradio's `/tanya`; a schemathesis run."""

from __future__ import annotations

import json

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from ui_index import small_index  # noqa: F401  (fixture)

from assistant import cli
from assistant import feedback as fb
from assistant.answer.followup import pairs
from assistant.answer.schema import AnswerOut
from assistant.api import create_api, filters_from_dict
from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.retrieval.types import Filters
from assistant.ui import _Handlers

pytestmark = pytest.mark.slow

FOUNDERS = "Berapa jumlah minimal orang untuk mendirikan koperasi primer?"


@pytest.fixture(scope="module")
def assistant(small_index, real_embedder) -> Assistant:  # noqa: F811
    return Assistant.from_settings(small_index, embedder=real_embedder)


@pytest.fixture(scope="module")
def app(assistant):
    return create_api(assistant)


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    return TestClient(app)


def ask(client: TestClient, **body) -> dict:
    resp = client.post("/api/ask", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_answer_cites_the_founders_provision(client):
    data = ask(client, question=FOUNDERS)
    assert set(data) >= {
        "answer",
        "citations",
        "sources",
        "warnings",
        "refused",
        "related",
        "notice",
    }
    assert not data["refused"]
    assert any(c.startswith("UU 25/1992 Pasal 6") for c in data["citations"]), data["citations"]
    assert "[1]" in data["answer"]
    first = data["sources"][0]
    assert first["marker"] == 1 and first["citation"] == data["citations"][0]
    assert first["text"] and first["status"] in {"berlaku", "diubah"}
    assert "20" in " ".join(s["text"] for s in data["sources"])


def test_document_filter_restricts_sources(client):
    question = "pengesahan akta pendirian koperasi"
    data = ask(client, question=question, filters={"doc_ids": ["pp-4-1994"]})
    assert data["sources"]
    assert {s["doc_id"] for s in data["sources"]} == {"pp-4-1994"}


def test_in_force_filter_drops_the_revoked_act(client):
    question = "kemitraan usaha mikro dan usaha besar"
    only_revoked = {"doc_ids": ["pp-17-2013"]}
    loose = ask(client, question=question, filters=only_revoked)
    assert loose["sources"] and {s["status"] for s in loose["sources"]} == {"dicabut"}
    assert loose["warnings"]
    strict = ask(client, question=question, filters={**only_revoked, "in_force_only": True})
    assert not strict["sources"] and not strict["related"]


@pytest.mark.parametrize("question", ["", "   \n ", "koperasi " * 300])
def test_empty_or_too_long_question_gets_a_friendly_answer(client, question):
    data = ask(client, question=question)
    assert data["sources"] == [] and data["citations"] == []
    assert "pertanyaan" in data["answer"].lower()


def test_follow_up_uses_the_history(client):
    first = ask(client, question=FOUNDERS)
    follow_up = "kalau koperasi sekunder?"
    bare = ask(client, question=follow_up)
    assert "mendirikan" not in bare["resolved_question"]
    messages = [
        {"role": "user", "content": FOUNDERS},
        {"role": "assistant", "content": first["answer"]},
    ]
    follow = ask(client, question=follow_up, history=messages)
    assert "mendirikan" in follow["resolved_question"], follow["resolved_question"]
    assert follow["citations"] and follow["citations"] != bare["citations"]
    as_pairs = ask(client, question=follow_up, history=[[FOUNDERS, first["answer"]]])
    assert as_pairs["citations"] == follow["citations"]


def test_bad_request_bodies_are_rejected(client):
    assert (
        client.post("/api/ask", json={"question": "x", "filters": {"bogus": 1}}).status_code == 422
    )
    assert client.post("/api/ask", json={"question": ["not", "text"]}).status_code == 422


def test_stats_endpoint(client):
    data = client.get("/api/stats").json()
    assert data["documents"] == 4 and data["chunks"] > 50
    assert data["mode"] == "ekstraktif"
    assert data["by_document"]["uu-25-1992"]["pasal"] > 60


def test_filters_and_history_parsing():
    assert filters_from_dict(None) is None and filters_from_dict({}) is None
    assert filters_from_dict({"kinds": ["program"], "in_force_only": True}) == Filters(
        kinds=("program",), in_force_only=True
    )
    with pytest.raises(ValueError):
        filters_from_dict({"doc_id": "typo"})
    msgs = [
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": "b"},
        {"role": "system", "content": "x"},
        {"role": "user", "content": "c"},
    ]
    assert pairs(msgs) == [("a", "b"), ("c", "")]
    assert pairs([["q", "r"]]) == [("q", "r")]
    assert pairs([{"role": "user", "content": 5}, ["q"], 7, {"x": 1}]) == [("q", "")]


def test_feedback_records_append_as_json_lines(tmp_path):
    from assistant.answer.types import Answer

    answer = Answer(question="q?", text="jawab [1]")
    path = tmp_path / "sub" / "feedback.jsonl"
    fb.append_feedback(path, fb.feedback_record(answer, "helpful", "  bagus  "))
    fb.append_feedback(path, fb.feedback_record(answer, "not_helpful"))
    rows = fb.read_feedback(path)
    assert [r["rating"] for r in rows] == ["helpful", "not_helpful"]
    assert rows[0]["comment"] == "bagus" and rows[0]["question"] == "q?" and rows[0]["time"]
    with pytest.raises(ValueError):
        fb.feedback_record(answer, "meh")


def test_login_protects_the_json_api_and_the_ui(assistant):
    from assistant.config import Settings
    from assistant.ui import build_app

    settings = Settings(auth_user="dekopin", auth_password="rahasia")
    client = TestClient(build_app(assistant, settings))
    assert client.post("/api/ask", json={"question": FOUNDERS}).status_code == 401
    wrong = client.post("/api/ask", json={"question": FOUNDERS}, auth=("dekopin", "salah"))
    assert wrong.status_code == 401
    ok = client.post("/api/ask", json={"question": FOUNDERS}, auth=("dekopin", "rahasia"))
    assert ok.status_code == 200 and ok.json()["citations"]
    assert client.get("/config").status_code == 401
    assert client.post("/login", data={"username": "dekopin", "password": "rahasia"}).json() == {
        "success": True
    }
    assert client.get("/config").status_code == 200


def test_without_login_everything_is_open(assistant):
    from assistant.config import Settings
    from assistant.ui import build_app

    client = TestClient(build_app(assistant, Settings()))
    assert client.get("/config").status_code == 200
    assert client.get("/api/stats").json()["documents"] == 4


def _untimed(data: dict) -> dict:
    assert data.pop("latency_ms") >= 0
    return data


def test_api_tanya_and_cli_return_the_same_answer_shape(
    app,
    assistant,
    small_index,  # noqa: F811
    monkeypatch,
    capsys,
    tmp_path,
):
    api = TestClient(app).post("/api/ask", json={"question": FOUNDERS}).json()
    tanya = _Handlers(assistant, Settings(data_dir=tmp_path)).tanya(FOUNDERS)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(small_index.data_dir))
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE", str(small_index.model_cache))
    assert cli.main(["ask", FOUNDERS, "--json"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    model = AnswerOut.model_validate(api)
    assert _untimed(api) == _untimed(tanya) == _untimed(from_cli)
    assert model.outcome == "jawaban" and model.citations[0].startswith("UU 25/1992 Pasal 6")
    assert model.retrieved and model.sources[0].marker == 1


def test_openapi_documents_the_response_model(app):
    spec = TestClient(app).get("/api/openapi.json").json()
    ok = spec["paths"]["/api/ask"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/AnswerOut")
    fields = spec["components"]["schemas"]["AnswerOut"]["properties"]
    assert {"answer", "outcome", "citations", "sources", "warnings", "retrieved"} <= set(fields)
    assert set(spec["components"]["schemas"]["Outcome"]["enum"]) == {
        "jawaban",
        "kurang_yakin",
        "tidak_ditemukan",
    }


def test_schemathesis_finds_no_server_error_on_ask(app):
    operation = schemathesis.openapi.from_asgi("/api/openapi.json", app)["/api/ask"]["POST"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    def check(case):
        # every generated body gets a 2xx or 4xx that matches the spec, never a 500
        case.call_and_validate()

    check()
