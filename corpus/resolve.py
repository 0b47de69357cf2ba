"""From mentions to documents: group the mentions of one document, and fill in what
the text leaves implicit (the year, the issuer, the level) only from the text itself,
the plan's own context, or the catalogue.  What cannot be resolved stays unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .identifiers import IRI_BASE, slug
from .records import Mention, Reference
from .registry import law_in_force, parse_symbol, registry, symbol_key
from .structure import PartialDate
from .text import Text, fold_key

__all__ = ["PlanContext", "resolve_references", "document_iri", "canonical_issuer", "slug", "catalogue_reference"]

@dataclass
class PlanContext:
    """What the plan says about itself, used to read "của UBND tỉnh" as that province's committee."""

    province: str | None
    commune: str | None
    commune_kind: str | None
    date: PartialDate | None
    own_symbol: str | None = None
    doc_type: str | None = None
    issuer_body: str | None = None
    level: str | None = None


@dataclass
class _Group:
    key: str
    spans: list = field(default_factory=list)
    years: set = field(default_factory=set)


_UNIT_WORDS = (("thành phố", "province"), ("tỉnh", "province"), ("phường", "commune"), ("xã", "commune"), ("đặc khu", "commune"), ("thị trấn", "commune"), ("huyện", "district"), ("quận", "district"), ("thị xã", "district"))
_BODIES = (
    ("ủy ban nhân dân", "UBND"), ("ubnd", "UBND"), ("hội đồng nhân dân", "HĐND"), ("hđnd", "HĐND"),
    ("ban thường vụ", "Ban Thường vụ"), ("ban chấp hành đảng bộ", "Ban Chấp hành Đảng bộ"), ("ban chấp hành", "Ban Chấp hành"),
    ("đảng ủy", "Đảng ủy"), ("tỉnh ủy", "Tỉnh ủy"), ("thành ủy", "Thành ủy"),
)


def canonical_issuer(phrase: str | None, context: PlanContext) -> tuple[str | None, str | None, str | None]:
    """(issuer, level, province) from an issuer phrase read in the plan's context.

    >>> ctx = PlanContext(province="Hải Phòng", commune="Tân Hưng", commune_kind="phường", date=None)
    >>> canonical_issuer("Ủy ban nhân dân thành phố", ctx)
    ('UBND thành phố Hải Phòng', 'province', 'Hải Phòng')
    >>> canonical_issuer("Đảng ủy phường", ctx)
    ('Đảng ủy phường Tân Hưng', 'commune', 'Hải Phòng')
    """
    if not phrase:
        return None, None, None
    key = fold_key(phrase)
    reg = registry()
    if any(word in key for word in ("bộ chính trị", "ban bí thư", "trung ương", "chính phủ", "quốc hội", "thủ tướng")) and "tỉnh" not in key:
        return phrase, "central", None
    party_committee = re.search(r"(tỉnh|thành) ủy", key)
    if party_committee:
        province = context.province
        head = phrase[: party_committee.start()] + ("Tỉnh ủy" if party_committee.group(1) == "tỉnh" else "Thành ủy")
        rest = phrase[party_committee.end():].strip()
        named = registry().province(rest) if rest else None
        province = named.name if named else (province if not rest else None)
        return " ".join(part for part in (head, rest or province) if part), "province", province
    body = next((short for word, short in _BODIES if key.startswith(word) or f" {word}" in key[:25]), None)
    for word, level in _UNIT_WORDS:
        match = re.search(rf"(?<!\w){word}(?!\w)(?P<rest>.*)$", key)
        if not match:
            continue
        rest = phrase[len(phrase) - len(match.group("rest")):].strip()
        named_province = reg.province(rest) if rest else None
        if level == "province":
            province = named_province.name if named_province else (context.province if not rest else None)
            unit = f"{'thành phố' if word == 'thành phố' else 'tỉnh'} {province or rest}".strip()
            if word == "thành phố" and not named_province and province and not _is_city(province) and _before_reform(context):
                return phrase, "district", context.province
            return _join(body, unit, phrase), "province", province
        if level == "commune":
            commune = rest or context.commune
            unit = f"{word} {commune}" if commune else word
            return _join(body, unit, phrase), "commune", context.province
        return _join(body, f"{word} {rest}".strip(), phrase), "district", context.province
    return phrase, None, None


def _join(body: str | None, unit: str, phrase: str) -> str:
    if body is None:
        return phrase
    if body in ("Ban Thường vụ",):
        head = "Thành ủy" if unit.startswith("thành phố") else ("Tỉnh ủy" if unit.startswith("tỉnh") else "Đảng ủy")
        return f"Ban Thường vụ {head} {unit.split(' ', 1)[1] if head != 'Đảng ủy' else unit}".strip()
    return f"{body} {unit}"


def _is_city(province: str) -> bool:
    found = registry().province(province)
    return bool(found and found.city)


