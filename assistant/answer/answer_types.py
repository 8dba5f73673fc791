"""What kind of figure a question asks for, and whether a passage states one of that kind."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)*|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas"
    r"|seratus|seribu|\w+\s+(?:belas|puluh|ratus))"
)
_MONTHS = "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"


@dataclass(frozen=True)
class AnswerType:
    """A kind of figure: how a question asks for it, and how a passage states it."""

    name: str
    asked: re.Pattern[str]
    stated: re.Pattern[str]


ANSWER_TYPES = (
    AnswerType(
        "persentase",
        re.compile(r"\bpersen\b|%|\bpersentase\b|\bporsi\b", re.I),
        re.compile(r"\d\s*%|\bpersen\b", re.I),
    ),
    AnswerType(
        "uang",
        re.compile(
            r"\brupiah\b|\brp\b|\bberapa\s+(?:juta|miliar|besar)\b"
            r"|\bberapa\b.*\b(?:biaya|harga|tarif|plafon|plafond|pagu)\b"
            r"|\b(?:biaya|harga|tarif|plafon|plafond|pagu)\b.*\bberapa\b",
            re.I,
        ),
        re.compile(r"\brp\.?\s*\d|\brupiah\b|\d\s*(?:juta|miliar|triliun)\b", re.I),
    ),
    AnswerType(
        "waktu",
        re.compile(
            r"\bberapa\s+(?:hari|bulan|tahun|minggu|lama)\b"
            r"|\b(?:paling\s+(?:telat|lambat|lama)|jangka\s+waktu|batas\s+waktu|kapan)\b",
            re.I,
        ),
        re.compile(
            rf"{_NUMBER}\s*(?:\([^)]*\)\s*)?(?:hari|bulan|tahun|minggu|jam)\b|\btanggal\s+\d"
            rf"|\d{{1,2}}\s+(?:{_MONTHS})|selambat-lambatnya|paling\s+lambat|paling\s+lama"
            r"|\bsebelum\b|\bsetelah\b|\bsejak\b",
            re.I,
        ),
    ),
    AnswerType(
        "jumlah",
        # "berapa <thing>" where the thing is no unit of time, money or share: a count
        re.compile(
            r"\bberapa\s+(?!persen|lama|hari|bulan|tahun|minggu|jam|rupiah|rp|juta|miliar|besar"
            r"|tarif|biaya|nilai)[a-z]+|\bjumlah\b.*\bberapa\b|\bberapa\s*\?",
            re.I,
        ),
        re.compile(rf"\b{_NUMBER}\b", re.I),
    ),
)


def asked_types(question: str) -> tuple[AnswerType, ...]:
    """The kinds of figure a question asks for ("berapa persen" → persentase)."""
    return tuple(t for t in ANSWER_TYPES if t.asked.search(question))


def unstated(question: str, passages: list[str]) -> int:
    """How many of the asked kinds of figure none of the passages states."""
    return sum(not any(t.stated.search(p) for p in passages) for t in asked_types(question))
