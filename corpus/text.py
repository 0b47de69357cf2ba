"""Normalized Vietnamese text with a map back to the original characters.

Extraction matches on one normalized form (NFC, one kind of dash and space, no
markup, words split by page breaks joined again) but every offset it reports must
point at the characters of the file the researcher opened.  `Text` keeps both
strings and, for each normalized character, the original range it came from.
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import OcrReading


__all__ = ["Text", "normalize", "fold_key", "ascii_key", "UPPER", "LOWER"]

_VIETNAMESE_LETTERS = "".join(
    chr(code) for code in list(range(0x00C0, 0x0250)) + list(range(0x1EA0, 0x1EFA)) if chr(code).isalpha()
)
#: Regular-expression character ranges for Vietnamese capitals and small letters.
UPPER = "A-Z" + "".join(character for character in _VIETNAMESE_LETTERS if character.isupper())
LOWER = "a-z" + "".join(character for character in _VIETNAMESE_LETTERS if character.islower())

# One-to-one character replacements: they never change the length of the text.
_CHARACTER_MAP = str.maketrans(
    {
        "\u00d0": "Đ",  # Icelandic eth, typed for Đ by old keyboards and fonts
        "\u00f0": "đ",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
        "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ",
        "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2007": " ", "\u2008": " ",
        "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ", "\u3000": " ",
        "\u2026": "…",
    }
)
# `str.translate` looks every character up in the map (1.5 ms for a plan); a character
# class finds the few that are there fifteen times faster.
_MAPPED_CHARACTER = re.compile("[" + "".join(re.escape(chr(code)) for code in _CHARACTER_MAP) + "]")


def _replace_characters(value: str) -> str:
    return _MAPPED_CHARACTER.sub(lambda match: _CHARACTER_MAP[ord(match.group())], value)


_LATEX = {"geq": "≥", "ge": "≥", "leq": "≤", "le": "≤", "neq": "≠", "times": "×", "%": "%"}
_BLOCK_TAGS = {"br", "p", "div", "li", "tr"}

# Every alternative is bounded, so the scan is linear in the length of the text.  The
# leading look-ahead lists every character a match can start with: without it the
# scanner tries all eleven alternatives at each of a plan's 20,000 characters
# (3.5 times slower on the synthetic national corpus, same matches).  A lone space
# between two words, the commonest character of all, starts no match.
_MARKUP = re.compile(
    r"(?=[\t\r\n\u00a0\u3000\u2000-\u200d\u202f\u205f\u2060\ufeff\u00ad<&#*_\\]| [\s#])(?:"
    r"(?P<page_break>(?<=[^\W\d_])[ \t]{0,20}\r?\n(?:[ \t\u00a0]{0,20}\r?\n){1,20}[ \t\u00a0]{0,20}(?=[^\W\d_])(?![a-zđ][).][ \t]))"
    r"|(?P<crlf>\r\n?)"
    r"|(?P<invisible>[\u200b\u200c\u200d\u2060\ufeff\u00ad]+)"
    r"|(?P<trailing>[ \u00a0\u3000]{1,200}(?=\r?\n))"
    r"|(?P<tag></?(?P<tag_name>[A-Za-z][A-Za-z0-9]{0,10})(?:\s[^<>\n]{0,200})?/?>)"
    r"|(?P<entity>&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});)"
    r"|(?P<heading>(?<![^\n])[ \t]{0,3}\#{1,6}[ \t]{1,20})"
    r"|(?P<bold>\*{2,3}|(?<!_)__(?!_))"
    r"|(?P<italic>(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*]))"
    r"|(?P<latex>\\(?P<latex_name>geq|leq|neq|times|ge|le|%)(?![A-Za-z]))"
    r"|(?P<spaces>[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,})"
    r")"
)


def _replacement(match: re.Match) -> str | None:
    """What one markup match becomes in the normalized text (None: keep it as text)."""
    kind = match.lastgroup
    if kind in ("latex", "latex_name"):
        return _LATEX[match.group("latex_name")]
    if kind in ("tag", "tag_name"):
        return "\n" if match.group("tag_name").lower() in _BLOCK_TAGS else ""
    if kind == "entity":
        decoded = html.unescape(match.group())
        return None if decoded == match.group() else _replace_characters(decoded)
    if kind == "page_break":
        return " " if match.string[match.end()].islower() else None
    if kind == "crlf":
        return "\n"
    if kind == "spaces":
        return " "
    return ""


@dataclass(frozen=True)
class Text:
    """A document's text: the original string, its normalized form and the offset map.

    >>> text = normalize("Kế hoạch **số 05/KH\u2013UBND**")
    >>> text.normalized
    'Kế hoạch số 05/KH-UBND'
    >>> start = text.normalized.index("05")
    >>> text.original_text(start, start + 10)
    '05/KH–UBND'
    """

    original: str
    normalized: str
    starts: array = field(repr=False)
    ends: array = field(repr=False)
    source: str | None = None
    warnings: tuple[str, ...] = ()
    ocr: OcrReading | None = None  # when pages were read by OCR

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original range that normalized characters [start, end) came from."""
        if end <= start:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]

    def original_text(self, start: int, end: int) -> str:
        first, last = self.to_original(start, end)
        return self.original[first:last]

    @cached_property
    def fold(self) -> str:
        """Lower-case key that treats old and new tone placement alike (hoá = hóa); same length."""
        return fold_key(self.normalized)

    @cached_property
    def ascii(self) -> str:
        """Lower-case key without diacritics (Tan Hung = Tân Hưng); same length."""
        return ascii_key(self.normalized)


