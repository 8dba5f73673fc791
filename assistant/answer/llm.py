"""The only chat-model code: building a model from settings and asking it with numbered passages."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from ..injection import fence
from ..retrieval.types import Hit
from .sources import warning_text

MODES = ("extractive", "ollama", "openai", "llamacpp")
PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
PASSAGE_CHARS = 1500  # passage text given to the model, per passage
MAX_TOKENS = 512


class GenerationError(Exception):
    """The model failed, timed out or returned nothing."""


@cache
def prompt(name: str) -> str:
    """A prompt template from assistant/answer/prompts/<name>.txt."""
    return (PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8")


def mode_label(settings: Settings) -> str:
    """How answers are made, for the footer: "ekstraktif" or "LLM: ollama/model"."""
    if settings.answer_mode == "extractive":
        return "ekstraktif"
    return f"LLM: {settings.answer_mode}/{settings.llm_model}"


def chat_model(settings: Settings):
    """The chat model named by settings.answer_mode (None for extractive); imports lazily."""
    mode = settings.answer_mode
    if mode not in MODES:
        raise ConfigError(
            f"ASSISTANT_ANSWER_MODE={mode!r} tidak dikenal; pilihan: {', '.join(MODES)}"
        )
    if mode == "extractive":
        return None
    if not settings.llm_model:
        raise ConfigError(f"ASSISTANT_ANSWER_MODE={mode} memerlukan ASSISTANT_LLM_MODEL")
    if mode == "ollama":
        ChatOllama = _import("langchain_ollama", "ChatOllama", "langchain-ollama")
        kwargs = {"base_url": settings.llm_base_url} if settings.llm_base_url else {}
        return ChatOllama(
            model=settings.llm_model,
            temperature=0,
            num_predict=MAX_TOKENS,
            client_kwargs={"timeout": settings.llm_timeout},
            **kwargs,
        )
    if mode == "openai":
        ChatOpenAI = _import("langchain_openai", "ChatOpenAI", "langchain-openai")
        kwargs = {"base_url": settings.llm_base_url} if settings.llm_base_url else {}
        # local OpenAI-compatible servers accept any key; the client insists on one
        key = settings.llm_api_key or ("tidak-perlu" if settings.llm_base_url else "")
        if not key:
            raise ConfigError("ASSISTANT_ANSWER_MODE=openai memerlukan ASSISTANT_LLM_API_KEY")
        return ChatOpenAI(
            model=settings.llm_model,
            api_key=key,
            temperature=0,
            timeout=settings.llm_timeout,
            max_retries=1,
            max_tokens=MAX_TOKENS,
            **kwargs,
        )
    LlamaCpp = _import(
        "langchain_community.llms", "LlamaCpp", "langchain-community llama-cpp-python"
    )
    if not Path(settings.llm_model).is_file():
        raise ConfigError(f"ASSISTANT_LLM_MODEL={settings.llm_model!r}: berkas GGUF tidak ada")
    try:
        return LlamaCpp(
            model_path=settings.llm_model, temperature=0, max_tokens=MAX_TOKENS, n_ctx=4096
        )
    except Exception as exc:  # llama-cpp-python missing or the model file unreadable
        raise ConfigError(f"llamacpp: {exc}") from None


def _import(module: str, name: str, packages: str):
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        raise ConfigError(
            f"mode jawaban ini memerlukan paket tambahan: pip install {packages}"
        ) from None


def _attribute(value: object) -> str:
    return fence(" ".join(str(value).split())).replace('"', "'")


def format_passages(hits: Sequence[Hit]) -> str:
    """The numbered passages [1]..[n] given to the model, each in a `<kutipan>` data block with
    its status note; a passage cannot close its block (`injection.fence`)."""
    template = prompt("passage")
    blocks = []
    for n, hit in enumerate(hits, start=1):
        note = warning_text(hit.meta)
        text = " ".join(hit.text.split())
        if len(text) > PASSAGE_CHARS:
            text = text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
        blocks.append(
            template.format(
                n=n,
                citation=_attribute(hit.meta.get("citation") or hit.id),
                status=_attribute(hit.meta.get("status") or "berlaku"),
                note=f"Catatan status: {fence(note)}\n" if note else "",
                text=fence(text),
            ).strip()
        )
    return "\n\n".join(blocks)


def _template():
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages(
        [("system", prompt("system").strip()), ("human", prompt("answer"))]
    )


def inputs(question: str, hits: Sequence[Hit]) -> dict[str, str]:
    """The prompt's variables for one question: the passages as data blocks, the question."""
    return {"passages": format_passages(hits), "question": fence(question.strip())}


def chain(model):
    """The answer chain: prompt template | chat model (or LLM) | text."""
    from langchain_core.output_parsers import StrOutputParser

    return _template() | model | StrOutputParser()


def messages(question: str, hits: Sequence[Hit]) -> list:
    """The system and user messages the model receives for one question."""
    return _template().format_messages(**inputs(question, hits))


def generate(model, variables: dict[str, str]) -> str:
    """The model's answer text for the prompt `variables` (`inputs`); GenerationError if it
    fails or says nothing. How long the model may take is the client's own timeout
    (`ASSISTANT_LLM_TIMEOUT`, see `chat_model`)."""
    try:
        text = chain(model).invoke(variables)
    except Exception as exc:
        raise GenerationError(f"model gagal: {type(exc).__name__}: {exc}") from None
    if not isinstance(text, str) or not text.strip():
        raise GenerationError("model mengembalikan jawaban kosong")
    return text.strip()
