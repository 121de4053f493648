"""Text search in staff lists: accents and case do not matter, any script is found as typed."""

import unicodedata

import sqlalchemy as sa

# Kana voicing marks (ガ is カ with U+3099) are part of the letter, not an accent.
_KEPT_MARKS = frozenset("\u3099\u309a")
# Letters that carry their mark in the letter itself, not as a combining accent.
_BASE_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ı": "i", "ß": "ss",
                               "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text: str | None) -> str:
    """``text`` as search compares it: no accents, no case, full-width as half-width.

    "Lê Quốc Bảo" and "LE QUOC BAO" fold to the same "le quoc bao"; Hangul, kana and kanji
    stay what they are (composed again after the accents are gone), so "김서연" finds 김서연.
    """
    if not text:
        return ""
    if text.isascii():
        return text.lower()  # nothing to decompose: the common case, made cheap
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(
        c for c in decomposed if not unicodedata.combining(c) or c in _KEPT_MARKS
    )
    return unicodedata.normalize("NFC", plain).translate(_BASE_LETTERS)


def contains(q: str, column) -> sa.ColumnElement[bool]:
    """Rows whose folded ``column`` contains ``q`` folded; ``%`` and ``_`` are plain text."""
    escaped = fold(q.strip()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")
