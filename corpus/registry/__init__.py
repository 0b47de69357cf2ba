"""The knowledge the extractor relies on, kept as data beside this module.

Type codes, issuer codes, relation cue words, colloquial aliases, provinces, office
abbreviations and the catalogue of central documents are JSON and CSV files; the
reference patterns are compiled from them here (as eyecite compiles its patterns
from reporters-db).  Change the data, not the regexes.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..text import fold_key

__all__ = ["registry", "Registry", "DocType", "Issuer", "Province", "CatalogueEntry", "official_symbol", "parse_symbol", "symbol_key", "alternation", "keyed_pattern", "starts_with", "law_in_force"]

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DocType:
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    in_symbols: bool = True


@dataclass(frozen=True)
class Issuer:
    code: str
    name: str
    level: str
    track: str = "state"


@dataclass(frozen=True)
class Province:
    name: str
    city: bool = False
    current: bool = False
    merged_into: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueEntry:
    symbol: str
    doc_type: str
    date: date | None  # None: no public page checked gave it
    issuer: str
    level: str
    subject: str
    topics: tuple[str, ...]
    relations: tuple[tuple[str, str], ...]
    source: str
    #: Colloquial names and short forms plans write for it ("Đề án 06", "Luật Ngân sách nhà nước").
    names: tuple[str, ...] = ()
    #: The day a law takes effect: a law named without its number is the version in force.
    in_force: date | None = None

    @property
    def year(self) -> int | None:
        if self.date is not None:
            return self.date.year
        written = re.search(r"/((?:19|20)\d{2})/", self.symbol)
        return int(written.group(1)) if written else None


@dataclass
class Registry:
    doc_types: list[DocType]
    issuers: dict[str, Issuer]
    issuer_prefixes: list[tuple[str, str, str]]
    relation_cues: list[tuple[str, str]]
    preamble_openers: list[tuple[str, str]]
    title_cues: list[str]
    aliases: list[tuple[str, str]]
    provinces: list[Province]
    office_abbreviations: list[tuple[str, str]]
    canonical_offices: list[tuple[str, bool]]
    office_heads: list[str]
    office_placeholders: set[str]
    catalogue: list[CatalogueEntry]
    #: OCR's misreadings of issuer codes (ocr-repairs.json): letters it doubles, and look-alikes.
    ocr_repairs: tuple[tuple[str, ...], tuple[tuple[str, str], ...]] = ((), ())
    patterns: dict[str, re.Pattern] = field(default_factory=dict)
    _catalogue_by_key: dict[str, CatalogueEntry] | None = field(default=None, repr=False)
    _laws_by_name: dict[str, list[CatalogueEntry]] | None = field(default=None, repr=False)

    def doc_type_by_code(self, code: str) -> DocType | None:
        key = code.casefold()
        return next((doc_type for doc_type in self.doc_types if doc_type.code.casefold() == key), None)

    def doc_type_by_name(self, name: str) -> DocType | None:
        key = fold_key(name)
        for doc_type in self.doc_types:
            if key == fold_key(doc_type.name) or key in {fold_key(alias) for alias in doc_type.aliases}:
                return doc_type
        return None

    def issuer(self, code: str) -> Issuer | None:
        """The issuer behind a code; unlisted codes fall back to prefix rules (S… a department)."""
        found = self.issuers.get(code.casefold())
        if found:
            return found
        base = re.sub(r"\d+$", "", code)
        found = self.issuers.get(base.casefold())
        if found:
            return found
        for prefix, level, name in self.issuer_prefixes:
            if code.startswith(prefix) and len(code) > len(prefix):
                return Issuer(code, name, level)
        return None

    def canonical_issuer_code(self, code: str) -> str:
        found = self.issuers.get(code.casefold()) or self._repaired_issuer(code)
        return found.code if found else code

    def catalogued_repair(self, symbol: str) -> str:
        """`symbol`, or the one catalogue symbol an OCR misreading of it stands for
        ("31/CV-BCĐĐTKNQ18" for 31/CV-BCĐTKNQ18); a symbol the catalogue has is kept."""
        if self.catalogue_entry(symbol) is not None:
            return symbol
        known = {entry.symbol for entry in map(self.catalogue_entry, self._ocr_candidates(symbol)) if entry is not None}
        return known.pop() if len(known) == 1 else symbol

    def _ocr_candidates(self, written: str) -> set[str]:
        repeated, look_alikes = self.ocr_repairs
        candidates = {re.sub(f"{re.escape(letter)}{{2,}}", letter, written) for letter in repeated if letter * 2 in written}
        return candidates | {written.replace(wrong, right) for wrong, right in look_alikes if wrong in written}

    def _repaired_issuer(self, code: str) -> Issuer | None:
        """The known issuer an OCR misreading of `code` stands for ("ĐĐU" for ĐU), if exactly one."""
        candidates = self._ocr_candidates(code)
        known = {self.issuers[candidate.casefold()].code: self.issuers[candidate.casefold()] for candidate in candidates if candidate.casefold() in self.issuers}
        return next(iter(known.values())) if len(known) == 1 else None

    def catalogue_entry(self, symbol: str) -> CatalogueEntry | None:
        if self._catalogue_by_key is None:
            self._catalogue_by_key = {symbol_key(entry.symbol): entry for entry in self.catalogue}
        return self._catalogue_by_key.get(symbol_key(symbol))

    def law_versions(self, name: str) -> list[CatalogueEntry]:
        """The catalogue's laws that `name` names ("Luật Ngân sách nhà nước"), oldest first."""
        if self._laws_by_name is None:
            laws: dict[str, list[CatalogueEntry]] = {}
            for entry in self.catalogue:
                if entry.doc_type == "Luật":
                    for law_name in entry.names:
                        laws.setdefault(fold_key(" ".join(law_name.split())), []).append(entry)
            self._laws_by_name = {key: sorted(found, key=_taking_effect) for key, found in laws.items()}
        return self._laws_by_name.get(fold_key(" ".join(name.split())), [])

    def province(self, name: str) -> Province | None:
        key = fold_key(name)
        for province in self.provinces:
            if key == fold_key(province.name) or key in {fold_key(alias) for alias in province.aliases}:
                return province
        return None


