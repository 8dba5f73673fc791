"""One response schema (`AnswerOut`) for the CLI's --json, `POST /api/ask` and Gradio's `/tanya`,
and a schemathesis run against `/api/ask` (real embedder, real Chroma, small index)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from ui_index import small_index  # noqa: F401  (fixture)

from assistant import cli
from assistant.answer.schema import AnswerOut
from assistant.api import create_api
from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.ui import _Handlers

pytestmark = pytest.mark.slow

FOUNDERS = "Berapa jumlah minimal orang untuk mendirikan koperasi primer?"


@pytest.fixture(scope="module")
def assistant(small_index, real_embedder) -> Assistant:  # noqa: F811
    return Assistant.from_settings(small_index, embedder=real_embedder)


@pytest.fixture(scope="module")
def app(assistant):
    return create_api(assistant)


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
