"""The login gate: ASGI middleware in front of the whole app (JSON API, its docs, Gradio).

With a login set, a request passes only with valid HTTP Basic credentials or a session cookie that
the UI's login created; the login page itself and the files it needs stay open. Failed logins
(wrong Basic credentials, a refused `POST /login`) are counted per client and answered with 429
once over the limit.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie

from .security import FailedLogins

# What the login page needs before anyone is logged in (Gradio answers /config with its own 401,
# which is how its page knows to show the login form).
OPEN_PATHS = frozenset(
    {
        "/",
        "/login",
        "/login/",
        "/logout",
        "/config",
        "/config/",
        "/favicon.ico",
        "/theme.css",
        "/robots.txt",
        "/manifest.json",
        "/gradio_api/theme.css",
        "/gradio_api/login_check",
        "/gradio_api/login_check/",
    }
)
OPEN_PREFIXES = ("/assets/", "/static/", "/svelte/")
UNAUTHORIZED = "Perlu login (nama pengguna dan kata sandi)."
TOO_MANY = "Terlalu banyak percobaan login yang gagal. Coba lagi dalam {s} detik."


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(user, password) from an `Authorization: Basic …` header, None when it is not one."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def matches(given: tuple[str, str] | None, wanted: tuple[str, str]) -> bool:
    """Constant-time comparison of both user and password."""
    if given is None:
        return False
    results = [
        secrets.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))
        for a, b in zip(given, wanted)
    ]
    return all(results)


class LoginGate:
    """ASGI middleware; `auth` None lets everything through."""

    def __init__(
        self,
        app,
        auth: tuple[str, str] | None,
        failed_logins: FailedLogins,
        has_session: Callable[[dict[str, str]], bool] | None = None,
    ):
        self.app = app
        self.auth = auth
        self.failed = failed_logins
        self.has_session = has_session

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or self.auth is None:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = (scope.get("client") or ("?", 0))[0]
        path = scope.get("path", "")
        authorization = headers.get("authorization", "")
        login_post = scope.get("method") == "POST" and path.rstrip("/") == "/login"
        if authorization or login_post:
            wait = self.failed.retry_after(client)
            if wait:
                return await _respond(scope, send, 429, TOO_MANY.format(s=int(wait) + 1), wait)
        if authorization:
            if matches(basic_credentials(authorization), self.auth):
                self.failed.succeeded(client)
                return await self.app(scope, receive, send)
            self.failed.failed(client)
            return await _respond(scope, send, 401, UNAUTHORIZED)
        if login_post:
            return await self.app(scope, receive, self._watch_login(client, send))
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or self._session(headers):
            return await self.app(scope, receive, send)
        return await _respond(scope, send, 401, UNAUTHORIZED)

    def _session(self, headers: dict[str, str]) -> bool:
        if self.has_session is None or not headers.get("cookie"):
            return False
        jar = SimpleCookie()
        try:
            jar.load(headers["cookie"])
        except Exception:  # a malformed cookie header is no session
            return False
        return bool(self.has_session({k: m.value for k, m in jar.items()}))

    def _watch_login(self, client: str, send):
        async def watching_send(message):
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    self.failed.succeeded(client)
                else:
                    self.failed.failed(client)
            await send(message)

        return watching_send


async def _respond(scope, send, status: int, detail: str, retry_after: float = 0) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if status == 401:
        headers.append((b"www-authenticate", b'Basic realm="Asisten Regulasi Koperasi"'))
    if retry_after:
        headers.append((b"retry-after", b"%d" % (int(retry_after) + 1)))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