def _before_reform(context: PlanContext) -> bool:
    return bool(context.date and (context.date.year, context.date.month or 1) < (2025, 7))


_YEAR_IN_SYMBOL = re.compile(r"^(\d+)/((?:19|20)\d{2})/")


def _restore_dropped_years(spans) -> None:
    """"Quyết định 25/QĐ-TTg ngày 22/7/2021" and "25/2021/QĐ-TTg" in one document are one decision
    written with and without the year its symbol carries; the symbol with the year is the official one."""
    with_year: dict[str, tuple[str, int]] = {}
    for span in spans:
        match = _YEAR_IN_SYMBOL.match(span._.symbol or "")
        if match:
            with_year.setdefault(symbol_key(_YEAR_IN_SYMBOL.sub(r"\1/", span._.symbol)), (span._.symbol, int(match.group(2))))
    for span in spans:
        if not span._.symbol or _YEAR_IN_SYMBOL.match(span._.symbol):
            continue
        found = with_year.get(symbol_key(span._.symbol))
        if found and (span._.date is None or span._.date.year == found[1]):
            span._.symbol, span._.year = found


def _group_mentions(spans) -> list[_Group]:
    """One group per document: same symbol (or name), split when explicit years disagree."""
    _restore_dropped_years(spans)
    groups: list[_Group] = []
    by_key: dict[str, list[_Group]] = {}
    for span in spans:
        key = symbol_key(span._.symbol) if span._.symbol else "name:" + fold_key(span._.name or span.text)
        candidates = by_key.setdefault(key, [])
        year = span._.year
        target = next((group for group in candidates if not year or not group.years or year in group.years), None)
        if target is None:
            target = _Group(key)
            candidates.append(target)
            groups.append(target)
        target.spans.append(span)
        if year:
            target.years.add(year)
    return groups


def resolve_references(spans, text: Text, context: PlanContext) -> tuple[list[Reference], dict[int, Reference]]:
    """References of one plan, and the reference each span (by its start offset) stands for."""
    reg = registry()
    references: list[Reference] = []
    by_span: dict[int, Reference] = {}
    own_key = symbol_key(context.own_symbol) if context.own_symbol else None
    for group in _group_mentions(spans):
        first = group.spans[0]
        if own_key and group.key == own_key and not _issued_elsewhere(group, context):
            continue
        if first._.kind == "named" and _names_the_plan_itself(first, context):
            continue
        reference = _reference_from_group(group, text, context, reg)
        references.append(reference)
        for span in group.spans:
            by_span[span.start_char] = reference
    return _named_with_numbered(references, by_span)


def _named_with_numbered(references: list[Reference], by_span: dict[int, Reference]) -> tuple[list[Reference], dict[int, Reference]]:
    """A law named without its number that the plan also cites by number is one reference."""
    numbered = {reference.id: reference for reference in references if reference.symbol}
    kept = []
    for reference in references:
        same = numbered.get(reference.id) if reference.resolved_symbol else None
        if same is None:
            kept.append(reference)
            continue
        same.mentions = sorted(same.mentions + reference.mentions, key=lambda mention: mention.start)
        for start, found in by_span.items():
            if found is reference:
                by_span[start] = same
    return kept, by_span


def _issued_elsewhere(group: _Group, context: PlanContext) -> bool:
    """A document with the plan's own number but another issuer ("05/KH-UBND của UBND tỉnh" in a
    ward's 05/KH-UBND): the number is reused by every committee, so it is another document."""
    for span in group.spans:
        _, level, _ = canonical_issuer(span._.issuer, context)
        if level and level != (context.level or "commune"):
            return True
    return False


def _names_the_plan_itself(span, context: PlanContext) -> bool:
    """"Kế hoạch của UBND phường" in the ward committee's own plan is the plan itself."""
    name = fold_key(span._.name or "")
    if span._.cue or not context.doc_type or not context.issuer_body:
        return False
    own = fold_key(f"{context.doc_type} của {context.issuer_body} {context.commune_kind or ''}".strip())
    return name == own


