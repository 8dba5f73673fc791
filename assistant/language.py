"""Indonesian words: normalising, stopwords, the one stemmer, chat spellings and typos.

The only Sastrawi code. Retrieval (keyword tokens) and answering (which words of a question a
passage states) both match words through `stem`, so a word is reduced the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")

# Function words with no legal meaning, chat fillers, and the salutations of letters and
# messages ("Assalamualaikum", "Dengan hormat", "mohon pencerahan", "terima kasih").
# Deliberately absent: tidak, paling, sedikit, kurang, lebih, wajib, dapat, harus, boleh,
# dilarang, belum, sudah, hanya, selain, kecuali, setiap.
STOPWORDS = frozenset(
    """
    yang dan di ke dari itu ini untuk dengan pada dalam adalah atau oleh sebagai akan juga
    para nya pun lah kah tah sih dong kok ya yah deh kan nah apa apakah bagaimana gimana
    berapa siapa kapan mana mengapa kenapa saja aja kami kita saya aku kamu anda mereka
    dia ia beliau kalau jika bila apabila maka agar supaya bahwa sama tersebut tsb
    nggak gak ngga enggak ga bisa biar udah tuh nih mau mohon tolong bapak ibu pak bu
    menurut tentang soal terkait hal seperti yaitu yakni antara lain dll dsb dst
    sebagaimana dimaksud serta beberapa cuma doang gitu begitu begini
    bener benar bilang katanya ternyata emang kayak kayaknya sebenarnya sih
    assalamualaikum assalamu alaikum waalaikumsalam wr wb warahmatullahi wabarakatuh
    selamat pagi siang sore malam halo hai salam hormat makasih trims
    pencerahan penjelasannya info bantuannya perhatiannya demikian kiranya berkenan
    """.split()
)

# How people spell common words in chat and on a phone → the standard word. A general list of
# Indonesian SMS/WhatsApp spellings, not tied to any question.
CHAT_SPELLINGS = {
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "u/": "untuk",
    "tdk": "tidak",
    "tak": "tidak",
    # the spoken negation is mostly a question tag ("Boleh nggak?", "Sah gak?"): one form,
    # a stopword, so that it does not search for "tidak"
    "gk": "nggak",
    "ga": "nggak",
    "gak": "nggak",
    "ngga": "nggak",
    "enggak": "nggak",
    "brp": "berapa",
    "brapa": "berapa",
    "gmn": "bagaimana",
    "gmna": "bagaimana",
    "bgmn": "bagaimana",
    "gimana": "bagaimana",
    "sy": "saya",
    "sya": "saya",
    "klo": "kalau",
    "kalo": "kalau",
    "kl": "kalau",
    "krn": "karena",
    "karna": "karena",
    "blm": "belum",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "bs": "bisa",
    "bsa": "bisa",
    "hrs": "harus",
    "msh": "masih",
    "jd": "jadi",
    "jdi": "jadi",
    "org": "orang",
    "orng": "orang",
    "thn": "tahun",
    "th": "tahun",
    "bln": "bulan",
    "hr": "hari",
    "mgg": "minggu",
    "tgl": "tanggal",
    "dr": "dari",
    "pd": "pada",
    "dlm": "dalam",
    "sbg": "sebagai",
    "spt": "seperti",
    "kpd": "kepada",
    "ttg": "tentang",
    "trs": "terus",
    "jg": "juga",
    "bkn": "bukan",
    "lg": "lagi",
    "tp": "tapi",
    "sm": "sama",
    "knp": "kenapa",
    "mgkn": "mungkin",
    "sblm": "sebelum",
    "stlh": "setelah",
    "sampe": "sampai",
    "smp": "sampai",
    "bgt": "banget",
    "aja": "saja",
    "emg": "memang",
    "pengen": "ingin",
    "pgn": "ingin",
    "mnrt": "menurut",
    "tsb": "tersebut",
    "dll": "dan lain-lain",
    "skrg": "sekarang",
    "skr": "sekarang",
    "kmrn": "kemarin",
    "dpt": "dapat",
    "bbrp": "beberapa",
    "sbb": "sebagai berikut",
    "mhn": "mohon",
    "trims": "terima kasih",
    "makasih": "terima kasih",
    "bpk": "bapak",
    "ibu2": "ibu",
    "min": "minimal",
    "maks": "maksimal",
    "max": "maksimal",
    "kop": "koperasi",
    "angg": "anggota",
    "pengrs": "pengurus",
    "pgrs": "pengurus",
    # more of the common phone spellings (question words, particles, frequent verbs)
    "kpn": "kapan",
    "kpan": "kapan",
    "dmn": "di mana",
    "gmana": "bagaimana",
    "mksd": "maksud",
    "apaan": "apa",
    "tuh": "itu",
    "gitu": "begitu",
    "gt": "begitu",
    "aj": "saja",
    "sj": "saja",
    "krg": "kurang",
    "lbh": "lebih",
    "blh": "boleh",
    "bole": "boleh",
    "ato": "atau",
    "atw": "atau",
    "sbnrnya": "sebenarnya",
    "bnyk": "banyak",
    "byk": "banyak",
    "jgn": "jangan",
    "tlg": "tolong",
    "bnr": "benar",
    "bener": "benar",
    "pny": "punya",
    "kyk": "seperti",
    "kayak": "seperti",
    "pake": "pakai",
    "pke": "pakai",
    "emang": "memang",
}

# Sastrawi dictionary entries that swallow common legal words: "pengesahan" is "sah" (not
# "kesah"), "perpajakan" "pajak" (not "paja"), "disepakati" "sepakat" (not "pakat").
FALSE_ROOTS = frozenset(
    "kesah paja maja erti gera perban bas nali rang pupu pakat keduduk upa".split()
)

MIN_STEM = 4  # shorter words are left alone


def normalise(text: str) -> str:
    """Lowercase, fold Unicode compatibility forms and collapse whitespace."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def words(text: str) -> list[str]:
    """The alphanumeric words of a text, lowercased."""
    return _WORD.findall(normalise(text))