def official_symbol(match: re.Match) -> tuple[str, str, str, str | None, str]:
    """(symbol, type code, issuer code, year written in the symbol, number) in official spelling,
    from a match of the registry's ``symbol`` pattern; a misreading by OCR of a symbol the
    catalogue holds is read as that symbol."""
    symbol, *parts = _official_symbol(match)
    return (registry().catalogued_repair(symbol), *parts)  # type: ignore[return-value]


def _official_symbol(match: re.Match) -> tuple[str, str, str, str | None, str]:
    reg = registry()
    if match.group("p_number"):
        doc_type = reg.doc_type_by_code(match.group("p_type"))
        issuer = reg.canonical_issuer_code(match.group("p_issuer"))
        number = match.group("p_number")
        return f"{number}-{doc_type.code}/{issuer}", doc_type.code, issuer, None, number
    if match.group("s_number"):
        doc_type = reg.doc_type_by_code(match.group("s_type"))
        issuer = reg.canonical_issuer_code(match.group("s_issuer").replace(" ", ""))
        number, year = match.group("s_number"), match.group("s_year")
        known = reg.issuer(issuer)
        if not year and known is not None and known.track == "party" and "-" not in issuer:
            # "Nghị quyết số 27/NQ- TW": a Party body numbers its documents in the Party form, 27-NQ/TW.
            return f"{number}-{doc_type.code}/{issuer}", doc_type.code, issuer, None, number
        middle = f"/{year}" if year else ""
        return f"{number}{middle}/{doc_type.code}-{issuer}", doc_type.code, issuer, year, number
    if match.group("v_number"):
        number, issuer = match.group("v_number"), match.group("v_issuer")
        return f"{number}/{issuer}-{match.group('v_unit')}", "CV", issuer, None, number
    number, year, issuer = match.group("l_number"), match.group("l_year"), match.group("l_issuer").replace("-", "")  # "QH-15" is QH15
    if not issuer[-1].isdigit():
        issuer += _legislature(int(year))  # "72/2025/QH" was passed by the 15th National Assembly
    return f"{number}/{year}/{issuer}", "", issuer, year, number