def _reference_from_group(group: _Group, text: Text, context: PlanContext, reg) -> Reference:
    spans = group.spans
    first = spans[0]
    symbol = first._.symbol
    dated = next((span._.date for span in spans if span._.date), None)
    year = next((span._.year for span in spans if span._.year), None)
    phrases = [span._.issuer for span in spans if span._.issuer]
    phrase = next((value for value in phrases if not value.isupper()), phrases[0] if phrases else None)
    subject = next((span._.subject for span in spans if span._.subject), None)
    doc_type = next((span._.doc_type for span in spans if span._.doc_type), None)
    level = next((span._.level for span in spans if span._.level), None)
    resolved_by = ["text"]
    issuer, phrase_level, province = canonical_issuer(phrase, context)
    level = level or phrase_level
    issuer_code = first._.issuer_code
    number = first._.number
    if symbol and (issuer_code is None or number is None):
        parts = parse_symbol(symbol)  # a colloquial name stands for a symbol never written out
        if parts:
            issuer_code, number = parts[2], parts[4]
    entry = reg.catalogue_entry(symbol) if symbol else None
    if entry is not None and dated is not None and entry.date is not None and dated.iso() != entry.date.isoformat() and dated.year != entry.year:
        entry = None  # same number, another document (Party numbering restarts each term)
    if entry is not None and year is not None and year != entry.year:
        entry = None
    if entry is not None:
        resolved_by.append("catalogue")
        year = entry.year or year
        if entry.date is not None:
            dated = dated or PartialDate(entry.date.year, entry.date.month, entry.date.day)
        issuer = entry.issuer if entry.level == "central" else (issuer or entry.issuer)
        level = level or entry.level
        subject = subject or entry.subject
        doc_type = doc_type or entry.doc_type
    law = law_in_force(first._.name, year, _day_of(context.date)) if symbol is None and first._.kind == "named" and doc_type == "Luật" else None
    if law is not None:
        resolved_by.append("catalogue")
        year, issuer, level = law.year, law.issuer, law.level
        if law.date is not None:
            dated = dated or PartialDate(law.date.year, law.date.month, law.date.day)
        subject = subject or law.subject
    if issuer is None and issuer_code:
        known = reg.issuer(issuer_code)
        if known is not None and known.level == "central":
            issuer = known.name
    if first._.kind == "alias" and "alias" not in resolved_by:
        resolved_by.append("alias")
    mentions = []
    for span in spans:
        start, end = text.to_original(span.start_char, span.end_char)
        mentions.append(Mention(start, end, text.original[start:end]))
    reference = Reference(
        id="",
        symbol=symbol,
        name=None if symbol else first._.name,
        type=doc_type,
        date=dated.iso() if dated else None,
        year=year,
        issuer=issuer,
        level=level,
        subject=subject,
        number=number,
        month=str(dated) if dated and not dated.iso() else None,
        province=province,
        resolved_by=resolved_by,
        mentions=mentions,
    )
    if law is not None:
        reference.resolved_symbol = law.symbol
        reference.id = catalogue_reference(law.symbol).id
    else:
        reference.id = document_iri(reference, issuer_code, context)
    return reference


def _day_of(plan_date: PartialDate | None) -> tuple[int, int, int] | None:
    """A plan dated only by month or year is read at the end of it: a law in effect by then applies."""
    if plan_date is None:
        return None
    return (plan_date.year, plan_date.month or 12, plan_date.day or 31)


def document_iri(reference: Reference, issuer_code: str | None, context: PlanContext) -> str:
    """Deterministic, ELI-like: jurisdiction / issuer / type / year / number.

    Central documents live under ``vn/``; provincial ones under the province; commune
    ones under province and commune.  What is unknown is written ``unknown`` so that
    two references stay apart unless their identity truly matches.
    """
    if reference.symbol is None:
        scope = _scope(reference.level, reference.province or context.province, context.commune)
        return f"{IRI_BASE}eli/{scope}/named/{slug(reference.name or 'unnamed')}"
    type_code = _type_code(reference)
    year = str(reference.year) if reference.year else "unknown-year"
    number = slug(reference.number or reference.symbol)
    issuer = slug(issuer_code or "unknown-issuer")
    scope = _scope(reference.level, reference.province or (context.province if reference.level in ("province", "commune", "district") else None), context.commune)
    return f"{IRI_BASE}eli/{scope}/{issuer}/{type_code}/{year}/{number}"


def _type_code(reference: Reference) -> str:
    found = registry().doc_type_by_name(reference.type) if reference.type else None
    return slug(found.code if found else (reference.type or "doc"))


def _scope(level: str | None, province: str | None, commune: str | None) -> str:
    if level == "central":
        return "vn"
    if level == "province":
        return f"vn/{slug(province)}" if province else "vn/unknown-province"
    if level in ("commune", "district"):
        return f"vn/{slug(province or 'unknown-province')}/{slug(commune or 'unknown-commune')}"
    return "vn/unknown-level"


def catalogue_reference(symbol: str) -> Reference:
    """A central document of the catalogue as a reference, with the IRI extraction gives it."""
    entry = registry().catalogue_entry(symbol)
    parts = parse_symbol(symbol)
    if entry is None or parts is None:
        raise KeyError(f"{symbol} is not in the catalogue")
    _, _, issuer_code, _, number = parts
    reference = Reference(id="", symbol=entry.symbol, name=None, type=entry.doc_type, date=entry.date.isoformat() if entry.date else None, year=entry.year,
                          issuer=entry.issuer, level=entry.level, subject=entry.subject, number=number, resolved_by=["catalogue"])
    reference.id = document_iri(reference, issuer_code, PlanContext(None, None, None, None))
    return reference
