"""The spaCy pipeline that finds references in a plan.

`spacy.blank("vi")` with its tokenizer replaced by spaCy's rule-driven `Tokenizer`
splitting every punctuation mark off: the Vietnamese one (use_pyvi false) splits on
spaces only, leaving "05/KH-UBND);" as one token so that a reference cannot be a clean
span, and it is several times slower.  Three components, each configured through the pipeline
config and each adding spans to ``doc.spans["references"]``:

- ``lineage_references``: numbered references (57-NQ/TW, 71/NQ-CP, 112/2024/NĐ-CP)
  with the date, issuer and subject written after them; blank numbers
  (``Số: /KH-UBND``) go to ``doc.spans["blank_numbers"]``.
- ``lineage_aliases``: colloquial names from the catalogue ("Đề án 06 của Chính
  phủ") and short names a document defines for itself ("(Đề án 06)").
- ``lineage_named``: documents cited by name only ("Luật Ngân sách").
"""

from __future__ import annotations

import bisect
import json
import re
import time
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import registry as spacy_registry

from .registry import DATA_DIR, alternation, keyed_pattern, official_symbol, registry, starts_with
from .structure import PartialDate
from .text import LOWER, UPPER, fold_key

__all__ = ["make_pipeline", "ExtractionTimeout", "REFERENCE_ATTRIBUTES"]

REFERENCE_ATTRIBUTES = (
    "symbol", "doc_type", "number", "year", "date", "issuer", "issuer_code", "level", "subject",
    "name", "kind", "full_end", "citation_start", "cue", "subject_end",
)
for _attribute in REFERENCE_ATTRIBUTES:
    if not Span.has_extension(_attribute):
        Span.set_extension(_attribute, default=None)


class ExtractionTimeout(Exception):
    """A document took longer than the pipeline's time limit."""


def _check_deadline(doc: Doc) -> None:
    deadline = doc.user_data.get("deadline")
    if deadline is not None and time.monotonic() > deadline:
        raise ExtractionTimeout("extraction took longer than the time limit")


# --- tokenizer ----------------------------------------------------------------------

# Every mark that is neither a letter, a digit nor a space is a token of its own, wherever it
# stands in a chunk: "05/KH-UBND);" is 05 / KH - UBND ) ;, so a reference is a clean span.
_PUNCTUATION = re.compile(r"[^\w\s]")
_LEADING_PUNCTUATION = re.compile(r"^[^\w\s]")


class _TrailingMark:
    r"""The suffix rule: a mark that ends the chunk.

    spaCy calls it after each mark it strips, so a `search` for ``[^\w\s]$`` over the whole
    rest of the chunk would make a long run of marks ("((((…") quadratic; looking at the last
    character only is the same rule at constant cost.  `pattern` is what spaCy serializes."""

    pattern = r"[^\w\s]$"
    _mark = re.compile(r"[^\w\s]")

    def search(self, chunk: str) -> re.Match | None:
        return self._mark.match(chunk, len(chunk) - 1) if chunk else None


_TRAILING_PUNCTUATION = _TrailingMark()


@spacy_registry.tokenizers("lineage.syllables.v2")
def create_syllable_tokenizer():
    """One token per syllable, number or punctuation mark.

    spaCy's own rule-driven tokenizer rather than a Python one: it caches each
    space-separated chunk, and a plan repeats a few thousand syllables, so it builds the
    `Doc` more than twice as fast with the same token boundaries.
    """

    def make(nlp):
        return Tokenizer(
            nlp.vocab,
            prefix_search=_LEADING_PUNCTUATION.search,
            suffix_search=_TRAILING_PUNCTUATION.search,
            infix_finditer=_PUNCTUATION.finditer,
        )

    return make


