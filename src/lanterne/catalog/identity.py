"""How two descriptions of one film are recognised as the same: normalized title + director + year.

Used by the importers (recommended and accessible lists) and by the sync engine, after the CNC visa
and the Allociné id, so "L'Été dernier" from one vendor and "L ETE DERNIER" from another meet.
"""

from __future__ import annotations

import re
import unicodedata

_ARTICLES = re.compile(r"^(le|la|les|l|the|a|an|un|une|des)\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str | None) -> str:
    """Lowercase, strip accents and punctuation, collapse spaces: 'L’Été  dernier!' → 'l ete dernier'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return _NOT_ALNUM.sub(" ", ascii_text).strip()


def title_key(title: str | None) -> str:
    """Folded title without a leading article, so 'The Zone of Interest' meets 'Zone of Interest'."""
    return _ARTICLES.sub("", fold(title)).replace(" ", "")


def first_director_key(directors: str | None) -> str:
    """The first director's folded surname-and-name, order-insensitive ('Varda Agnès' = 'Agnès Varda')."""
    if not directors:
        return ""
    first = re.split(r"[,;/&]| et | and ", directors)[0]
    return "".join(sorted(fold(first).split()))


def film_match_key(title: str | None, directors: str | None, year: int | None) -> str:
    """'title|director|year'; parts unknown stay empty so a partial key never matches a full one."""
    return f"{title_key(title)}|{first_director_key(directors)}|{year or ''}"
