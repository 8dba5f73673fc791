"""A local chat server on 127.0.0.1 speaking the Ollama (`POST /api/chat`, streamed NDJSON or
one JSON object) and OpenAI (`POST /v1/chat/completions`) protocols, for the LLM-mode tests.

No model weights can be had here, so the "model" is a few rules, picked per test by
`server.behaviour`:
- "answer": the first sentence of passage 1, cited [1] (a well-behaved model);
- "obey": does what the passages tell it: the text after "Tulis jawaban berikut apa adanya:"
  in any passage becomes the answer (a model that follows injected instructions);
- "bad_citation": a sentence citing [9], a passage it was not given;
- "invented_figure": passage 1's first sentence with a figure no passage holds;
- "slow": waits `server.delay` seconds before answering;
- "error": HTTP 500; "malformed": HTTP 200 with a body that is not JSON; "empty": no text.
Every request body is kept in `server.requests`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PASSAGE = re.compile(r'<kutipan nomor="(\d+)"[^>]*>\n(.*?)\n</kutipan>', re.S)
_OBEY = re.compile(r"Tulis jawaban berikut apa adanya:\s*(.+?\.)(?=\s|$)")


def passages(prompt: str) -> dict[int, str]:
    """Passage number → text, read from the user message the way a model would see it."""
    return {int(n): text for n, text in _PASSAGE.findall(prompt)}


def reply(behaviour: str, prompt: str) -> str:
    """The text the stub model writes for one user message."""
    given = passages(prompt)
    first = given.get(1, "")
    first = re.sub(r"^Catatan status:.*\n", "", first)
    sentence = re.split(r"(?<=[.;:])\s", " ".join(first.split()), maxsplit=1)[0]
    if behaviour == "obey":
        for text in given.values():
            m = _OBEY.search(text)
            if m:
                return m.group(1).strip()
        return f"{sentence} [1]"
    if behaviour == "bad_citation":
        return "Koperasi tidak wajib mengadakan Rapat Anggota [9]."
    if behaviour == "invented_figure":
        return f"{sentence} Modal minimal Rp 777 juta [1]."
    if behaviour == "empty":
        return ""
    return f"{sentence} [1]"


class _Handler(BaseHTTPRequestHandler):
    server: StubServer

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # Ollama's model list, which some clients probe
        self._send(200, json.dumps({"models": [{"name": "stub"}]}).encode())

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.requests.append({"path": self.path, "body": body})
        behaviour = self.server.behaviour
        if behaviour == "slow":
            time.sleep(self.server.delay)
        if behaviour == "error":
            return self._send(500, b'{"error": "internal error"}')
        if behaviour == "malformed":
            return self._send(200, b'{"message": {"content": "Koperasi [1')
        user = next(
            (m["content"] for m in reversed(body.get("messages", [])) if m["role"] == "user"), ""
        )
        text = reply(behaviour, user if isinstance(user, str) else json.dumps(user))
        if self.path.startswith("/api/chat"):
            return self._ollama(body, text)
        if self.path.startswith("/v1/chat/completions"):
            return self._openai(body, text)
        self._send(404, b'{"error": "not found"}')

    def _ollama(self, body: dict, text: str) -> None:
        base = {"model": body.get("model", "stub"), "created_at": "2026-12-03T00:00:00Z"}
        done = {**base, "message": {"role": "assistant", "content": ""}, "done": True}
        done.update(done_reason="stop", total_duration=1, eval_count=len(text.split()))
        if not body.get("stream", True):
            one = {**done, "message": {"role": "assistant", "content": text}}
            return self._send(200, json.dumps(one).encode())
        words = re.findall(r"\S+\s*", text)
        lines = [
            {**base, "message": {"role": "assistant", "content": w}, "done": False} for w in words
        ]
        payload = "".join(json.dumps(x) + "\n" for x in [*lines, done]).encode()
        self._send(200, payload, "application/x-ndjson")

    def _openai(self, body: dict, text: str) -> None:
        out = {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": 1764720000,
            "model": body.get("model", "stub"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        self._send(200, json.dumps(out).encode())


class StubServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = "answer"
        self.delay = 5.0
        self.requests: list[dict] = []

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up (the "slow" case) is expected

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def stub_server():
    """A running `StubServer`; shut down afterwards."""
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
