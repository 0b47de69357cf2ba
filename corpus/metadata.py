"""What a plan says about itself: number, type, title, issuer, level, commune,
province, date, signer and period.

Website copies lose parts of the official header, so each field has several
sources, tried in order: the header, the website metadata table, the issuing
decision, the appendices ("Kèm theo Kế hoạch số …" names the plan itself), the
body and "Nơi nhận".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .registry import parse_symbol, registry
from .resolve import PlanContext, canonical_issuer
from .structure import PartialDate, Structure, parse_date
from .text import LOWER, UPPER, fold_key
from .units import REFORM_DATE, Commune, NamedUnit, Province, gazetteer, units_in

__all__ = ["PlanFacts", "read_plan_facts", "read_units", "field_sources", "has_official_header"]

_NAME = rf"[{UPPER}][{LOWER}]{{0,7}}(?: [{UPPER}][{LOWER}]{{0,7}}){{0,4}}"
_PROVINCE_WORD = re.compile(rf"(?<![\w])(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.?) ?(?P<name>[{UPPER} \-]{{3,30}}(?![{LOWER}])|{_NAME})")
_SYMBOL_IN_ATTACHMENT = re.compile(r"Kèm theo (?P<type>[^\d\n]{2,40}?) số:? ?(?P<symbol>\d[\w/\-Đđ]{2,40})", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"(?:giai đoạn|nhiệm kỳ|thời kỳ|từ năm)?\s*(?P<first>(?:19|20)\d{2})\s*-\s*(?P<last>(?:19|20)\d{2})")
_YEAR = re.compile(r"năm (?P<year>(?:19|20)\d{2})")
_BODY_LINES = (("ỦY BAN MẶT TRẬN TỔ QUỐC", "Ủy ban MTTQ"), ("UỶ BAN MẶT TRẬN TỔ QUỐC", "Ủy ban MTTQ"), ("ỦY BAN MTTQ", "Ủy ban MTTQ"), ("UỶ BAN MTTQ", "Ủy ban MTTQ"), ("ỦY BAN NHÂN DÂN", "UBND"), ("UỶ BAN NHÂN DÂN", "UBND"), ("HỘI ĐỒNG NHÂN DÂN", "HĐND"), ("ĐẢNG ỦY", "Đảng ủy"), ("ĐẢNG UỶ", "Đảng ủy"), ("BAN THƯỜNG VỤ", "Ban Thường vụ"), ("TỈNH ỦY", "Tỉnh ủy"), ("THÀNH ỦY", "Thành ủy"))


@dataclass
class PlanFacts:
    symbol: str | None
    doc_type: str | None
    title: str | None
    issuer_body: str | None
    issuer: str | None
    level: str | None
    commune: str | None
    commune_kind: str | None
    province: str | None
    date: PartialDate | None
    signer: str | None
    period: list[int] | None
    issued_with: str | None
    province_code: str | None = None
    commune_code: str | None = None
    unit_era: str | None = None
    successor: dict | None = None
    units_from: str | None = None

    def context(self) -> PlanContext:
        """What resolving the plan's references needs to know about the plan."""
        return PlanContext(
            province=self.province, commune=self.commune, commune_kind=self.commune_kind, date=self.date,
            own_symbol=self.symbol, doc_type=self.doc_type, issuer_body=self.issuer_body, level=self.level,
        )


def _official(symbol: str | None) -> str | None:
    """The header's symbol in official spelling ("1961/QĐUBND" of a PDF copy is 1961/QĐ-UBND)."""
    parsed = parse_symbol(symbol) if symbol else None
    return parsed[0] if parsed else symbol


