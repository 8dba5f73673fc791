"""A whole act or one Pasal read back from the index: consolidated (teks berlaku) by default,
or as first enacted (teks asli); as Markdown (`python -m assistant show`) or JSON (the API)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .errors import AssistantError
from .legal.consolidate import pasal_key
from .legal.types import PART_BODY, PART_CURRENT

_AYAT_RANGE = re.compile(r" ayat \([^)]*\)(?:–\([^)]*\))?")
_TEKS = {True: "teks berlaku", False: "teks asli"}


class ProvisionNotFound(AssistantError):
    """The act or Pasal asked for is not in the index."""


@dataclass(frozen=True)
class PasalView:
    """One Pasal as shown: the text in the chosen version, and where it comes from."""

    pasal: str
    label: str  # "Pasal 6"
    citation: str  # "UU 25/1992 Pasal 6, sebagaimana diubah UU 11/2020 Pasal 86 angka 1, ..."
    text: str  # from the "Pasal N" heading on
    status: str
    history: str  # "Riwayat: 1992 teks asli · 2020 diubah ..." ("" if never changed)
    consolidated: bool  # the text is the consolidated wording
    original: str  # the text as first enacted, when it differs ("" otherwise)
    path: str  # "BAB IV PEMBENTUKAN > Bagian Pertama Syarat Pembentukan"
    penjelasan: str
    chunk_ids: tuple[str, ...]


@dataclass(frozen=True)
class ActView:
    """An act, or one of its Pasal, in one version."""

    doc_id: str
    name: str  # "UU 25/1992"
    judul: str
    teks: str  # "teks berlaku" or "teks asli"
    pasal: tuple[PasalView, ...]

    def to_dict(self) -> dict:
        return asdict(self)

    def to_markdown(self) -> str:
        """The act as Markdown: BAB/Bagian headings, each Pasal with its citation and history."""
        lines = [f"# {self.name} {self.judul}".rstrip() + f" ({self.teks})", ""]
        path: list[str] = []
        for p in self.pasal:
            parts = [x for x in p.path.split(" > ") if x]
            for depth, heading in enumerate(parts):
                if depth >= len(path) or path[depth] != heading:
                    lines += [f"{'#' * (depth + 2)} {heading}", ""]
            path = parts
            lines += [f"{'#' * (len(parts) + 2)} {p.label}", "", f"*{p.citation}*"]
            if p.history:
                lines.append(f"*{p.history}*")
            lines += ["", p.text.split("\n", 1)[1] if "\n" in p.text else p.text, ""]
        return "\n".join(lines).rstrip() + "\n"


def _from_heading(text: str, pasal: str) -> str:
    m = re.search(rf"(?m)^[ \t]*Pasal[ \t]+{re.escape(pasal)}\b", text)
    return (text[m.start() :] if m else text).strip()


def _group(records, part: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in sorted(records, key=lambda r: r.meta.get("order", 0)):
        m = r.meta
        if m.get("part") == part and m.get("pasal") and not m.get("term"):
            out.setdefault(str(m["pasal"]).upper(), []).append(r)
    return out


def _view(pasal: str, recs: list, original: list | None, consolidated: bool) -> PasalView:
    first = recs[0].meta
    text = _from_heading("".join(r.text for r in recs), pasal)
    old = _from_heading("".join(r.text for r in original), pasal) if original else ""
    return PasalView(
        pasal=pasal,
        label=str(first.get("label") or f"Pasal {pasal}"),
        citation=_AYAT_RANGE.sub("", str(first.get("citation", "")), count=1),
        text=text,
        status=str(first.get("status", "")),
        history=str(
            first.get("history", "") or (original[0].meta.get("history", "") if original else "")
        ),
        consolidated=consolidated,
        original=old if consolidated else "",
        path=str(first.get("path", "")),
        penjelasan=str(first.get("penjelasan", "")),
        chunk_ids=tuple(r.id for r in recs),
    )


def act_view(records, doc_id: str, *, asli: bool = False, pasal: str | None = None) -> ActView:
    """The act `doc_id` from its index records (id, text, meta), consolidated unless `asli`;
    only Pasal `pasal` when given. Raises ProvisionNotFound for an unknown act or Pasal."""
    records = [r for r in records if r.meta.get("doc_id") == doc_id]
    if not records:
        raise ProvisionNotFound(f"dokumen '{doc_id}' tidak ada dalam indeks")
    original = _group(records, PART_BODY)
    current = {} if asli else _group(records, PART_CURRENT)
    numbers = sorted(set(original) | set(current), key=pasal_key)
    if pasal is not None:
        key = re.sub(r"^\s*pasal\s*", "", pasal, flags=re.I).replace(" ", "").upper()
        if key not in numbers:
            raise ProvisionNotFound(f"Pasal {key} tidak ada dalam '{doc_id}'")
        numbers = [key]
    views = tuple(
        _view(n, current[n], original.get(n), True)
        if n in current
        else _view(n, original[n], None, False)
        for n in numbers
    )
    m = records[0].meta
    name = str(m.get("citation", "")).removesuffix(" " + str(m.get("label", "")))
    if views:
        name = views[0].citation.split(f" {views[0].label}")[0]
    judul = str(m.get("judul", ""))
    at = judul.lower().find("tentang ")
    return ActView(doc_id, name, judul[at:] if at >= 0 else judul, _TEKS[not asli], views)


def from_index(index, doc_id: str, *, asli: bool = False, pasal: str | None = None) -> ActView:
    """`act_view` over the chunks the index holds for `doc_id`."""
    return act_view(index.records({"doc_id": doc_id}), doc_id, asli=asli, pasal=pasal)


def _record(index, chunk_id: str):
    found = index.get([chunk_id])
    return found[0] if found else None


def counterpart(index, chunk_id: str, *, asli: bool) -> str:
    """The chunk to show for `chunk_id` in the chosen version: the consolidated wording of an
    amended Pasal (or, with `asli`, the original of a consolidated one); else chunk_id itself."""
    rec = _record(index, chunk_id)
    if rec is None or not rec.meta.get("pasal") or rec.meta.get("term"):
        return chunk_id
    part = rec.meta.get("part")
    if part not in (PART_BODY, PART_CURRENT) or (part == PART_CURRENT) == (not asli):
        return chunk_id
    want = PART_BODY if asli else PART_CURRENT
    where = {"$and": [{"doc_id": rec.meta["doc_id"]}, {"part": want}]}
    pasal = str(rec.meta["pasal"]).upper()
    same = [
        r
        for r in index.records(where)
        if str(r.meta.get("pasal", "")).upper() == pasal and not r.meta.get("term")
    ]
    return min(same, key=lambda r: r.meta.get("order", 0)).id if same else chunk_id


def step_in_act(index, chunk_id: str, step: int) -> str | None:
    """In a consolidated act, the first chunk of the next (step=+1) or previous (-1) Pasal as
    the consolidated act reads (44 → 44A → 45); "" at either end; None when the chunk is no
    Pasal of the main text of a consolidated act (then plain document order applies)."""
    rec = _record(index, chunk_id)
    if rec is None or rec.meta.get("part") not in (PART_BODY, PART_CURRENT):
        return None
    pasal = str(rec.meta.get("pasal", "")).upper()
    if not pasal or rec.meta.get("term"):
        return None
    view = from_index(index, rec.meta["doc_id"])
    numbers = [p.pasal for p in view.pasal]
    if pasal not in numbers or not any(p.consolidated for p in view.pasal):
        return None
    at = numbers.index(pasal) + (1 if step > 0 else -1)
    return view.pasal[at].chunk_ids[0] if 0 <= at < len(numbers) else ""
