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

from corpus.registry import registry
from corpus.resolve import PlanContext, canonical_issuer
from corpus.structure import PartialDate, Structure, parse_date
from corpus.text import LOWER, UPPER, fold_key

__all__ = ["PlanFacts", "read_plan_facts"]

_NAME = rf"[{UPPER}][{LOWER}]{{0,7}}(?: [{UPPER}][{LOWER}]{{0,7}}){{0,4}}"
_COMMUNE = re.compile(rf"(?<![\w])(?P<kind>phường|Phường|xã|đặc khu|Đặc khu|thị trấn|Thị trấn) (?P<name>{_NAME}|\d{{1,2}})(?![\w])")
_COMMUNE_CAPS = re.compile(rf"(?P<kind>PHƯỜNG|XÃ|ĐẶC KHU|THỊ TRẤN) (?P<name>[{UPPER} ]{{2,40}})$")
_PROVINCE_WORD = re.compile(rf"(?<![\w])(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.?) ?(?P<name>[{UPPER} \-]{{3,30}}(?![{LOWER}])|{_NAME})")
_SYMBOL_IN_ATTACHMENT = re.compile(r"Kèm theo (?P<type>[^\d\n]{2,40}?) số:? ?(?P<symbol>\d[\w/\-Đđ]{2,40})", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"(?:giai đoạn|nhiệm kỳ|thời kỳ|từ năm)?\s*(?P<first>(?:19|20)\d{2})\s*-\s*(?P<last>(?:19|20)\d{2})")
_YEAR = re.compile(r"năm (?P<year>(?:19|20)\d{2})")
_BODY_LINES = (("ỦY BAN NHÂN DÂN", "UBND"), ("UỶ BAN NHÂN DÂN", "UBND"), ("HỘI ĐỒNG NHÂN DÂN", "HĐND"), ("ĐẢNG ỦY", "Đảng ủy"), ("ĐẢNG UỶ", "Đảng ủy"), ("BAN THƯỜNG VỤ", "Ban Thường vụ"), ("TỈNH ỦY", "Tỉnh ủy"), ("THÀNH ỦY", "Thành ủy"))


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

    def context(self) -> PlanContext:
        """What resolving the plan's references needs to know about the plan."""
        return PlanContext(
            province=self.province, commune=self.commune, commune_kind=self.commune_kind, date=self.date,
            own_symbol=self.symbol, doc_type=self.doc_type, issuer_body=self.issuer_body, level=self.level,
        )


def read_plan_facts(structure: Structure) -> PlanFacts:
    header = structure.header
    doc_type = header.doc_type or _metadata_type(header.metadata) or None
    symbol = header.symbol or _symbol_from_metadata(header.metadata) or _symbol_from_appendices(structure, doc_type)
    commune, commune_kind = _commune(structure)
    province = _province(structure, commune)
    issuer_body = _issuer_body(structure, symbol)
    level = _level(structure, commune, province, issuer_body)
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
        date=_date(structure),
        signer=structure.signature.signer or header.metadata.get("signer"),
        period=_period(header.title or "", _date(structure)),
        issued_with=_issued_with(header.issuing),
    )


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


def _commune(structure: Structure) -> tuple[str | None, str | None]:
    """The ward or commune: the most cited "phường X", the header place and title counting more."""
    header = structure.header
    text = structure.text.normalized
    votes: Counter = Counter()
    kinds: dict[str, str] = {}
    weighted = [(header.title or "", 3), (header.issuing or "", 3), (" ".join(header.issuer_lines), 3)]
    weighted += [(text[start:end], 2) for start, end in structure.preamble]
    weighted.append((text, 1))
    for value, weight in weighted:
        for match in _COMMUNE.finditer(value):
            name = match.group("name")
            votes[name] += weight
            kinds.setdefault(name, match.group("kind").lower())
    for line in header.issuer_lines:
        match = _COMMUNE_CAPS.search(line)
        if match:
            name = match.group("name").strip().title()
            votes[name] += 5
            kinds.setdefault(name, match.group("kind").lower())
    if header.place and header.place in votes:
        votes[header.place] += 5
    if not votes:
        return None, None
    name, _ = votes.most_common(1)[0]
    return name, kinds[name]


def _province(structure: Structure, commune: str | None) -> str | None:
    """The province: "tỉnh X" / "thành phố X" with a known name, or a known name alone ("Sở KHĐT Hà Tĩnh")."""
    reg = registry()
    header = structure.header
    text = structure.text.normalized
    votes: Counter = Counter()
    for line in header.issuer_lines:
        for match in _PROVINCE_WORD.finditer(line):
            province = reg.province(match.group("name").strip().title())
            if province:
                votes[province.name] += 10
    for match in _PROVINCE_WORD.finditer(text):
        province = reg.province(match.group("name").strip())
        if province:
            votes[province.name] += 3
    pattern, names = _province_names()
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 8) : match.start()].lower()
        if "phường" in before or "xã" in before or (commune and match.group() == commune):
            continue
        votes[names[match.group()]] += 1
    if header.place:
        place = reg.province(header.place)
        if place:
            votes[place.name] += 2
    if not votes:
        return None
    return votes.most_common(1)[0][0]


@lru_cache(maxsize=1)
def _province_names() -> tuple[re.Pattern, dict[str, str]]:
    """Every province name and alias as written, in one pattern, and the province each stands for."""
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


def _level(structure: Structure, commune: str | None, province: str | None, issuer_body: str | None) -> str | None:
    header = structure.header
    lines = " ".join(header.issuer_lines).upper()
    if any(word in lines for word in ("PHƯỜNG", "XÃ ", "ĐẶC KHU")) or lines.endswith("XÃ"):
        return "commune"
    if any(word in lines for word in ("TỈNH", "THÀNH PHỐ")) and not commune:
        return "province"
    if lines and any(word in lines for word in ("CHÍNH PHỦ", "TRUNG ƯƠNG", "QUỐC HỘI", "BỘ ")):
        return "central"
    if commune:
        return "commune"
    if province:
        return "province"
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