# The terms of the National Assembly, by the years wholly inside them (a term changes in the middle
# of 2011, 2016 and 2021, so a law of those years keeps the symbol as written).
_LEGISLATURES = ((2022, 2026, "15"), (2017, 2020, "14"), (2012, 2015, "13"), (2008, 2010, "12"), (2003, 2006, "11"))


def _legislature(year: int) -> str:
    return next((term for first, last, term in _LEGISLATURES if first <= year <= last), "")


def parse_symbol(symbol: str) -> tuple[str, str, str, str | None, str] | None:
    """The parts of a symbol written alone ("57-NQ/TW", "nq 57/tw" is not one)."""
    match = registry().patterns["symbol"].fullmatch(symbol.strip())
    return official_symbol(match) if match else None


def symbol_key(symbol: str) -> str:
    """A symbol compared without spaces, case or tone-placement differences."""
    return fold_key(re.sub(r"\s+", "", symbol))


def _read_json(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def _taking_effect(entry: CatalogueEntry) -> tuple[int, int, int]:
    """When a law takes effect: its date in force, else the day it was passed, else its year."""
    known = entry.in_force or entry.date
    return (known.year, known.month, known.day) if known else (entry.year or 0, 1, 1)


def law_in_force(name: str, written_year: int | None, on: tuple[int, int, int] | None) -> CatalogueEntry | None:
    """The version of a law named without its number that a plan means.

    A year written with the name ("Luật Đất đai năm 2024") picks that version; otherwise
    the last version in effect on the plan's date `on` (year, month, day); a plan of
    unknown date means the newest.  None when the catalogue cannot tell.
    """
    versions = registry().law_versions(name)
    if written_year is not None:
        return next((entry for entry in versions if entry.year == written_year), None)
    if on is None:
        return versions[-1] if versions else None
    in_effect = [entry for entry in versions if _taking_effect(entry) <= on]
    return in_effect[-1] if in_effect else None


def _optional_date(value: str | None) -> date | None:
    value = (value or "").strip()
    return date.fromisoformat(value) if value else None


def _listed(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def _read_catalogue() -> list[CatalogueEntry]:
    entries = []
    with open(DATA_DIR / "central-documents.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            relations = []
            for part in _listed(row.get("relations")):
                words = part.split()
                if len(words) == 2:
                    relations.append((words[0], words[1]))
            entries.append(
                CatalogueEntry(
                    symbol=row["symbol"].strip(),
                    doc_type=row["type"].strip(),
                    date=_optional_date(row["date"]),
                    issuer=row["issuer"].strip(),
                    level=row["level"].strip(),
                    subject=row["subject_vi"].strip(),
                    topics=_listed(row["topics_vi"]),
                    relations=tuple(relations),
                    source=row["source"].strip(),
                    names=_listed(row.get("names")),
                    in_force=_optional_date(row.get("in_force")),
                )
            )
    return entries


def alternation(values) -> str:
    """A regex alternation of literal strings, longest first so that the longest one wins."""
    return "|".join(re.escape(value) for value in sorted(set(values), key=len, reverse=True))


def starts_with(values) -> str:
    """A look-ahead for the first characters of `values` (none if a value is empty).

    Put before a pattern, it lets the scanner pass over a position with one test instead of
    trying every alternative there: the patterns over a whole plan run two to three times faster.
    """
    firsts = {value[:1] for value in values}
    if "" in firsts:
        return ""
    firsts |= {character.upper() for character in firsts} | {character.lower() for character in firsts}
    return "(?=[" + "".join(re.escape(character) for character in sorted(firsts)) + "])"


def keyed_pattern(mapping: dict[str, str], after: str = r"(?!\w)") -> tuple[re.Pattern, dict[str, str]]:
    """A pattern matching any key of `mapping` as whole words (keys are fold keys), and the mapping."""
    return re.compile(rf"{starts_with(mapping)}(?<!\w)(?:{alternation(mapping)}){after}"), mapping


def _compile_patterns(reg: Registry) -> dict[str, re.Pattern]:
    codes = [doc_type.code for doc_type in reg.doc_types if doc_type.in_symbols]
    type_code = f"(?i:{alternation(codes)})"
    issuer_code = r"[A-ZĐ][A-Za-zĐđ0-9]{0,15}"
    gap = r"[ \t]{0,3}(?:\n[ \t]{0,3}){0,2}"
    # Text taken from a PDF loses the dash: "1961/QĐUBND", "61/2018/NĐCP". Only a known issuer code
    # may then follow the type code directly.
    known_issuers = sorted({issuer.code for issuer in reg.issuers.values() if issuer.code.isupper() and len(issuer.code) >= 2} | {"TTg"}, key=len, reverse=True)
    lost_dash = rf"(?=(?:{'|'.join(map(re.escape, known_issuers))})(?![a-zđ]))"
    type_names = [doc_type.name for doc_type in reg.doc_types] + [alias for doc_type in reg.doc_types for alias in doc_type.aliases]
    type_word = rf"(?P<type_word>(?i:{alternation(type_names)}))(?:[ \t]{{1,3}}(?i:liên tịch))?[ \t\n]{{0,3}}(?:(?i:số)[ \t\n]{{0,3}})?"
    # Party form: 57-NQ/TW, 91- KL/TW, 45-\nNQ/TW.  State form: 71/NQ-CP, 112/2024/NĐ-CP, 31/CV-BCĐTKNQ18
    # (written 72/2025/NQLT/UBTVQH15-CP too).
    party = rf"(?P<p_number>\d{{1,5}}){gap}-{gap}(?P<p_type>{type_code}){gap}/{gap}(?P<p_issuer>{issuer_code})"
    state = rf"(?P<s_number>\d{{1,5}}(?:[a-e]|\.\d{{1,2}})?)(?:{gap}/{gap}(?P<s_year>(?:19|20)\d{{2}}))?{gap}/{gap}(?P<s_type>{type_code})(?:{gap}[-/]{gap}|{lost_dash})(?P<s_issuer>{issuer_code}(?:-[ ]?[A-ZĐ][A-ZĐ0-9&]{{1,15}}){{0,4}})"
    law = r"(?P<l_number>\d{1,3})/(?P<l_year>(?:19|20)\d{2})/(?P<l_issuer>(?:UBTV)?QH(?:-?\d{1,2})?)"
    # An official letter (công văn) carries no type code: 5511/BKHCN-CĐSQG, 2731/UBND-NN.
    letter = rf"(?P<v_number>\d{{1,5}}){gap}/{gap}(?P<v_issuer>UBND|VPCP|B[A-ZĐ]{{1,7}})-(?P<v_unit>[A-ZĐ][A-ZĐ0-9&]{{0,14}})"
    boundary_before = r"(?<![\w/.\-])"
    boundary_after = r"(?![\w/]|-[A-Za-zĐđ0-9])"
    symbol = rf"(?=\d){boundary_before}(?:{party}|{state}|{law}|{letter}){boundary_after}"
    blank = rf"(?=[.…_ \t]{{0,22}}/)(?<![\w/])(?P<dots>[.…_]{{0,20}})[ \t]{{0,2}}/[ \t]{{0,2}}(?P<b_type>{type_code})-(?P<b_issuer>{issuer_code}){boundary_after}"
    date_after = rf"[ \t]{{0,3}},?{gap}(?:(?i:ngày){gap})?(?:(?P<d_day>\d{{1,2}}){gap}[/.\-]{gap}(?P<d_month>\d{{1,2}}){gap}[/.\-]{gap}(?P<d_year>(?:19|20)\d{{2}})(?!\d)|(?P<w_day>\d{{1,2}}){gap}(?i:tháng){gap}(?P<w_month>\d{{1,2}}){gap}(?i:năm){gap}(?P<w_year>(?:19|20)\d{{2}}))"
    stop_words = r"về|thực hiện|triển khai|ban hành|ngày|và|tại|trong|đã|được|đến|nhằm|theo|để|cụ thể hóa|gắn với|giai đoạn|năm|trên|đối với|với"
    issuer_after = rf"[ \t]{{0,3}},?{gap}(?i:của){gap}(?P<issuer>(?:(?!\s(?i:{stop_words})\b)[^,;.()\n\"“”]){{2,120}})"
    return {
        "symbol": re.compile(symbol),
        "blank": re.compile(blank),
        "type_word_before": re.compile(rf"{starts_with(type_names)}{type_word}$"),
        "date_after": re.compile(date_after),
        "issuer_after": re.compile(issuer_after),
        "short_name": re.compile(r"[ \t]{0,3}\((?:(?i:sau đây gọi (?:tắt )?là|sau đây viết tắt là|gọi tắt là|viết tắt là)[ \t]{1,3})?(?P<short>[^()\n]{3,90})\)"),
    }


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry, loaded once per process."""
    types = _read_json("doc-types.json")["types"]
    issuers = _read_json("issuers.json")
    cues = _read_json("cues.json")
    offices = _read_json("offices.json")
    reg = Registry(
        doc_types=[DocType(item["code"], item["name"], tuple(item.get("aliases", ())), item.get("symbol", True)) for item in types],
        issuers={item["code"].casefold(): Issuer(item["code"], item["name"], item["level"], item.get("track", "state")) for item in issuers["issuers"]},
        issuer_prefixes=[(rule["prefix"], rule["level"], rule["name"]) for rule in issuers["prefix_rules"]],
        relation_cues=[(item["cue"], item["predicate"]) for item in cues["relation_cues"]],
        preamble_openers=[(item["cue"], item["predicate"]) for item in cues["preamble_openers"]],
        title_cues=list(cues["title_cues"]),
        aliases=[],
        provinces=[
            Province(item["name"], item.get("city", False), item.get("current", False), item.get("merged_into"), tuple(item.get("aliases", ())))
            for item in _read_json("provinces.json")["provinces"]
        ],
        office_abbreviations=[(item["short"], item["long"]) for item in offices["abbreviations"]],
        canonical_offices=[(item["name"], item["with_unit"]) for item in offices["canonical"]],
        office_heads=list(offices["office_heads"]),
        office_placeholders={fold_key(value) for value in offices["placeholders"]},
        catalogue=_read_catalogue(),
        ocr_repairs=_ocr_repairs(),
    )
    # A law's name stands for whichever version is in force (see `law_versions`); every
    # other name in the catalogue stands for one document.
    reg.aliases.extend((name, entry.symbol) for entry in reg.catalogue if entry.doc_type != "Luật" for name in entry.names)
    reg.aliases.extend(_generated_aliases(reg))
    reg.patterns = _compile_patterns(reg)
    return reg


def date_figures() -> dict[str, str]:
    """The letters OCR reads for figures in a date, and the figure each stands for (ocr-repairs.json)."""
    return dict(_read_json("ocr-repairs.json")["figures_in_dates"])


def _ocr_repairs() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    repairs = _read_json("ocr-repairs.json")
    return tuple(repairs["repeated_letters"]), tuple((wrong, right) for wrong, right in repairs["look_alikes"])


def _generated_aliases(reg: Registry) -> list[tuple[str, str]]:
    """"Nghị quyết 57 của Bộ Chính trị" for each Party resolution of the catalogue."""
    aliases = []
    for entry in reg.catalogue:
        match = re.match(r"^(\d+)-([A-Za-z]+)/TW$", entry.symbol)
        if not match:
            continue
        issuer = entry.issuer.split(" (")[0]
        for written in (f"{entry.doc_type} {match.group(1)}", f"{entry.doc_type} số {match.group(1)}"):
            aliases.append((f"{written} của {issuer}", entry.symbol))
    return aliases
