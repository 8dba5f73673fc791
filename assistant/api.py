"""The JSON API (`POST /api/ask`) over one shared `Assistant`; the only FastAPI code."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, Field

from .answer.types import Answer
from .retrieval.types import Filters

_BASIC = HTTPBasic(auto_error=False)


class FiltersIn(BaseModel):
    """Optional restrictions, named as in `Filters`."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[str] = Field(default_factory=list)
    jenis: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)
    year_min: int | None = None
    year_max: int | None = None
    in_force_only: bool = False


class Turn(BaseModel):
    """One message of the conversation so far."""

    role: str
    content: str


class AskIn(BaseModel):
    """Body of `POST /api/ask`; history as messages ({role, content}) or [question, answer] pairs."""

    question: str = ""
    filters: FiltersIn | None = None
    history: list[Turn | tuple[str, str]] = Field(default_factory=list)


def filters_from_dict(data: dict | None) -> Filters | None:
    """`Filters` from a JSON mapping (None or {} means no restriction); raises on unknown keys."""
    if not data:
        return None
    f = FiltersIn.model_validate(data)
    return Filters(
        doc_ids=tuple(f.doc_ids),
        jenis=tuple(f.jenis),
        kinds=tuple(f.kinds),
        statuses=tuple(f.statuses),
        year_min=f.year_min,
        year_max=f.year_max,
        in_force_only=f.in_force_only,
    )


def history_pairs(history: list) -> list[tuple[str, str]]:
    """(question, answer) pairs from chat messages ({role, content}) or from pairs already."""
    pairs: list[tuple[str, str]] = []
    for item in history or []:
        if isinstance(item, dict):
            role, content = item.get("role"), str(item.get("content") or "")
            if role == "user":
                pairs.append((content, ""))
            elif role == "assistant" and pairs and not pairs[-1][1]:
                pairs[-1] = (pairs[-1][0], content)
        elif isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((str(item[0] or ""), str(item[1] or "")))
    return pairs


def answer_payload(answer: Answer) -> dict[str, Any]:
    """The JSON returned for one answer."""
    return {
        "answer": answer.text,
        "citations": [s.citation for s in answer.sources],
        "sources": [asdict(s) for s in answer.sources],
        "warnings": list(answer.warnings),
        "refused": answer.refused,
        "related": [asdict(s) for s in answer.related],
        "notice": answer.notice,
        "mode": answer.mode,
        "resolved_question": answer.resolved_question,
    }


def _guard(auth: tuple[str, str] | None):
    """A dependency that demands HTTP Basic credentials when `auth` is set."""

    def check(credentials: Annotated[HTTPBasicCredentials | None, Depends(_BASIC)]) -> None:
        if auth is None:
            return
        ok = credentials is not None and all(
            secrets.compare_digest(given.encode(), wanted.encode())
            for given, wanted in zip((credentials.username, credentials.password), auth)
        )
        if not ok:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Perlu login (nama pengguna dan kata sandi).",
                headers={"WWW-Authenticate": "Basic"},
            )

    return check


def create_api(assistant, auth: tuple[str, str] | None = None) -> FastAPI:
    """A FastAPI app with `/api/ask`, `/api/provision/{doc}/{pasal}` and `/api/stats` over
    `assistant` (HTTP Basic if `auth`)."""
    app = FastAPI(
        title="Asisten Regulasi Koperasi",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        dependencies=[Depends(_guard(auth))],
    )

    @app.post("/api/ask")
    def ask(body: AskIn) -> dict[str, Any]:
        filters = filters_from_dict(body.filters.model_dump()) if body.filters else None
        history = history_pairs(
            [t.model_dump() if isinstance(t, Turn) else t for t in body.history]
        )
        return answer_payload(assistant.ask(body.question, history=history, filters=filters))

    @app.get("/api/provision/{doc_id}/{pasal}")
    def provision(doc_id: str, pasal: str, asli: bool = False) -> dict[str, Any]:
        """One Pasal of an act, consolidated (teks berlaku) unless `asli`, as in `show`."""
        from .provisions import ProvisionNotFound, from_index

        try:
            return from_index(assistant.index, doc_id, asli=asli, pasal=pasal).to_dict()
        except ProvisionNotFound as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None

    @app.get("/api/stats")
    def stats() -> dict[str, Any]:
        return {**assistant.stats(), "mode": assistant.mode}

    return app