def _doc_text(doc: Doc) -> str:
    """The document's text, built once: `Doc.text` joins every token on each access."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


def _set_spans(doc: Doc, key: str, spans: list[Span]) -> None:
    existing = list(doc.spans[key]) if key in doc.spans else []
    doc.spans[key] = sorted(existing + spans, key=lambda span: (span.start_char, span.end_char))


class _Taken:
    """Character ranges already claimed by a reference, for overlap tests in logarithmic time."""

    def __init__(self, spans=()):
        self._starts: list[int] = []
        self._ends: list[int] = []
        for span in spans:
            self.add(span.start_char, span.end_char)

    def add(self, start: int, end: int) -> None:
        position = bisect.bisect_left(self._starts, start)
        self._starts.insert(position, start)
        self._ends.insert(position, end)

    def overlaps(self, start: int, end: int) -> bool:
        position = bisect.bisect_left(self._starts, end)
        # Ranges never nest deeply here, so the few ranges starting just before `end` decide.
        for index in range(position - 1, max(-1, position - 4), -1):
            if self._ends[index] > start:
                return True
        return False


# --- numbered references -------------------------------------------------------------

def _parse_trailing_date(match: re.Match) -> PartialDate | None:
    day = match.group("d_day") or match.group("w_day")
    month = match.group("d_month") or match.group("w_month")
    year = match.group("d_year") or match.group("w_year")
    day_value, month_value = int(day), int(month)
    if not (1 <= month_value <= 12 and 1 <= day_value <= 31):
        return None
    return PartialDate(int(year), month_value, day_value)


def _issuer_level(issuer_code: str) -> str | None:
    issuer = registry().issuer(issuer_code)
    if issuer is None or issuer.level == "context":
        return None
    return issuer.level


@Language.factory(
    "lineage_references",
    default_config={"window": 60, "max_issuer_chars": 120},
)
def create_reference_finder(nlp: Language, name: str, window: int, max_issuer_chars: int):
    return ReferenceFinder(window, max_issuer_chars)


class ReferenceFinder:
    """Numbered references with the date, issuer and subject written after them."""

    def __init__(self, window: int, max_issuer_chars: int):
        self.window = window
        self.max_issuer_chars = max_issuer_chars

    def __call__(self, doc: Doc) -> Doc:
        reg = registry()
        patterns = reg.patterns
        text = _doc_text(doc)
        spans: list[Span] = []
        for match in patterns["symbol"].finditer(text):
            _check_deadline(doc)
            if match.group("v_number") and not _LETTER_WORD.search(text, max(0, match.start() - 40), match.start()):
                continue  # without "công văn" or "văn bản" before it, 02/BCĐ-MT is a form's number, not a letter
            span = _span(doc, match.start(), match.end(), "NUMBERED")
            if span is None:
                continue
            symbol, type_code, issuer_code, symbol_year, number = official_symbol(match)
            type_word = patterns["type_word_before"].search(text, max(0, match.start() - self.window), match.start())
            if type_word and type_word.end() != match.start():
                type_word = None
            doc_type = reg.doc_type_by_code(type_code) if type_code else None
            type_name = doc_type.name if doc_type else (reg.doc_type_by_name(type_word.group("type_word")).name if type_word else "Luật")
            span._.symbol = symbol
            span._.doc_type = type_name
            span._.number = number
            span._.issuer_code = issuer_code
            span._.level = _issuer_level(issuer_code)
            span._.kind = "numbered"
            span._.citation_start = type_word.start() if type_word else match.start()
            position = match.end()
            date_match = patterns["date_after"].match(text, position)
            if date_match:
                span._.date = _parse_trailing_date(date_match)
                position = date_match.end()
            span._.year = int(symbol_year) if symbol_year else (span._.date.year if span._.date else None)
            issuer_match = patterns["issuer_after"].match(text, position)
            if issuer_match:
                span._.issuer = " ".join(issuer_match.group("issuer").split())
                position = issuer_match.end()
            span._.full_end = position
            spans.append(span)
        _attach_subjects(doc, spans)
        _set_spans(doc, "references", spans)
        blanks = []
        taken = _Taken(spans)
        for match in patterns["blank"].finditer(text):
            if taken.overlaps(match.start(), match.end()):
                continue
            span = _span(doc, match.start(), match.end(), "BLANK")
            if span is not None:
                span._.doc_type = reg.doc_type_by_code(match.group("b_type")).name
                span._.issuer_code = reg.canonical_issuer_code(match.group("b_issuer"))
                blanks.append(span)
        doc.spans["blank_numbers"] = blanks
        return doc


_LETTER_WORD = re.compile(r"(?i:công văn|văn bản(?: chỉ đạo)?|cv)(?:\s+số)?\s*:?\s*$")
_SUBJECT = re.compile(r"[ \t]{0,3},?[ \t\n]{0,3}(?:về|Về|VỀ)\s")
_SUBJECT_END = re.compile(r"[;()\n“”\"]|\.(?:\s|$)|\s(?:thực hiện|triển khai thực hiện|trên địa bàn)\s")


def _attach_subjects(doc: Doc, spans: list[Span]) -> None:
    """"về …" after a reference, ending before the next reference or a clause boundary."""
    text = _doc_text(doc)
    starts = sorted(span._.citation_start for span in spans)
    for span in spans:
        opening = _SUBJECT.match(text, span._.full_end)
        if not opening:
            continue
        limit = min(len(text), opening.end() + 300)
        position = bisect.bisect_left(starts, opening.end())
        following = starts[position] if position < len(starts) else limit
        limit = min(limit, following)
        end_match = _SUBJECT_END.search(text, opening.end(), limit)
        end = end_match.start() if end_match else limit
        subject = text[opening.end() - len(opening.group().lstrip(" \t\n,")) : end].strip(" ,;")
        if len(subject) > 6:
            span._.subject = " ".join(subject.split())
            span._.subject_end = end


# --- aliases and short names -----------------------------------------------------------

_SHORT_NAME_HEAD = None


def _short_name_head() -> re.Pattern:
    global _SHORT_NAME_HEAD
    if _SHORT_NAME_HEAD is None:
        names = [doc_type.name for doc_type in registry().doc_types] + [alias for doc_type in registry().doc_types for alias in doc_type.aliases]
        _SHORT_NAME_HEAD = re.compile(rf"^(?i:{alternation(names)})\b")
    return _SHORT_NAME_HEAD


@lru_cache(maxsize=1)
def _catalogue_alias_pattern() -> tuple[re.Pattern, dict[str, str]]:
    return keyed_pattern({fold_key(name): symbol for name, symbol in registry().aliases}, after=r"(?![\w/])")


@Language.factory("lineage_aliases", default_config={"max_short_name_chars": 90})
def create_alias_finder(nlp: Language, name: str, max_short_name_chars: int):
    return AliasFinder(max_short_name_chars)


class AliasFinder:
    """Colloquial names from the catalogue, and short names defined in the document itself."""

    def __init__(self, max_short_name_chars: int):
        self.max_short_name_chars = max_short_name_chars

    def __call__(self, doc: Doc) -> Doc:
        text = _doc_text(doc)
        folded = doc.user_data.get("fold") or fold_key(text)
        numbered = list(doc.spans["references"]) if "references" in doc.spans else []
        found: list[Span] = []
        taken = _Taken(numbered)
        for start, end in _committee_names(text):
            taken.add(start, end)  # "Ban Chỉ đạo … và Đề án 06" names a committee, it cites nothing
        pattern, aliases = _catalogue_alias_pattern()
        for match in pattern.finditer(folded):
            _check_deadline(doc)
            if taken.overlaps(match.start(), match.end()):
                continue
            found.append(self._alias_span(doc, match.start(), match.end(), aliases[match.group()], "ALIAS"))
            taken.add(match.start(), match.end())
        short_names = self._short_names(doc, text, numbered + found)
        if short_names:
            for match in re.finditer(rf"(?<!\w)(?:{alternation(short_names)})(?![\w/])", folded):
                target = short_names[match.group()]
                if taken.overlaps(match.start(), match.end()) or match.start() < target.start_char:
                    continue  # a short name means its document only once the document has defined it
                taken.add(match.start(), match.end())
                span = self._alias_span(doc, match.start(), match.end(), target._.symbol, "SHORT_NAME")
                span._.year = target._.year
                span._.date = target._.date
                span._.issuer = target._.issuer
                found.append(span)
        _set_spans(doc, "references", [span for span in found if span is not None])
        return doc

    @staticmethod
    def _alias_span(doc: Doc, start: int, end: int, symbol: str, label: str) -> Span | None:
        span = _span(doc, start, end, label)
        if span is None:
            return None
        span._.symbol = symbol
        span._.kind = "alias"
        span._.citation_start = start
        span._.full_end = end
        entry = registry().catalogue_entry(symbol)
        if entry is not None:
            span._.doc_type = entry.doc_type
        return span

    def _short_names(self, doc: Doc, text: str, spans: list[Span]) -> dict[str, Span]:
        """"(Đề án 06)" or "(sau đây gọi là Kế hoạch 155)" right after a reference defines a short name."""
        pattern = registry().patterns["short_name"]
        found: dict[str, Span] = {}
        for span in spans:
            if span is None or span._.full_end is None:
                continue
            match = pattern.match(text, span._.subject_end or span._.full_end)
            if not match:
                continue
            short = " ".join(match.group("short").split())
            if len(short) > self.max_short_name_chars or not _short_name_head().match(short):
                continue
            if registry().patterns["symbol"].search(short):
                continue  # it repeats the symbol, which is found as a mention anyway
            found[fold_key(short)] = span
        return found


# --- documents cited by name ----------------------------------------------------------

@lru_cache(maxsize=1)
def _named_patterns() -> tuple[list[tuple[str, str, str | None, re.Pattern]], re.Pattern]:
    data = json.loads((DATA_DIR / "named.json").read_text(encoding="utf-8"))
    compiled = []
    for item in data["patterns"]:
        source = item["pattern"].replace("{UPPER}", UPPER).replace("{LOWER}", LOWER)
        compiled.append((item["kind"], item["level"], item.get("issuer"), re.compile(source)))
    not_after = re.compile(r"(?:" + "|".join(re.escape(value) for value in data["not_after"]) + r")\s{1,3}$", re.IGNORECASE)
    return compiled, not_after


_UNIT_LEVELS = {"phường": "commune", "xã": "commune", "đặc khu": "commune", "tỉnh": "province", "thành phố": "province", "huyện": "district", "toàn quốc": "central"}


def _named_level(level_rule: str, match: re.Match) -> str | None:
    if level_rule in ("central", "province", "district", "commune"):
        return level_rule
    groups = match.groupdict()
    if level_rule == "unit":
        if groups.get("national"):
            return "central"
        return _UNIT_LEVELS.get(groups.get("unit") or "")
    issuer = fold_key(groups.get("issuer") or "")
    if any(word in issuer for word in ("chính phủ", "bộ chính trị")):
        return "central"
    for word, level in _UNIT_LEVELS.items():
        if word in issuer:
            return level
    if "tỉnh ủy" in issuer or "thành ủy" in issuer:
        return "province"
    return None


def _named_issuer(rule: str | None, match: re.Match, name: str) -> str | None:
    if not rule:
        return None
    if rule == "{issuer}":
        return match.groupdict().get("issuer")
    if rule == "{after_type}":
        return name.split(" ", 2)[2] if name.count(" ") >= 2 else None
    return rule


@Language.factory("lineage_named", default_config={"max_name_chars": 200})
def create_named_finder(nlp: Language, name: str, max_name_chars: int):
    return NamedReferenceFinder(max_name_chars)


class NamedReferenceFinder:
    """Documents cited by name only: laws, congress resolutions, national programmes, unnumbered plans."""

    def __init__(self, max_name_chars: int):
        self.max_name_chars = max_name_chars

    def __call__(self, doc: Doc) -> Doc:
        text = _doc_text(doc)
        existing = list(doc.spans["references"]) if "references" in doc.spans else []
        existing_starts = [span.start_char for span in existing]
        taken = _Taken(existing)
        patterns, not_after = _named_patterns()
        # "Nghị quyết số 71/NQ-CP về sửa đổi, bổ sung Chương trình hành động của Chính phủ …":
        # a name inside another document's subject is part of its title, not a citation.
        subjects = _described_zones(text, existing)
        found = self._catalogue_laws(doc, text, taken, subjects, existing)
        for kind, level_rule, issuer_rule, pattern in patterns:
            for match in pattern.finditer(text):
                _check_deadline(doc)
                start, end = match.start(), match.end()
                if not_after.search(text, max(0, start - 30), start) or subjects.overlaps(start, start + 1):
                    continue
                name_end = end
                cue = match.groupdict().get("cue")
                following = None
                if cue:
                    end = match.start("cue") - 1
                    position = bisect.bisect_left(existing_starts, match.end())
                    following = existing[position] if position < len(existing) and existing[position]._.citation_start <= match.end() + 2 else None
                    name_end = following.end_char if following is not None else end
                if taken.overlaps(start, end) or end - start > self.max_name_chars:
                    continue
                name = " ".join(text[start:name_end].split())
                type_match = _short_name_head().match(name)
                span = _named_span(doc, start, end, name, level=_named_level(level_rule, match), issuer=_named_issuer(issuer_rule, match, name),
                                   doc_type=registry().doc_type_by_name(type_match.group()).name if type_match else None, full_end=end)
                if span is None:
                    continue
                span._.cue = cue
                programme = _government_programme(match.groupdict().get("issuer"), following)
                if programme is not None:
                    span._.symbol = programme.symbol
                    span._.kind = "alias"
                    span._.doc_type = programme.doc_type
                found.append(span)
        _set_spans(doc, "references", found)
        return doc

    @staticmethod
    def _catalogue_laws(doc: Doc, text: str, taken: _Taken, subjects: _Taken, numbered: list[Span]) -> list[Span]:
        """Laws the catalogue knows by name, read whole ("Luật Bầu cử đại biểu Quốc hội và đại
        biểu Hội đồng nhân dân", which the general pattern would cut at "và"), with a year
        written after the name ("Luật Đất đai năm 2024") that tells the version.  A name
        followed by its number ("Luật … số 72/2025/QH15") is that numbered citation."""
        found = []
        folded = doc.user_data.get("fold") or fold_key(text)
        starts = [span.start_char for span in numbered]
        for match in _catalogue_law_pattern().finditer(folded):
            start, end = match.start(), match.end("name")
            if taken.overlaps(start, match.end()) or subjects.overlaps(start, start + 1):
                continue
            position = bisect.bisect_left(starts, end)
            if position < len(starts) and _NUMBER_OF_THE_NAME.fullmatch(folded, end, starts[position]):
                taken.add(start, end)  # nor is a piece of it ("Luật Bầu cử đại biểu Quốc hội") a citation of its own
                continue
            span = _named_span(doc, start, end, " ".join(text[start:end].split()), level="central", issuer="Quốc hội", doc_type="Luật", full_end=match.end())
            if span is None:
                continue
            span._.year = int(match.group("year")) if match.group("year") else None
            taken.add(start, match.end())
            found.append(span)
        return found


def _named_span(doc: Doc, start: int, end: int, name: str, *, level: str | None, issuer: str | None, doc_type: str | None, full_end: int) -> Span | None:
    """A document cited by its name, with what its name and the rule that found it say of it."""
    span = _span(doc, start, end, "NAMED")
    if span is None:
        return None
    span._.name = name
    span._.kind = "named"
    span._.level = level
    span._.issuer = issuer
    span._.doc_type = doc_type
    span._.citation_start = start
    span._.full_end = full_end
    return span


_NUMBER_OF_THE_NAME = re.compile(r"[ \t\n,]{0,3}(?:\(?\s*(?:luật\s+)?số|:)?[ \t\n:]{0,3}")


@lru_cache(maxsize=1)
def _catalogue_law_pattern() -> re.Pattern:
    names = {fold_key(" ".join(name.split())) for entry in registry().catalogue if entry.doc_type == "Luật" for name in entry.names}
    if not names:
        return re.compile(r"(?!x)x")
    return re.compile(rf"{starts_with(names)}(?<!\w)(?P<name>{alternation(names)})(?:[ \t]{{1,3}}(?:năm[ \t]{{1,3}})?(?P<year>(?:19|20)\d{{2}}))?(?![\w/])")


_DESCRIPTION_VERB = re.compile(r"[ \t\n,]{0,4}(?:ban hành|phê duyệt|sửa đổi|bổ sung|điều chỉnh|quy định|hướng dẫn)\b", re.IGNORECASE)
_DESCRIPTION_END = re.compile(r"[;\n]|\.(?:\s|$)")


def _described_zones(text: str, numbered: list[Span]) -> _Taken:
    """What follows a numbered reference and describes it: its "về …" subject, or a clause that opens
    with a verb of what the document does ("… của Chính phủ ban hành Chương trình hành động …")."""
    zones = _Taken([])
    starts = sorted(span._.citation_start for span in numbered)
    for span in numbered:
        if span._.subject_end:
            zones.add(span._.full_end, span._.subject_end)
            continue
        if span._.full_end is None or not _DESCRIPTION_VERB.match(text, span._.full_end):
            continue
        following = starts[bisect.bisect_right(starts, span._.full_end)] if bisect.bisect_right(starts, span._.full_end) < len(starts) else len(text)
        end = _DESCRIPTION_END.search(text, span._.full_end, following)
        zones.add(span._.full_end, end.start() if end else following)
    return zones


# "Ban Chỉ đạo phát triển khoa học, công nghệ, …, chuyển đổi số và Đề án 06": the topics name the
# committee; they end where a verb, "về", "tại" or a clause boundary begins.
_COMMITTEE = re.compile(
    r"Ban Chỉ đạo(?P<topics>(?:\s+(?:Trung ương|của Chính phủ|tỉnh|thành phố|xã|phường))?(?:\s+về)?"
    r"(?:(?!\s(?:về|tại|theo|thực hiện|triển khai|ban hành|đã|đang|sẽ|có|là)\s)[^;.()\n¹²³]){1,200})",
    re.IGNORECASE,
)


_NEXT_BODY = re.compile(rf",\s*[{UPPER}]")  # "Ban Chỉ đạo Trung ương, Ủy ban nhân dân tỉnh …": another body follows


def _committee_names(text: str) -> list[tuple[int, int]]:
    zones = []
    for match in _COMMITTEE.finditer(text):
        start, end = match.span("topics")
        following = _NEXT_BODY.search(text, start, end)
        zones.append((start, following.start() if following else end))
    return zones


def _government_programme(issuer: str | None, target: Span | None):
    """"Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW" is the catalogue's programme for 57-NQ/TW."""
    if target is None or not target._.symbol or fold_key(issuer or "") not in ("chính phủ", "thủ tướng chính phủ"):
        return None
    for entry in registry().catalogue:
        if ("implements", target._.symbol) in entry.relations and fold_key(entry.subject).startswith("ban hành"):
            return entry
    return None


# --- the pipeline ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def make_pipeline() -> Language:
    """The reference pipeline, built once per process."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "lineage.syllables.v2"}}})
    nlp.max_length = 200_000_000  # no parser or NER here: memory grows with the text, not per 100,000 characters
    nlp.add_pipe("lineage_references")
    nlp.add_pipe("lineage_aliases")
    nlp.add_pipe("lineage_named")
    return nlp
