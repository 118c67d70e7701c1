"""Arabic-aware text folding for search.

People type the same Arabic word in several ways: with or without hamza on the alif (أ إ آ ا), with taa
marbuta or haa at the end (ة ه), with alif maqsura or yaa (ى ي), with or without diacritics and tatweel.
`fold` maps all those to one form, and lower-cases Latin letters (dropping their accents), so that a stored
folded index and a folded query meet. It also maps Arabic-Indic digits to Western digits.
"""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_TRANSLATE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ک": "ك",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[\u060c\u061b\u061f.,;:!?()\[\]{}\"'`´’‘“”«»\-_/\\]+")


def fold(text: str | None) -> str:
    """Return a search form of `text` that ignores hamza forms, taa marbuta, alif maqsura and diacritics."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_TRANSLATE)
    # What is left of combining marks (Latin accents: "Zarqā" → "zarqa") goes with a canonical decomposition.
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip().casefold()


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into folded terms; every term must match for a row to be found."""
    return [term for term in fold(query).split(" ") if term]


def build_index(*parts: str | None) -> str:
    """A folded, space-joined index of the given texts, stored beside a row for search."""
    return " ".join(fold(part) for part in parts if part)
