"""The login: every route behind it, clear errors for half a login or a public app without one,
failed logins limited. Real FastAPI + Gradio app over a small real index (fake embedder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from assistant.api import create_api
from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.login import OPEN_PATHS, OPEN_PREFIXES
from assistant.security import FailedLogins, check_exposure, is_loopback
from assistant.ui import build_app

ROOT = Path(__file__).resolve().parents[1]
LOGIN = ("dekopin", "rahasia")
STREAMING = ("heartbeat", "queue/data", "dev/reload", "/stream")  # would not return when allowed
UI_ONLY = "Berapa jumlah minimal orang"  # an example question: only the real page shows it


def routes(app, prefix=""):
    """(path, method) of every route of the app, mounted sub-apps and included routers too."""
    for r in app.routes if hasattr(app, "routes") else app:
        if isinstance(r, Mount):
            yield from routes(r.routes, prefix + r.path)
        elif hasattr(r, "original_router"):  # FastAPI's included router
            yield from routes(r.original_router.routes, prefix + r.include_context.prefix)
        else:
            for method in sorted(getattr(r, "methods", None) or {"GET"}):
                if method != "HEAD":
                    yield prefix + r.path, method


def concrete(path: str) -> str:
    out = path
    for name in ("path:path", "path_or_url:path", "url_path:path"):
        out = out.replace("{" + name + "}", "x.txt")
    while "{" in out:
        start = out.index("{")
        out = out[:start] + "x" + out[out.index("}", start) + 1 :]
    return out


@pytest.fixture
def login_settings(demo_assistant):
    return Settings(
        data_dir=demo_assistant.settings.data_dir,
        model="embed-demo",
        auth_user=LOGIN[0],
        auth_password=LOGIN[1],
    )


@pytest.fixture
def app(demo_assistant, login_settings):
    return build_app(demo_assistant, login_settings)


def test_every_route_needs_the_login(app):
    client = TestClient(app, raise_server_exceptions=False)
    seen = list(dict.fromkeys(routes(app)))
    paths = {p for p, _ in seen}
    # the routes the issue names are among those enumerated
    assert {
        "/api/ask",
        "/api/docs",
        "/api/openapi.json",
        "/config",
        "/gradio_api/queue/join",
        "/gradio_api/info",
        "/gradio_api/file={path_or_url:path}",
    } <= paths
    assert len(seen) > 60
    open_routes = []
    for path, method in seen:
        url = concrete(path)
        if url in OPEN_PATHS or url.startswith(OPEN_PREFIXES):
            open_routes.append(url)
            continue
        resp = client.request(method, url)
        assert resp.status_code in (401, 403), (method, path, resp.status_code, resp.text[:200])
        assert UI_ONLY not in resp.text
    # the login page's own routes give nothing of the app away
    for url in ("/", "/config", "/gradio_api/login_check"):
        resp = client.get(url)
        assert UI_ONLY not in resp.text and "perdes" not in resp.text.lower(), url
    assert client.get("/config").status_code == 401
    assert {"/", "/login", "/theme.css"} <= set(open_routes)


def test_with_credentials_the_routes_open(app):
    client = TestClient(app, raise_server_exceptions=False)
    for url in ("/api/docs", "/api/openapi.json", "/api/stats"):  # HTTP Basic: the JSON API
        assert client.get(url).status_code == 401, url
        assert client.get(url, auth=LOGIN).status_code == 200, url
    assert client.get("/gradio_api/info", auth=LOGIN).status_code == 401  # the UI: its own login
    assert client.get("/redoc", auth=LOGIN).status_code != 200  # only one docs page
    wrong = client.get("/api/stats", auth=(LOGIN[0], "salah"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")


def test_a_ui_login_session_opens_the_app_and_logout_closes_it(app):
    client = TestClient(app)
    assert client.get("/gradio_api/info").status_code == 401
    resp = client.post("/login", data={"username": LOGIN[0], "password": LOGIN[1]})
    assert resp.json() == {"success": True}
    assert client.get("/gradio_api/info").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
    assert UI_ONLY in client.get("/").text
    client.get("/logout")
    client.cookies.clear()
    assert client.get("/gradio_api/info").status_code == 401


def test_failed_logins_are_limited_per_client(app, login_settings):
    client = TestClient(app)
    for _ in range(login_settings.login_max_failures):
        assert client.get("/api/stats", auth=("x", "y")).status_code == 401
    locked = client.get("/api/stats", auth=LOGIN)  # even the right password waits now
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "Terlalu banyak" in locked.json()["detail"]
    form = client.post("/login", data={"username": LOGIN[0], "password": LOGIN[1]})
    assert form.status_code == 429


def test_failed_ui_logins_count_and_the_lock_expires(demo_assistant):
    now = [1000.0]
    limiter = FailedLogins(3, 60.0, clock=lambda: now[0])

    client = TestClient(create_api(demo_assistant, LOGIN, failed_logins=limiter))
    for _ in range(3):
        assert client.get("/api/stats", auth=("dekopin", "tebakan")).status_code == 401
    assert client.get("/api/stats", auth=LOGIN).status_code == 429
    now[0] += 61
    assert client.get("/api/stats", auth=LOGIN).status_code == 200
    assert limiter.retry_after("testclient") == 0


def test_gradio_login_form_failures_are_counted(app):
    client = TestClient(app)
    for _ in range(10):
        resp = client.post("/login", data={"username": LOGIN[0], "password": "salah"})
        assert resp.status_code == 400
    assert (
        client.post("/login", data={"username": LOGIN[0], "password": LOGIN[1]}).status_code == 429
    )


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"ASSISTANT_AUTH_USER": "a"}, "ASSISTANT_AUTH_PASSWORD"),
        ({"ASSISTANT_AUTH_PASSWORD": "b"}, "ASSISTANT_AUTH_USER"),
    ],
)
def test_half_a_login_is_an_error(env, missing):
    with pytest.raises(ConfigError, match=missing):
        Settings.from_env(env)
    assert Settings.from_env({"ASSISTANT_AUTH_USER": "a", "ASSISTANT_AUTH_PASSWORD": "b"}).login


def test_public_exposure_without_login_is_refused_unless_allowed():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("kantor.local")
    assert check_exposure(Settings()) == []
    for risky in (Settings(share=True), Settings(host="0.0.0.0")):
        with pytest.raises(ConfigError, match="ASSISTANT_ALLOW_PUBLIC"):
            check_exposure(risky)
        allowed = check_exposure(Settings(share=risky.share, host=risky.host, allow_public=True))
        assert allowed and all(w.startswith("PERINGATAN") for w in allowed)
        logged_in = Settings(share=risky.share, host=risky.host, auth_user="a", auth_password="b")
        assert check_exposure(logged_in) == []


def _app_py(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env",
    [{"ASSISTANT_SHARE": "true"}, {"ASSISTANT_HOST": "0.0.0.0"}, {"ASSISTANT_AUTH_USER": "admin"}],
)
def test_app_refuses_to_start_with_a_clear_message(env, tmp_path):
    done = _app_py({"ASSISTANT_DATA_DIR": str(tmp_path), **env})
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr
    assert "ASSISTANT_" in done.stderr


def test_every_response_carries_the_content_security_policy(app):
    client = TestClient(app)
    for resp in (client.get("/"), client.get("/api/stats"), client.get("/theme.css")):
        csp = resp.headers["content-security-policy"]
        assert "img-src 'self' data: blob:" in csp and "default-src 'self'" in csp
        assert resp.headers["referrer-policy"] == "no-referrer"
