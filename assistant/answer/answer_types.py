"""What kind of answer a question asks for, and where a passage states one of that kind (pure).

Kinds: a percentage, an amount of money, a time (deadline or duration), a count ("berapa
orang" needs a number of *orang*), who decides, and yes/no. The first four are figures: a
passage that states none of the kind asked does not answer the question; all of them let the
answer open with the sentence that states it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)*|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas"
    r"|seratus|seribu|sejuta|\w+\s+(?:belas|puluh|ratus|ribu|juta))"
)
_SPELLED = r"(?:\s*\([^)]{1,40}\))?"  # "9 (sembilan)"
_MONTHS = "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
_TIME_UNITS = r"(?:hari|bulan|tahun|minggu|pekan|jam)"
_MONEY_WORDS = (
    r"rupiah|rp|juta|miliar|biaya|harga|tarif|plafon|plafond|pagu|honor|gaji|upah|iuran|denda"
    r"|modal|dana|nilai|besar|besaran|limit|setoran|imbalan|nominal"
)
# "berapa <thing>" where the thing is no unit of time, money or share: a count of that thing
_COUNT = re.compile(
    r"\bberapa\s+(?:banyak\s+|jumlah\s+)?(?!persen|lama|lamanya|kali\b|"
    + _TIME_UNITS
    + r"|"
    + _MONEY_WORDS
    + r")(?P<noun>[a-z]+)",
    re.I,
)
_NOUN_SKIP = frozenset("yang sih ya saja aja sebenarnya sekarang minimal maksimal".split())


@dataclass(frozen=True)
class AnswerType:
    """A kind of answer: its name and how a passage states it."""

    name: str
    stated: re.Pattern[str]
    figure: bool = True  # a percentage, amount, time or count (checked for by the decision)


PERCENT = AnswerType("persentase", re.compile(r"\d\s*%|\d\s*(?:\([^)]*\)\s*)?persen\b", re.I))
MONEY = AnswerType(
    "uang",
    re.compile(r"\brp\.?\s*\d|\d[\d.,]*\s*(?:\([^)]*\)\s*)?(?:rupiah|juta|miliar|triliun)\b", re.I),
)
TIME = AnswerType(
    "waktu",
    re.compile(
        rf"{_NUMBER}{_SPELLED}\s*{_TIME_UNITS}\b|\btanggal\s+\d|\d{{1,2}}\s+(?:{_MONTHS})"
        rf"|selambat-lambatnya|paling\s+lambat|paling\s+lama|sekali\s+(?:dalam\s+)?(?:setahun|1)"
        r"|setiap\s+(?:tahun|bulan)|pada\s+saat",
        re.I,
    ),
)
WHO = AnswerType(
    "siapa",
    re.compile(
        r"\b(?:rapat\s+anggota|pengurus|pengawas|menteri|bupati|wali\s*kota|gubernur|kepala"
        r"\s+desa|lurah|camat|notaris|pemerintah|direktur\s+jenderal|dinas|bank|lpdb|dekopin)\b",
        re.I,
    ),
    figure=False,
)
YES_NO = AnswerType(
    "ya_tidak",
    re.compile(r"\b(?:wajib|dapat|boleh|dilarang|tidak\s+dapat|tidak\s+boleh|harus|hanya)\b", re.I),
    figure=False,
)

_ASKS_PERCENT = re.compile(r"\bpersen\b|%|\bpersentase\b|\bporsi\b", re.I)
_ASKS_MONEY = re.compile(
    rf"\brupiah\b|\brp\b|\bberapa\s+(?:{_MONEY_WORDS})\b|\b(?:{_MONEY_WORDS})\b[^.?]*\bberapa\b",
    re.I,
)
_ASKS_TIME = re.compile(
    rf"\bberapa\s+(?:lama|{_TIME_UNITS})\b|\b(?:paling\s+(?:telat|lambat|lama)|jangka\s+waktu"
    r"|batas\s+waktu|tenggat|kapan|kapankah|tenor)\b",
    re.I,
)
_ASKS_WHO = re.compile(r"\bsiapa(?:kah)?\b|\boleh\s+siapa\b", re.I)
# A yes/no question opens with a question word or a modal ("Apakah …", "Boleh nggak …",
# "Wajibkah …") or ends with a tag ("…, nggak?", "… atau tidak?", "…, benar?").
_MODAL = r"(?:boleh|bisa|dapat|wajib|harus|perlu|sah|masih|sudah|cukup)"
_ASKS_YES_NO = re.compile(
    rf"^(?:apakah|apa(?:kah)?\s+{_MODAL}|bolehkah|bisakah|haruskah|wajibkah|perlukah"
    rf"|{_MODAL}\s+(?:nggak|gak|enggak|ga|tidak|gitu)\b)\b"
    r"|\b(?:nggak|gak|enggak|ga|tidak|bukan|kan|benar|betul|bener)\s*\?",
    re.I,
)


def _count_type(question: str) -> AnswerType | None:
    for m in _COUNT.finditer(question):
        noun = m.group("noun").lower()
        if noun in _NOUN_SKIP:
            continue
        pattern = rf"{_NUMBER}{_SPELLED}\s*(?:\w+\s+){{0,2}}{re.escape(noun[:5])}\w*"
        return AnswerType("jumlah", re.compile(pattern, re.I))
    return None


def asked_types(question: str) -> tuple[AnswerType, ...]:
    """The kinds of answer a question asks for ("berapa persen" → persentase), figures first."""
    out = [
        t
        for t, asks in ((PERCENT, _ASKS_PERCENT), (MONEY, _ASKS_MONEY), (TIME, _ASKS_TIME))
        if asks.search(question)
    ]
    count = _count_type(question)
    if count is not None and not out:
        out.append(count)
    if _ASKS_WHO.search(question):
        out.append(WHO)
    if not out and any(
        _ASKS_YES_NO.search(s.strip()) for s in re.split(r"(?<=[?.!])\s+", question)
    ):
        out.append(YES_NO)
    return tuple(out)


def unstated(question: str, passages: list[str]) -> int:
    """How many of the kinds of figure asked none of the passages states."""
    return sum(
        not any(t.stated.search(p) for p in passages) for t in asked_types(question) if t.figure
    )