def normalize(original: str, source: str | None = None, warnings: tuple[str, ...] = (), ocr=None) -> Text:
    """Normalize `original` for matching and keep the map back to it."""
    pieces: list[str] = []
    starts = array("q")
    ends = array("q")
    position = 0
    for match in _MARKUP.finditer(original):
        replacement = _replacement(match)
        if replacement is None:
            continue
        _append_plain(original, position, match.start(), pieces, starts, ends)
        pieces.append(replacement)
        starts.extend([match.start()] * len(replacement))
        ends.extend([match.end()] * len(replacement))
        position = match.end()
    _append_plain(original, position, len(original), pieces, starts, ends)
    return Text(original, "".join(pieces), starts, ends, source, warnings, ocr)


def _append_plain(original: str, start: int, end: int, pieces: list, starts: array, ends: array) -> None:
    if start >= end:
        return
    chunk = _replace_characters(original[start:end])
    if unicodedata.is_normalized("NFC", chunk):
        pieces.append(chunk)
        _extend_counting(starts, start, end)
        _extend_counting(ends, start + 1, end + 1)
        return
    # Decomposed input: compose one base character with its marks at a time so that
    # every composed character still knows which original characters it stands for.
    cluster_start = 0
    for index in range(1, len(chunk) + 1):
        if index < len(chunk) and unicodedata.combining(chunk[index]):
            continue
        composed = unicodedata.normalize("NFC", chunk[cluster_start:index])
        pieces.append(composed)
        starts.extend([start + cluster_start] * len(composed))
        ends.extend([start + index] * len(composed))
        cluster_start = index


def _extend_counting(offsets: array, start: int, stop: int) -> None:
    """Append start, start + 1, …, stop - 1: most of a plan is one plain run, and numpy
    writes its 20,000 offsets five times faster than `array.extend(range(…))`.  Imported here,
    not with the module: the queries use this module's keys and never read a document."""
    import numpy

    offsets.frombytes(numpy.arange(start, stop, dtype=numpy.int64).tobytes())


_TONED_A_E = "àáảãạèéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_OLD_STYLE_TONE = re.compile(rf"o([{_TONED_A_E}])(?![^\W\d_])|(?<!q)u([{_TONED_Y}])(?![^\W\d_])")


def _move_tone_to_first_vowel(match: re.Match) -> str:
    toned = match.group(1) or match.group(2)
    first = match.group()[0]
    decomposed = unicodedata.normalize("NFD", toned)
    base, tone = decomposed[0], decomposed[1:]
    return unicodedata.normalize("NFC", first + tone) + base


def fold_key(value: str) -> str:
    """Lower-case, NFC, tone marks placed the modern way (hóa, thủy, ủy); length preserved.

    >>> fold_key("Hoá học THUỶ lợi Uỷ ban") == fold_key("hóa học thủy lợi ủy ban")
    True
    """
    if len(value) <= _REMEMBERED_LENGTH:
        return _remembered_fold_key(value)
    return _fold(value)


# Names, symbols, headings and table cells come back hundreds of times per plan (a quarter
# of a million keys for 150 plans); whole texts are folded once and are not kept.
_REMEMBERED_LENGTH = 200


@lru_cache(maxsize=1 << 14)
def _remembered_fold_key(value: str) -> str:
    return _fold(value)


def _fold(value: str) -> str:
    return _OLD_STYLE_TONE.sub(_move_tone_to_first_vowel, _lower_same_length(unicodedata.normalize("NFC", value)))


def _lower_same_length(value: str) -> str:
    lowered = value.lower()
    if len(lowered) == len(value):
        return lowered
    return "".join(_lower_one(character) for character in value)


def _lower_one(character: str) -> str:
    lowered = character.lower()
    return lowered if len(lowered) == 1 else character


def _strip_marks(character: str) -> str:
    if character in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", character)[0]
    return _lower_one(base)


_ASCII_MAP = {code: _strip_marks(chr(code)) for code in range(0x00C0, 0x1EFF + 1) if len(unicodedata.normalize("NFD", chr(code))) > 1 or chr(code) in "đĐ"}


def ascii_key(value: str) -> str:
    """Lower-case without diacritics; length preserved for NFC input.

    >>> ascii_key("Tân Hưng, Đồng Tháp")
    'tan hung, dong thap'
    """
    return _lower_same_length(unicodedata.normalize("NFC", value)).translate(_ASCII_MAP)