def read_plan_facts(structure: Structure) -> PlanFacts:
    header = structure.header
    doc_type = header.doc_type or _metadata_type(header.metadata) or None
    symbol = _official(header.symbol) or _symbol_from_metadata(header.metadata) or _symbol_from_appendices(structure, doc_type)
    doc_type = doc_type or _type_from_symbol(symbol)
    date = _date(structure)
    units = read_units(structure, date)
    level = units.level or _level_from_symbol(symbol)
    commune, commune_kind = units.commune_name, units.commune_kind
    province = units.province.name if units.province else None
    issuer_body = _issuer_body(structure, symbol)
    issuer = _issuer(issuer_body, level, commune, commune_kind, province, header.metadata.get("issuer"))
    if level == "central":
        province = None
    return PlanFacts(
        symbol=symbol,
        doc_type=doc_type,
        title=header.title or header.metadata.get("title"),
        issuer_body=issuer_body,
        issuer=issuer,
        level=level,
        commune=commune if level == "commune" else None,
        commune_kind=commune_kind if level == "commune" else None,
        province=province,
        date=date,
        signer=structure.signature.signer or header.metadata.get("signer"),
        period=_period(header.title or "", date),
        issued_with=_issued_with(header.issuing),
        province_code=units.province.code if units.province and level != "central" else None,
        commune_code=units.commune.code if units.commune and level == "commune" else None,
        unit_era=(units.commune or units.province).era if (units.commune or units.province) and level != "central" else None,
        successor=_successor(units.commune) if level == "commune" else None,
        units_from=units.source,
    )


def _type_from_symbol(symbol: str | None) -> str | None:
    """A copy that lost its type line still has the type code of its number: 983/KH-UBND is a Kế hoạch."""
    parsed = parse_symbol(symbol) if symbol else None
    doc_type = registry().doc_type_by_code(parsed[1]) if parsed and parsed[1] else None
    return doc_type.name if doc_type else None


def _level_from_symbol(symbol: str | None) -> str | None:
    """The level an issuer code implies on its own (TTg, CP, TW: central; TU: province)."""
    if not symbol:
        return None
    issuer = registry().issuer(re.split(r"[-/]", symbol)[-1])
    return issuer.level if issuer is not None and issuer.level in ("central", "province") else None


def _successor(commune: Commune | None) -> dict | None:
    """The commune since the reform that took over a pre-reform commune."""
    if commune is None or commune.era == "2025":
        return None
    after = gazetteer().successor(commune)
    if after is None:
        return None
    return {"commune": after.name, "commune_kind": after.kind, "commune_code": after.code, "province": after.province.name, "province_code": after.province.code}


def _metadata_type(metadata: dict) -> str | None:
    value = metadata.get("type")
    found = registry().doc_type_by_name(value) if value else None
    return found.name if found else None


def _symbol_from_metadata(metadata: dict) -> str | None:
    value = metadata.get("symbol", "").replace(" ", "")
    return value if re.match(r"^\d", value) else None


def _symbol_from_appendices(structure: Structure, doc_type: str | None) -> str | None:
    """An appendix "Kèm theo Kế hoạch số 86/KH-UBND" of a Kế hoạch names the plan itself."""
    for appendix in structure.appendices:
        match = _SYMBOL_IN_ATTACHMENT.search(appendix.attached_to or "")
        if match and doc_type and fold_key(match.group("type").strip()) == fold_key(doc_type):
            return match.group("symbol").rstrip(".,")
    return None


def _issued_with(issuing: str | None) -> str | None:
    if not issuing:
        return None
    match = _SYMBOL_IN_ATTACHMENT.search(issuing)
    return match.group("symbol").rstrip(".,") if match else None


def _date(structure: Structure) -> PartialDate | None:
    """The plan's date; a blank day stays unknown unless the plan names itself with a full date elsewhere."""
    header = structure.header
    if header.date and header.date.iso():
        return header.date
    candidates = []
    if header.issuing:
        candidates.append(parse_date(header.issuing))
    if header.metadata.get("date"):
        candidates.append(parse_date(header.metadata["date"]))
    for appendix in structure.appendices:
        if appendix.attached_to and _SYMBOL_IN_ATTACHMENT.search(appendix.attached_to):
            candidates.append(parse_date(appendix.attached_to))
    for candidate in candidates:
        if candidate and candidate.iso() and _consistent(header.date, candidate):
            return candidate
    return header.date


def _consistent(partial: PartialDate | None, full: PartialDate) -> bool:
    if partial is None:
        return True
    return partial.year == full.year and (partial.month is None or partial.month == full.month)


