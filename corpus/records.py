"""Plain records: what layer 1 hands to the ontology layer and prints as JSON.

Field names follow the `lineage extract` contract (DESIGN.md section 5); offsets
are into the original file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXTRACTOR_VERSION = "lineage-extract/1"

PREDICATES = ("implements", "based_on", "cites", "amends", "replaces", "continues", "issued_with")
LEVELS = ("central", "province", "district", "commune")


@dataclass
class Mention:
    start: int
    end: int
    text: str


@dataclass
class Reference:
    id: str
    symbol: str | None
    name: str | None
    type: str | None
    date: str | None
    year: int | None
    issuer: str | None
    level: str | None
    subject: str | None = None
    number: str | None = None
    month: str | None = None
    province: str | None = None
    resolved_by: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    #: A document cited by name only that the catalogue identifies: the law in force, for a
    #: law named without its number.  `symbol` stays null: the plan did not write it.
    resolved_symbol: str | None = None

    @property
    def label(self) -> str:
        return self.symbol or self.name or self.id


@dataclass
class Evidence:
    start: int
    end: int
    sentence: str


@dataclass
class Relation:
    subject: str
    predicate: str
    object: str
    evidence: Evidence
    method: str = "explicit"
    confidence: float = 1.0
    subject_id: str | None = None
    object_id: str | None = None


@dataclass
class Task:
    id: str
    section: str
    text: str
    lead: list[str]
    partners: list[str]
    period: str | None
    output: str | None
    implements: list[str]
    supervisor: str | None = None
    number: str | None = None
    start: int = 0
    end: int = 0
    implements_named: list[str] = field(default_factory=list)
    #: Policies the task implements by inference: {"symbol", "id", "method", "confidence", "terms"}.
    inferred: list[dict] = field(default_factory=list)


@dataclass
class Indicator:
    name: str
    target: float | None
    unit: str | None
    comparator: str | None
    year: int | None
    lead: str | None
    group: str | None = None
    target_max: float | None = None
    period: list[int] | None = None
    text: str = ""
    start: int = 0
    end: int = 0


@dataclass
class OcrReading:
    """Which pages of the file were read by OCR (1-based), with Tesseract's mean word
    confidence (0–100) over them and for each of them."""

    pages: list[int]
    confidence: float
    page_confidence: list[float]

    @classmethod
    def of(cls, confidences: dict[int, float]) -> "OcrReading":
        """From each page's confidence, keyed by its 0-based number."""
        numbers = sorted(confidences)
        page_confidence = [round(confidences[number], 1) for number in numbers]
        return cls([number + 1 for number in numbers], round(sum(page_confidence) / len(numbers), 1), page_confidence)


@dataclass
class DocumentInfo:
    id: str
    symbol: str | None
    type: str | None
    title: str | None
    issuer: str | None
    level: str | None
    commune: str | None
    province: str | None
    date: str | None
    signer: str | None
    period: list[int] | None
    month: str | None = None
    commune_kind: str | None = None
    issued_with: str | None = None
    province_code: str | None = None
    commune_code: str | None = None
    unit_era: str | None = None  # "2025" (34 provinces, 3,321 communes) or "legacy" (before 1 July 2025)
    successor: dict | None = None  # the post-reform commune that took over a legacy one


@dataclass
class PlanRecord:
    source: str
    document: DocumentInfo
    references: list[Reference]
    relations: list[Relation]
    tasks: list[Task]
    indicators: list[Indicator]
    named_relations: list[Relation] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extractor: str = EXTRACTOR_VERSION
    ocr: OcrReading | None = None  # set when some of the file was a scan

    def to_dict(self) -> dict:
        """The JSON object of the `lineage extract` contract.

        A date whose day was left blank is written with the precision it has
        ("2025-11", ISO 8601); the day is never invented.
        """
        data = asdict(self)
        document = data["document"]
        if document["date"] is None and document.get("month"):
            document["date"] = document["month"]
        return data


def caption(head: str, unit: str | None, province: str | None, level: str | None = None) -> str:
    """The name that tells a document or task apart from every other: "Kế hoạch 4/KH-UBND —
    phường Tích Lương, Thái Nguyên" (every commune has a plan 4).  `head`: its type and
    number ("Kế hoạch 4/KH-UBND") or what stands for them; `unit`: "phường Tích Lương"."""
    if level == "central":
        return head
    place = ", ".join(part for part in (unit, province) if part)
    return f"{head} — {place}" if place else head
