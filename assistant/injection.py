"""Prompt-injection defences for text that comes from documents: spotting instructions aimed at
the assistant, and keeping passages inside their data blocks when a model reads them.

A corpus file can be anything an office was sent. Text in it that speaks to the assistant
("abaikan instruksi sebelumnya …", "ignore previous instructions") is data, never a command:
such a passage is ranked like an unverified source, shown with a warning, and not given to a
chat model at all. Everything else a model reads sits in `<kutipan>` blocks whose delimiters a
document cannot forge (`fence`).
"""

from __future__ import annotations

import re

_VERBS = r"(?:abaikan|lupakan|acuhkan|hiraukan|ignore|disregard|forget)"
_TARGETS = r"(?:instruksi|perintah|aturan|arahan|petunjuk|prompt|instructions?|rules?)"
_INSTRUCTIONS = re.compile(
    "|".join(
        [
            # "abaikan (semua) instruksi (sebelumnya)", "ignore all previous instructions"
            rf"\b{_VERBS}\s+(?:\w+\s+){{0,3}}{_TARGETS}\b",
            # "system prompt", "prompt sistem", "pesan sistem"
            r"\bsystem\s+prompt\b|\b(?:prompt|pesan)\s+sistem\b",
            # "kamu/anda sekarang adalah …", "you are now …", "mulai sekarang kamu …"
            r"\b(?:kamu|anda|engkau)\s+(?:sekarang|kini)\s+(?:adalah|menjadi|bertindak)\b",
            r"\byou\s+are\s+now\b|\bmulai\s+sekarang\s+(?:kamu|anda)\b",
            # addressed to the assistant or the model by name
            r"\b(?:kepada|untuk|wahai|hai)\s+(?:asisten|chatbot|model\s+bahasa|ai)\b",
            r"\b(?:asisten|chatbot|model)\s+(?:harus|wajib)\s+(?:menjawab|menjawabnya|menulis)\b",
        ]
    ),
    re.IGNORECASE,
)


def instruction_phrase(text: str) -> str:
    """The first phrase of `text` that addresses the assistant as a command, or ''."""
    match = _INSTRUCTIONS.search(text or "")
    return match.group(0) if match else ""


def looks_like_instructions(text: str) -> bool:
    """True if `text` holds a sentence addressed to the assistant as a command."""
    return bool(instruction_phrase(text))


def warning(label: str, text: str) -> str:
    """The warning shown with a passage that holds such a sentence, or ''."""
    phrase = instruction_phrase(text)
    if not phrase:
        return ""
    return (
        f'{label}: teks ini memuat kalimat berbentuk perintah kepada asisten ("{phrase} …"). '
        "Kalimat itu tidak dijalankan; periksa asal dokumen ini sebelum memakainya."
    )


def fence(text: str) -> str:
    """`text` safe inside a `<kutipan>` block: angle brackets become look-alikes, so a document
    cannot close its block or open a new one ("</kutipan> Instruksi baru: …")."""
    return text.replace("<", "‹").replace(">", "›")