@dataclass
class UnitReading:
    """Where the document comes from: its level and units, checked against the gazetteer."""

    level: str | None
    province: Province | None
    commune: Commune | None
    commune_name: str | None
    commune_kind: str | None
    source: str  # which part of the document said so


_CENTRAL_BODIES = ("CHÍNH PHỦ", "THỦ TƯỚNG", "QUỐC HỘI", "TRUNG ƯƠNG", "BỘ CHÍNH TRỊ", "BAN BÍ THƯ", "VĂN PHÒNG TW")


def _before_reform(date: PartialDate | None) -> bool | None:
    if date is None:
        return None
    return (date.year, date.month or 12, date.day or 31) < REFORM_DATE


def _header_units(structure: Structure, before_reform: bool | None) -> list[NamedUnit]:
    """Units the issuer block names: parent body first, then the issuing body."""
    lines = [line for line in structure.header.issuer_lines if line == line.upper()]
    return units_in("\n".join(lines), before_reform)


def read_units(structure: Structure, date: PartialDate | None) -> UnitReading:
    """The document's level, province and commune.

    The issuer block decides when it names a unit the gazetteer holds (its most
    local unit is the issuer's); otherwise the website's metadata, the place of the
    place-and-date line, a central body in the issuer block, then the commune and
    province the title, preamble and body name most.
    """
    before = _before_reform(date)
    header = structure.header
    units = _header_units(structure, before)
    source = "issuer block"
    if not units and header.metadata.get("issuer"):
        units, source = units_in(header.metadata["issuer"], before), "metadata table"
    if not units and _names_central_body(header.issuer_lines):
        return UnitReading("central", None, None, None, None, "issuer block")
    commune_unit = next((unit for unit in reversed(units) if unit.level == "commune"), None)
    province_unit = next((unit for unit in units if unit.level == "province"), None)
    if not units and header.place:
        place_province = gazetteer().province(header.place, before)
        if place_province is not None and header.issuer_lines:
            return UnitReading("province", place_province, None, None, None, "place and date")
    if commune_unit is None and province_unit is None and not any(unit.level == "district" for unit in units):
        commune_unit = _commune_from_text(structure, before)
        source = "title and body"
        if commune_unit is None:
            province = _province(structure, None, before)
            if province is not None:
                return UnitReading("province", province, None, None, None, "body")
            return UnitReading(_enacting_level(structure, before), None, None, None, None, "enacting clause")
    if commune_unit is not None:
        province = province_unit.province if province_unit else None
        candidates = list(commune_unit.communes)
        if province is None and len({commune.province.name for commune in candidates}) > 1:
            # Names repeat across provinces: the province the document names tells them apart.
            province = _province(structure, commune_unit.name, before, within={commune.province.name for commune in candidates})
            province = province or _province(structure, commune_unit.name, before)
        if province is not None:
            candidates = [commune for commune in candidates if commune.province.name == province.name]
        commune = _one_commune(candidates)
        if province is None and commune is not None:
            province = commune.province
        return UnitReading("commune", province, commune, commune_unit.name, commune_unit.kind, source)
    if province_unit is None:
        return UnitReading("district", _province(structure, None, before), None, None, None, source)
    return UnitReading("province", province_unit.province, None, None, None, source)


# "Ủy ban nhân dân tỉnh ban hành Kế hoạch …", "UBND xã xây dựng Kế hoạch …": the issuing body
# speaks of itself by its kind alone, which tells the level when no unit is named.
_ENACTING = re.compile(
    r"(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND|Ban Thường vụ Đảng ủy|Đảng ủy|Ban Thường vụ)\s+"
    r"(?P<kind>tỉnh|thành phố|xã|phường|đặc khu|huyện|quận|thị xã)\s+(?:ban hành|xây dựng|quyết nghị|quyết định|triển khai|hướng dẫn)"
)
_ENACTING_PARTY = re.compile(r"(?P<body>Tỉnh ủy|Thành ủy|Huyện ủy)\s+(?:ban hành|xây dựng|quyết nghị|triển khai)")
_URBAN_DISTRICT = re.compile(r"(?<!\w)(?:Ủy ban nhân dân|UBND|các) quận(?!\w)", re.IGNORECASE)
_KIND_LEVELS = {"tỉnh": "province", "xã": "commune", "phường": "commune", "đặc khu": "commune", "huyện": "district", "quận": "district", "thị xã": "district"}


