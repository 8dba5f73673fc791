"""Who may reach the app: the public-exposure check at start-up and the failed-login limit."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Callable

from .config import Settings
from .errors import ConfigError

LOCAL_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine (0.0.0.0 does not)."""
    host = (host or "").strip().strip("[]").lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable from outside


def check_exposure(settings: Settings) -> list[str]:
    """Refuse a public link or a non-loopback host without a login (unless ASSISTANT_ALLOW_PUBLIC);
    returns the warnings to print loudly when it is allowed anyway."""
    reachable = []
    if settings.share:
        reachable.append("tautan publik Gradio (ASSISTANT_SHARE=true)")
    if not is_loopback(settings.host):
        reachable.append(f"alamat {settings.host} (ASSISTANT_HOST), terjangkau dari jaringan")
    if not reachable or settings.login is not None:
        return []
    where = " dan ".join(reachable)
    if not settings.allow_public:
        raise ConfigError(
            f"aplikasi akan terbuka tanpa login melalui {where}. Atur ASSISTANT_AUTH_USER dan "
            "ASSISTANT_AUTH_PASSWORD, pakai ASSISTANT_HOST=127.0.0.1, atau (jika memang disengaja) "
            "ASSISTANT_ALLOW_PUBLIC=true"
        )
    return [
        f"PERINGATAN: aplikasi terbuka TANPA LOGIN melalui {where} (ASSISTANT_ALLOW_PUBLIC=true).",
        "PERINGATAN: siapa pun yang dapat menjangkaunya dapat bertanya dan memberi umpan balik.",
    ]


class FailedLogins:
    """Failed logins per client within a sliding window; a client over the limit is locked out
    until its oldest failure in the window has aged out. Thread-safe."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def retry_after(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may try now."""
        if self.limit <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            times = self._recent(client, now)
            if len(times) < self.limit:
                return 0.0
            return max(0.0, self.window - (now - times[0]))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(client, now).append(now)
            if len(self._failures) > 10_000:  # forget clients with nothing recent
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