@cache
def _sastrawi():
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    roots = [w for w in StemmerFactory().get_words() if w not in FALSE_ROOTS]
    return Stemmer(ArrayDictionary(roots)), frozenset(roots)


def is_root(word: str) -> bool:
    """True if the word is in the stemmer's dictionary of Indonesian roots."""
    return word in _sastrawi()[1]


def _colloquial(word: str) -> list[str]:
    """Standard forms a colloquial word may stand for: "-in" for "-kan/-i" ("beresin"), and
    nasal forms without me- ("nanggung" → tanggung, "motong" → potong, "nyusun" → susun)."""
    bases = [word[:-2]] if word.endswith("in") and len(word) > 5 else []
    out: list[str] = list(bases)
    for base in [word, *bases]:
        if base.startswith("nge") and len(base) > 5 and base[3] not in "aeiou":
            out.append(base[3:])
        elif base.startswith("ny") and len(base) > 4 and base[2] in "aeiou":
            out += ["s" + base[2:], "c" + base[2:]]
        elif base.startswith("ng") and len(base) > 4 and base[2] in "aeiou":
            out += [base[2:], "k" + base[2:]]
        elif base[:1] == "n" and len(base) > 4 and base[1] in "aeiou":
            out.append("t" + base[1:])
        elif base[:1] == "m" and len(base) > 4 and base[1] in "aeiou":
            out.append("p" + base[1:])
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The root of one lowercased word ("pembubaran" → "bubar", "nanggung" → "tanggung")."""
    if len(word) < MIN_STEM or not word.isalpha() or is_root(word):
        return word
    stemmer = _sastrawi()[0]
    root = stemmer.stem(word)
    if root != word and not word.endswith("in"):
        return root
    for form in _colloquial(word):
        candidate = form if is_root(form) else stemmer.stem(form)
        if is_root(candidate):
            return candidate
    return root


def spell_chat(text: str) -> str:
    """The text with chat and phone spellings written out ("brp org yg hrs" → "berapa orang
    yang harus"); case and everything else are kept."""

    def swap(m: re.Match) -> str:
        return CHAT_SPELLINGS.get(m.group(0).lower(), m.group(0))

    return _CHAT.sub(swap, text)


_CHAT = re.compile(
    r"(?<![\w/])(?:"
    + "|".join(re.escape(k) for k in sorted(CHAT_SPELLINGS, key=len)[::-1])
    + r")(?![\w/])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Speller:
    """Corrects typing errors against the words of the corpus ("koperais" → "koperasi").

    A word is corrected only when neither the corpus nor the root dictionary knows it, to the
    most frequent corpus word one deletion apart on either side (which covers one missing,
    extra, swapped or mistyped letter). A word that reduces to a dictionary root the corpus
    does not use ("ancaman") is a real word, unless a frequent corpus word is that close.
    """

    counts: dict  # corpus word → occurrences
    roots: frozenset[str]  # the roots of the corpus words
    deletes: dict  # deletion variant → (occurrences, the most frequent corpus word it comes from)
    frequent: int = 20  # occurrences that make a near corpus word outweigh a dictionary root

    @classmethod
    def of(cls, texts: Iterable[str], min_length: int = 4) -> Speller:
        counts: dict[str, int] = {}
        for text in texts:
            for w in words(text):
                if w.isalpha():
                    counts[w] = counts.get(w, 0) + 1
        deletes: dict[str, tuple[int, str]] = {}
        for w, n in counts.items():
            if len(w) < min_length:
                continue
            for variant in _deletions(w):
                if n > deletes.get(variant, (0, ""))[0]:
                    deletes[variant] = (n, w)
        roots = frozenset(stem(w) for w in counts if len(w) >= MIN_STEM)
        return cls(counts, roots, deletes)

    def correct(self, word: str) -> str:
        """The corpus word meant by an unknown word, or the word itself."""
        if (
            len(word) < 5
            or not word.isalpha()
            or word in self.counts
            or word in STOPWORDS
            or word in CHAT_SPELLINGS
            or is_root(word)
            or stem(word) in self.roots
        ):
            return word
        found: list[tuple[int, str]] = []
        for variant in (word, *_deletions(word)):
            if variant in self.deletes:
                found.append(self.deletes[variant])
            if variant != word and variant in self.counts and len(variant) >= 4:
                found.append((self.counts[variant], variant))
        if not found:
            return word
        n, best = max(found)
        if is_root(stem(word)) and n < self.frequent:
            return word  # "ancaman" is a word, not a typo of the rare "tanaman"
        return best

    def text(self, text: str) -> str:
        """The text with every unknown word corrected (case of the rest kept)."""
        return _WORD_CASED.sub(lambda m: self._cased(m.group(0)), text)

    def _cased(self, word: str) -> str:
        fixed = self.correct(word.lower())
        return word if fixed == word.lower() else fixed


_WORD_CASED = re.compile(r"[A-Za-z]+")


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