def _enacting_level(structure: Structure, before: bool | None) -> str | None:
    text = structure.text.normalized
    spans = structure.preamble or [(0, min(len(text), 3000))]
    for start, end in spans:
        match = _ENACTING.search(text, start, end)
        if match:
            kind = match.group("kind")
            if kind == "thành phố":
                # Before the reform a city could sit below a province, but only a centrally-governed
                # city had urban districts (quận); since July 2025 every "thành phố" is a province.
                return "province" if before is False or _URBAN_DISTRICT.search(text) else None
            return _KIND_LEVELS[kind]
        party = _ENACTING_PARTY.search(text, start, end)
        if party:
            return "district" if party.group("body") == "Huyện ủy" else "province"
    return None


def _one_commune(candidates: list[Commune]) -> Commune | None:
    current = [commune for commune in candidates if commune.era == "2025"]
    for group in (candidates, current):
        if len({commune.code for commune in group}) == 1:
            return group[0]
    return None


def _names_central_body(issuer_lines: list[str]) -> bool:
    joined = " ".join(line for line in issuer_lines if line == line.upper())
    return any(body in joined for body in _CENTRAL_BODIES) or bool(re.search(r"(?<![\w])BỘ [A-ZĐÀ-Ỹ]", joined))


def _commune_from_text(structure: Structure, before: bool | None) -> NamedUnit | None:
    """The commune the title, the issuing decision, the preamble and the body name most."""
    header = structure.header
    text = structure.text.normalized
    votes: Counter = Counter()
    found: dict[tuple[str, str], NamedUnit] = {}
    weighted = [(header.title or "", 3), (header.issuing or "", 3)]
    weighted += [(text[start:end], 2) for start, end in structure.preamble]
    weighted.append((text[:20000], 1))
    for value, weight in weighted:
        for unit in units_in(value, before):
            if unit.level == "commune":
                key = (unit.kind, unit.name)
                votes[key] += weight
                found.setdefault(key, unit)
    if header.place:
        for key in votes:
            if fold_key(key[1]) == fold_key(header.place):
                votes[key] += 5
    if not votes:
        return None
    return found[votes.most_common(1)[0][0]]


def _province(structure: Structure, commune: str | None, before: bool | None, within: set[str] | None = None) -> Province | None:
    """The province: "tỉnh X" / "thành phố X", or a province's name alone ("Sở KHĐT Hà Tĩnh"), most named."""
    reference = gazetteer()
    header = structure.header
    text = structure.text.normalized
    votes: Counter = Counter()
    found: dict[str, Province] = {}

    def vote(province: Province | None, weight: int) -> None:
        if province is not None and (within is None or province.name in within):
            votes[province.name] += weight
            found[province.name] = province

    for match in _PROVINCE_WORD.finditer(text):
        vote(reference.province(match.group("name").strip(), before), 3)
    pattern, names = _province_names()
    for match in pattern.finditer(text):
        preceding = text[max(0, match.start() - 8) : match.start()].lower()
        if "phường" in preceding or "xã" in preceding or (commune and match.group() == commune):
            continue
        vote(reference.province(names[match.group()], before), 1)
    if header.place:
        vote(reference.province(header.place, before), 2)
    if not votes:
        return None
    return found[votes.most_common(1)[0][0]]


@lru_cache(maxsize=1)
def _province_names() -> tuple[re.Pattern, dict[str, str]]:
    """Every province name and alias as written, in one pattern, and the name the gazetteer knows it by."""
    names = {name: province.name for province in registry().provinces for name in (province.name, *province.aliases)}
    alternation = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])"), names


