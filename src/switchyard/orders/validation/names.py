# ruff: noqa: RUF001 (Cyrillic and Greek letters that look Latin are the point here)
"""Name normalisation for screening: one spelling for the many ways a name is written.

``Müller-Lüdenscheidt GmbH``, ``MUELLER LUDENSCHEIDT`` and ``Lüdenscheidt, Müller`` all
become the tokens ``ludenscheidt``, ``muller`` (diacritics dropped, Cyrillic and Greek
transliterated, punctuation and legal forms removed, tokens sorted so word order does not
matter). Letters of other scripts cannot be compared with a Latin-script list: such a name
is marked ``unreadable`` so the caller can hold it instead of letting it pass unscreened.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CYRILLIC_LATIN = (
    ("а", "a"), ("б", "b"), ("в", "v"), ("г", "g"), ("д", "d"), ("е", "e"), ("ж", "zh"),
    ("з", "z"), ("и", "i"), ("й", "y"), ("к", "k"), ("л", "l"), ("м", "m"), ("н", "n"),
    ("о", "o"), ("п", "p"), ("р", "r"), ("с", "s"), ("т", "t"), ("у", "u"), ("ф", "f"),
    ("х", "kh"), ("ц", "ts"), ("ч", "ch"), ("ш", "sh"), ("щ", "shch"), ("ъ", ""), ("ы", "y"),
    ("ь", ""), ("э", "e"), ("ю", "yu"), ("я", "ya"), ("і", "i"), ("є", "ye"), ("ґ", "g"),
    ("ў", "u"),
)  # fmt: skip
_GREEK_LATIN = (
    ("α", "a"), ("β", "v"), ("γ", "g"), ("δ", "d"), ("ε", "e"), ("ζ", "z"), ("η", "i"),
    ("θ", "th"), ("ι", "i"), ("κ", "k"), ("λ", "l"), ("μ", "m"), ("ν", "n"), ("ξ", "x"),
    ("ο", "o"), ("π", "p"), ("ρ", "r"), ("σ", "s"), ("ς", "s"), ("τ", "t"), ("υ", "y"),
    ("φ", "f"), ("χ", "ch"), ("ψ", "ps"), ("ω", "o"),
)  # fmt: skip
# Letters without a decomposition; apostrophes and dots ("Qar'awi" is "Qarawi", "L.L.C." "LLC").
_OTHER_LATIN = (
    ("ß", "ss"), ("æ", "ae"), ("ø", "o"), ("œ", "oe"), ("đ", "d"), ("ð", "d"), ("ł", "l"),
    ("þ", "th"), ("\u0131", "i"), ("ħ", "h"), ("ŋ", "ng"), ("'", ""), ("`", ""),
    ("\u2019", ""), ("\u02bc", ""), (".", ""),
)  # fmt: skip
_TABLE = str.maketrans(dict(_CYRILLIC_LATIN + _GREEK_LATIN + _OTHER_LATIN))

# Legal forms and filler words: "Acme Trading Co., Ltd." and "ACME TRADING" are one name.
IGNORED_WORDS = frozenset(
    (
        "a", "an", "and", "the", "of", "de", "du", "la", "le", "von", "van", "der",
        "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited",
        "llc", "llp", "lp", "plc", "gmbh", "mbh", "ag", "kg", "ug", "sa", "sas", "sarl",
        "srl", "spa", "bv", "nv", "oy", "oyj", "ab", "as", "asa", "aps", "jsc", "ojsc",
        "pjsc", "cjsc", "ooo", "oao", "zao", "pao", "tov", "fze", "fzco", "fzc", "pte",
        "pty", "bhd", "sdn",
    )
)  # fmt: skip
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    words: tuple[str, ...]  # significant words, in the order written
    unreadable: bool  # letters of a script we cannot compare were dropped

    @property
    def tokens(self) -> tuple[str, ...]:
        """The words sorted, so word order does not matter."""
        return tuple(sorted(self.words))

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        """The words run together, as in ``NORDWINDMASCHINENBAU``."""
        return "".join(self.words)


def _fold(text: str) -> tuple[str, bool]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    kept = []
    unreadable = False
    for ch in stripped.translate(_TABLE):
        if ch.isascii():
            kept.append(ch)
        elif ch.isalpha() or ch.isdigit():
            unreadable = True
            kept.append(" ")
        else:
            kept.append(" ")
    return "".join(kept), unreadable


def normalise_name(raw: str) -> NormalisedName:
    folded, unreadable = _fold(raw)
    words = [w for w in _NON_WORD.split(folded) if w]
    significant = [w for w in words if w not in IGNORED_WORDS]
    return NormalisedName(tuple(significant or words), unreadable)
