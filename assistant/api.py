"""The JSON API (`POST /api/ask`) over one shared `Assistant`; the only FastAPI code."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from .answer.schema import AnswerOut
from .limits import MAX_HISTORY_ITEMS, MAX_TURN_CHARS, clean_text
from .login import LoginGate
from .retrieval.types import Filters
from .security import FailedLogins


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


# every string a client sends: control characters and lone surrogates removed before validation
Text = Annotated[str, BeforeValidator(_clean)]
TurnText = Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=MAX_TURN_CHARS)]


class FiltersIn(BaseModel):
    """Optional restrictions, named as in `Filters`."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[Text] = Field(default_factory=list, max_length=200)
    jenis: list[Text] = Field(default_factory=list, max_length=50)
    kinds: list[Text] = Field(default_factory=list, max_length=10)
    statuses: list[Text] = Field(default_factory=list, max_length=10)
    year_min: int | None = None
    year_max: int | None = None
    in_force_only: bool = False


class Turn(BaseModel):
    """One message of the conversation so far."""

    role: Text
    content: TurnText


class AskIn(BaseModel):
    """Body of `POST /api/ask`; history as messages ({role, content}) or [question, answer] pairs,
    at most `MAX_HISTORY_ITEMS` of them, each at most `MAX_TURN_CHARS` characters."""

    question: Text = ""
    filters: FiltersIn | None = None
    history: list[Turn | tuple[TurnText, TurnText]] = Field(
        default_factory=list, max_length=MAX_HISTORY_ITEMS
    )


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


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413, whether announced by its
    Content-Length or found while it is read (chunked); covers every route, Gradio's too."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.max_bytes <= 0:
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_bytes:
            return await self._reject(send)
        seen = 0
        started = over = False

        async def counting_receive():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def guarded_send(message):
            nonlocal started
            if over:  # the app's own answer to the cut body (a 400 or 500) is replaced
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass
        if over and not started:
            await self._reject(send)

    async def _reject(self, send) -> None:
        body = json.dumps(
            {"detail": f"Permintaan terlalu besar (batas {self.max_bytes} byte)."}
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _invalid_request(request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each wrong field; the client's input is not echoed (it may not be encodable)."""
    errors = [
        {
            "loc": [clean_text(str(part)) for part in e.get("loc", ())],
            "msg": clean_text(e.get("msg", "")),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


# Scripts, styles, images and connections from this app only: a remote image in a document or
# an answer is not fetched (no tracking, no Referer), and no page may frame the app. Gradio's
# HTML component evaluates its templates with `new Function`, hence 'unsafe-eval'.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; frame-ancestors 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
# FastAPI's Swagger page loads its script and style from a CDN: allowed on that page alone
DOCS_CSP = CSP.replace(
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' https://cdn.jsdelivr.net",
).replace(
    "style-src 'self' 'unsafe-inline'", "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
)


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every response (Gradio's too)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        docs = scope.get("path") == "/api/docs"

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k, DOCS_CSP.encode() if docs and k == b"content-security-policy" else v)
                    for k, v in SECURITY_HEADERS
                    if k not in have
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_api(
    assistant,
    auth: tuple[str, str] | None = None,
    *,
    max_body: int = 2_000_000,
    failed_logins: FailedLogins | None = None,
    has_session=None,
) -> FastAPI:
    """A FastAPI app with `/api/ask`, `/api/provision/{doc}/{pasal}` and `/api/stats` over
    `assistant`, refusing request bodies
    over `max_body` bytes. With `auth`, every route (this app's and whatever is mounted on it
    later) needs HTTP Basic credentials or a session `has_session(cookies)` accepts."""
    app = FastAPI(
        title="Asisten Regulasi Koperasi",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.add_middleware(
        LoginGate,
        auth=auth,
        failed_logins=failed_logins or FailedLogins(10, 300.0),
        has_session=has_session,
    )
    app.add_middleware(SecurityHeaders)  # added last: outermost, on the gate's 401 too
    app.add_exception_handler(RequestValidationError, _invalid_request)

    @app.post("/api/ask", response_model=AnswerOut)
    def ask(body: AskIn) -> dict[str, Any]:
        """Answer one question; `history` carries the conversation so far for follow-ups."""
        filters = filters_from_dict(body.filters.model_dump()) if body.filters else None
        history = [t.model_dump() if isinstance(t, Turn) else t for t in body.history]
        return assistant.ask(body.question, history=history, filters=filters).to_json()

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