def _issuer_body(structure: Structure, symbol: str | None) -> str | None:
    header = structure.header
    for line in header.issuer_lines:
        for caps, body in _BODY_LINES:
            if line.upper().startswith(caps):
                return body
    for own_or_issuing in (symbol, _issued_with(header.issuing)):
        if not own_or_issuing:
            continue
        code = re.split(r"[-/]", own_or_issuing)[-1]
        known = registry().issuer(code)
        if known:
            return "UBND" if known.code == "UBND" else known.name
    for role in structure.signature.roles:
        for caps, body in _BODY_LINES:
            if caps in role.upper():
                return body
    text = fold_key(structure.text.normalized[: 4000])
    if re.search(r"(?:ủy ban nhân dân|ubnd) (?:phường|xã|tỉnh|thành phố)(?: [^\n,.;]{0,40})? (?:ban hành|xây dựng)", text):
        return "UBND"
    return None


def _issuer(body: str | None, level: str | None, commune: str | None, commune_kind: str | None, province: str | None, stated: str | None) -> str | None:
    """The issuing body with its unit, spelled as references to it are ("UBND phường Tích Lương")."""
    if body is None or level not in ("commune", "province"):
        return body or stated
    context = PlanContext(province=province, commune=commune, commune_kind=commune_kind, date=None)
    if level == "commune":
        unit = commune_kind or "xã"
        phrase = f"{body} Đảng ủy {unit}" if body == "Ban Thường vụ" else f"{body} {unit}"
    else:
        found = registry().province(province) if province else None
        unit = "thành phố" if found and found.city else "tỉnh"
        phrase = f"{body} {'Thành ủy' if unit == 'thành phố' else 'Tỉnh ủy'}" if body == "Ban Thường vụ" else f"{body} {unit}"
    issuer, _, _ = canonical_issuer(phrase, context)
    return issuer


def _period(title: str, date: PartialDate | None) -> list[int] | None:
    match = _YEAR_RANGE.search(title)
    if match:
        return [int(match.group("first")), int(match.group("last"))]
    match = _YEAR.search(title)
    if match:
        return [int(match.group("year")), int(match.group("year"))]
    if date:
        return [date.year, date.year]
    return None


def field_sources(structure: Structure, facts: PlanFacts) -> list[tuple[str, object, str, tuple[int, int] | None]]:
    """Each header field with its value, the part of the document it was read from and that part's
    span in the normalized text: why a field came out as it did."""
    header = structure.header
    metadata = header.metadata

    def origin(in_header: bool, span, fallback: str) -> tuple[str, tuple[int, int] | None]:
        return ("header", span) if in_header else (fallback, None)

    symbol_from = origin(bool(header.symbol), header.symbol_span, "metadata table" if metadata.get("symbol") else "appendix (Kèm theo …)")
    date_from = origin(bool(header.date and facts.date == header.date), header.date_span, "issuing decision, metadata table or appendix")
    title_from = origin(bool(header.title), header.title_span, "metadata table")
    signer_from = ("signature block", structure.signature.span) if structure.signature.signer else ("metadata table", None)
    units_from = (facts.units_from or "", header.issuer_span if facts.units_from == "issuer block" else None)
    unit_codes = ", ".join(part for part in (f"province {facts.province_code}" if facts.province_code else "", f"commune {facts.commune_code}" if facts.commune_code else "") if part)
    rows = [
        ("symbol", facts.symbol, *symbol_from),
        ("type", facts.doc_type, "type line" if header.doc_type else ("metadata table" if metadata.get("type") else ("type code of the number" if facts.doc_type else "")), None),
        ("date", str(facts.date) if facts.date else None, *date_from),
        ("title", facts.title, *title_from),
        ("issuer", facts.issuer, "issuer block" if header.issuer_lines else "signature or body", header.issuer_span),
        ("level", facts.level, *units_from),
        ("province", facts.province, *units_from),
        ("commune", f"{facts.commune_kind} {facts.commune}" if facts.commune else None, *units_from),
        ("codes", f"{unit_codes} ({facts.unit_era} gazetteer)" if unit_codes else None, "gazetteer", None),
        ("signer", facts.signer, *signer_from),
    ]
    return [(name, value, source if value else "", span if value else None) for name, value, source, span in rows]


def has_official_header(structure: Structure) -> bool:
    """Whether the document opens with any part of an official header (issuer, number, place and date, type)."""
    header = structure.header
    return bool(header.symbol or header.number_blank or header.date or header.doc_type or any(line == line.upper() for line in header.issuer_lines))
