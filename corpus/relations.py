"""Lineage relations stated in a plan.

Two kinds of statement carry the cascade:

- the plan about itself: its preamble ("Thực hiện A; Căn cứ B; …"), its title
  ("Kế hoạch triển khai thực hiện Nghị quyết số 09-NQ/TU") and its issuing
  decision ("Kèm theo Quyết định số 477/QĐ-UBND");
- one cited document about another, inside one clause: "Kế hoạch số 155/KH-UBND …
  của UBND tỉnh thực hiện Nghị quyết số 71/NQ-CP" says 155/KH-UBND implements
  71/NQ-CP.  The cue word nearest the second document types the relation;
  documents joined by "và" with no cue between them share it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .records import Evidence, Reference, Relation
from .registry import alternation, keyed_pattern, parse_symbol, registry
from .text import UPPER, Text, fold_key

__all__ = ["Item", "extract_relations", "clauses", "sentence_around", "self_mentions"]


@dataclass
class Item:
    """A reference as it stands in the text."""

    start: int  # where its citation begins ("Kế hoạch số …")
    symbol_end: int  # end of the symbol or name
    full_end: int  # end of date and issuer
    reference: Reference | None  # None: the plan itself ("Kế hoạch này")


# A line end inside a symbol written across two lines ("45-\nNQ/TW") does not end a clause.
_CLAUSE_BREAK = re.compile(rf"(?=[;\n.])(?:;|(?<![-/])\n|\.(?=\s+[{UPPER}(\-+•]|\s*$))")
_SENTENCE_BREAK = re.compile(rf"(?=[\n.])(?:(?<![-/])\n|\.(?=\s+[{UPPER}(\-+•]|\s*$))")


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses of text[start:end], split at semicolons, line ends and sentence ends."""
    return _split(_CLAUSE_BREAK, text, start, end)


#: Evidence is one sentence, but never more than this many characters either side of the relation.
EVIDENCE_REACH = 600


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around text[start:end], clipped to EVIDENCE_REACH characters either side."""
    floor = max(0, start - EVIDENCE_REACH)
    left = max((match.end() for match in _SENTENCE_BREAK.finditer(text, floor, start)), default=floor)
    right_match = _SENTENCE_BREAK.search(text, end, min(len(text), end + EVIDENCE_REACH))
    right = right_match.start() + (1 if right_match.group() == "." else 0) if right_match else min(len(text), end + EVIDENCE_REACH)
    while left < start and text[left] in " \t\n":
        left += 1
    return left, right


def _split(pattern: re.Pattern, text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    position = start
    for match in pattern.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if end > position:
        pieces.append((position, end))
    return pieces


@lru_cache(maxsize=1)
def _cue_pattern() -> tuple[re.Pattern, dict[str, str]]:
    return keyed_pattern({fold_key(cue): predicate for cue, predicate in registry().relation_cues})


@lru_cache(maxsize=1)
def _opener_pattern() -> tuple[re.Pattern, dict[str, str]]:
    openers = {fold_key(cue): predicate for cue, predicate in registry().preamble_openers}
    # "Để tiếp tục thực hiện nghiêm Chỉ thị số …" opens a list as "Tiếp tục thực hiện" does.
    return re.compile(rf"\s*[-+•]?\s*(?:(?:để|nhằm)\s+)?(?:{alternation(openers)})(?!\w)"), openers


@lru_cache(maxsize=1)
def _self_head() -> tuple[re.Pattern, int]:
    """A type name ending where the pattern's search ends, and how far back one can start."""
    names = {fold_key(doc_type.name) for doc_type in registry().doc_types} | {fold_key(alias) for doc_type in registry().doc_types for alias in doc_type.aliases}
    return re.compile(rf"(?<!\w)(?:{alternation(names)})$"), max(map(len, names))


_THIS = re.compile(r" này(?!\w)")


def self_mentions(text: Text) -> list[Item]:
    """"Kế hoạch này", "Nghị quyết này": the plan speaking of itself, a subject of relations."""
    # " này" is rare and a literal, so the scan looks for it and then for the type name before it,
    # rather than trying every type name at every position of the plan.
    head, reach = _self_head()
    folded = text.fold
    found = []
    for match in _THIS.finditer(folded):
        name = head.search(folded, max(0, match.start() - reach), match.start())
        if name:
            found.append(Item(name.start(), match.end(), match.end(), None))
    return found


def _cues_between(folded: str, start: int, end: int) -> list[str]:
    pattern, cues = _cue_pattern()
    return [cues[match.group()] for match in pattern.finditer(folded, start, end)]


#: How far a cue word may stand before the document it governs ("thực hiện có hiệu quả các nội dung của Kế hoạch số …").
_CUE_REACH = 45


# "sơ kết tình hình triển khai thực hiện Nghị quyết 57": a report on implementing a document, not a statement that one does.
# "… Kết luận số 21-KL/TW … gắn với thực hiện Chỉ thị số 05-CT/TW": two tasks coupled, not one document implementing the other.
_REPORTED_IMPLEMENTATION = re.compile(r"(?:tình hình|kết quả|sơ kết|tổng kết|đánh giá|gắn với|gắn liền với)\s*(?:việc\s*)?$")


def _cue_reaches(folded: str, start: int, end: int) -> bool:
    pattern, _ = _cue_pattern()
    last = None
    for last in pattern.finditer(folded, start, end):
        pass
    if last is None or end - last.end() > _CUE_REACH:
        return False
    return not _REPORTED_IMPLEMENTATION.search(folded, max(start, last.start() - 20), last.start())


def _is_coordination(folded: str, start: int, end: int) -> bool:
    gap = folded[start:end].strip(" ,\t\n")
    return gap in ("", "và", "cùng", "cùng với", "và các", "hoặc") or (len(gap) <= 12 and re.fullmatch(r"(?:và|,|\s)+", gap) is not None)


_LEVEL_ORDER = {"central": 0, "province": 1, "district": 2, "commune": 3}
# Central state documents by the rank of their issuer: a law or resolution of the National Assembly,
# of its Standing Committee, of the Government, of the Prime Minister, of a ministry.
_STATE_RANKS = {"QH": 0, "UBTVQH": 1, "CP": 2, "TTg": 3}


def _state_rank(reference: Reference) -> int | None:
    parsed = parse_symbol(reference.symbol) if reference.symbol else None
    if parsed is None:
        return None
    issuer = parsed[2]
    known = registry().issuer(issuer)  # UBTVQH15 is UBTVQH, ĐĐQH15 is ĐĐQH
    if known is not None and known.track != "state":
        return None
    base = re.sub(r"\d+$", "", issuer.split("-")[0])  # QH15 is QH, UBTVQH15 is UBTVQH
    return _STATE_RANKS.get(base, 4 if known is None or known.level == "central" else None)


def _outranks(subject: Reference, obj: Reference) -> bool:
    """Implementation runs down the hierarchy: a document never implements one of lower rank."""
    subject_level, object_level = _LEVEL_ORDER.get(subject.level or ""), _LEVEL_ORDER.get(obj.level or "")
    if subject_level is not None and object_level is not None and subject_level != object_level:
        return subject_level < object_level
    if subject.level == obj.level == "central":
        subject_rank, object_rank = _state_rank(subject), _state_rank(obj)
        return subject_rank is not None and object_rank is not None and subject_rank < object_rank
    return False


def _may_implement(subject: Reference, obj: Reference) -> bool:
    """"Nghị định … hướng dẫn … Luật X và Quyết định … của Thủ tướng": a decree implements no decision
    of the Prime Minister. "Tờ trình số 04 … về Chương trình hành động thực hiện Nghị quyết 57": a
    proposal describes what it proposes, it implements nothing."""
    return subject.type != "Tờ trình" and not _outranks(subject, obj)


class _RelationBuilder:
    def __init__(self, text: Text):
        self.text = text
        self.relations: list[Relation] = []
        self.named_relations: list[Relation] = []
        self.seen: set[tuple[str, str, str]] = set()
        self.self_objects: set[str] = set()

    def add(self, subject: Reference | None, predicate: str, obj: Reference, start: int, end: int, confidence: float = 1.0, method: str = "explicit") -> None:
        """Record one relation; `subject` None is the plan itself."""
        subject_label = "self" if subject is None else subject.label
        key = (subject.id if subject else "self", predicate, obj.id)
        if key in self.seen or (subject is not None and subject.id == obj.id):
            return
        if predicate == "implements" and subject is not None and not _may_implement(subject, obj):
            return
        self.seen.add(key)
        if subject is None:
            self.self_objects.add(obj.id)
        sentence_start, sentence_end = sentence_around(self.text.normalized, start, end)
        original_start, original_end = self.text.to_original(sentence_start, sentence_end)
        evidence = Evidence(original_start, original_end, self.text.original[original_start:original_end].strip())
        relation = Relation(subject_label, predicate, obj.label, evidence, method, confidence, subject.id if subject else None, obj.id)
        unnamed = (subject is not None and subject.symbol is None) or (subject is not None and obj.symbol is None)
        (self.named_relations if unnamed else self.relations).append(relation)

    def has_self_relation(self, reference: Reference) -> bool:
        return reference.id in self.self_objects


def _items_in(items: list[Item], start: int, end: int) -> list[Item]:
    """The items (sorted by start) that begin in [start, end)."""
    starts = [item.start for item in items] if not hasattr(items, "starts") else items.starts
    return items[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]


class _SortedItems(list):
    """Items sorted by where they start, with the starts kept for bisection."""

    def __init__(self, items):
        super().__init__(sorted(items, key=lambda item: item.start))
        self.starts = [item.start for item in self]


def _same_document(first: Item, second: Item) -> bool:
    if first.reference is None or second.reference is None:
        return first.reference is second.reference
    return first.reference.id == second.reference.id


def _joined_by_comma(folded: str, first: Item, second: Item) -> bool:
    return folded[first.full_end : second.start].strip() == ","


def _nested_relations(builder: _RelationBuilder, folded: str, items: list[Item]) -> None:
    """Relations between the documents of one clause.

    "A … và B … thực hiện C": A and B implement C.  "A … sửa đổi, bổ sung P … thực
    hiện C": A amends P, and implements C as P does.
    """
    groups: dict[int, list[Item]] = {}
    objects: dict[int, tuple[list[Item], str]] = {}  # an object: the subjects and the predicate that reached it
    amended_by: dict[int, list[Item]] = {}
    for position, item in enumerate(items):
        groups[position] = [item]
        if position == 0:
            continue
        previous = items[position - 1]
        if _same_document(previous, item):
            groups[position] = groups[position - 1]
            continue
        predicates = _cues_between(folded, previous.symbol_end, item.start)
        if predicates and not _cue_reaches(folded, previous.symbol_end, item.start):
            predicates = []  # "… tiếp tục thực hiện “Tháng hành động” và hướng dẫn … tại Công văn số X": the cue's object came before X
        if predicates:
            predicate = predicates[-1]
            subjects = [member for member in groups[position - 1] if id(member) not in objects or member is previous]
            if len(subjects) > 1 and previous.full_end > previous.symbol_end and _joined_by_comma(folded, subjects[-2], previous):
                # "A, Kế hoạch số B ngày … của Tỉnh ủy về thực hiện C": a cue after B's own date
                # or issuer describes B alone ("A … và B … thực hiện C" says it of both).
                subjects = [previous]
            objects[id(item)] = (subjects, predicate)
            if item.reference is None:
                continue
            if _PASSIVE_AMENDMENT.search(folded, previous.symbol_end, item.start):
                # "A được sửa đổi, bổ sung bởi B": B amends A.
                if previous.reference is not None:
                    builder.add(item.reference, predicate, previous.reference, item.start, item.symbol_end)
                continue
            for subject in subjects:
                builder.add(subject.reference, predicate, item.reference, subject.start, item.symbol_end, 1.0 if subject is previous else 0.9)
            if predicate == "amends":
                amended_by[id(item)] = subjects
            if predicate == "implements":
                for amender in amended_by.get(id(previous), []):
                    builder.add(amender.reference, "implements", item.reference, amender.start, item.symbol_end, 0.9)
        elif _is_coordination(folded, previous.full_end, item.start):
            groups[position] = groups[position - 1] + [item]
            if id(previous) in objects and item.reference is not None:
                # "A về thực hiện B và C": A implements C too.
                subjects, predicate = objects[id(previous)]
                objects[id(item)] = (subjects, predicate)
                for subject in subjects:
                    if subject.reference is not None:
                        builder.add(subject.reference, predicate, item.reference, subject.start, item.symbol_end, 0.9)


_LIST_BOUNDARY = re.compile(r"[,;)]|(?<!\w)và(?!\w)")
_LIST_JOINERS = re.compile(r"^(?:\s|,|;|:|và|các|cùng với|cùng|\(|\))*$")
# "Luật … số 85/2015/QH13 … được sửa đổi, bổ sung bởi Luật số 83/2025/QH15": the amendment is part of the basis.
_PASSIVE_AMENDMENT = re.compile(r"(?<!\w)(?:được|đã được) (?:sửa đổi|bổ sung|thay thế)")
_NUMBER_FOLLOWS = re.compile(r"(?<!\w)số\s*:?\s*$")
_LIST_ENTRY = re.compile(r"\s*[-+•]\s+(?=\S)")
_CARRIES_LIST = re.compile(r"[;,]\s*$")  # searched within one paragraph: its last character


def _is_list_member(folded: str, previous: Item, item: Item) -> bool:
    """Whether `item` is another entry of the list a preamble cue opened, and not a document its neighbour cites.

    "Thực hiện A …, B … (sau đây gọi là …) và C …": A, B and C are entries.  "A … về
    ban hành Kế hoạch triển khai D": D is what A implements, not an entry.
    """
    between = folded[previous.symbol_end : item.start]
    named = previous.reference is not None and previous.reference.symbol is None
    # "Luật Ngân sách nhà nước số 83/2015/QH13": the name and its number (whose citation may begin inside the name).
    if named and (not between.strip() or (_NUMBER_FOLLOWS.search(between) and not _cues_between(folded, previous.symbol_end, item.start))):
        return True
    if _PASSIVE_AMENDMENT.search(between):
        return True
    boundaries = list(_LIST_BOUNDARY.finditer(between))
    if not boundaries:
        return False
    last = boundaries[-1]
    if not _LIST_JOINERS.match(between[last.start():]):
        return False
    # A cue after the last closing parenthesis opens a nested list that this item belongs to, unless
    # the neighbour could not implement it ("Nghị định … hướng dẫn thi hành … Luật X và Quyết định
    # … của Thủ tướng": the decision is another entry).
    closed = between.rfind(")")
    if not _cues_between(folded, previous.symbol_end + closed + 1, previous.symbol_end + last.start()):
        return True
    return previous.reference is not None and item.reference is not None and not _may_implement(previous.reference, item.reference)


@lru_cache(maxsize=1)
def _announcing_pattern() -> re.Pattern:
    _, openers = _opener_pattern()
    return re.compile(rf"(?<!\w)(?:{alternation(openers)})\s*:\s*$")


def _announced_list(folded: str, start: int, end: int) -> str | None:
    match = _announcing_pattern().search(folded, start, end)
    return _opener_pattern()[1][" ".join(match.group().rstrip(": ").split())] if match else None


def _self_relations(builder: _RelationBuilder, folded: str, items: list[Item], spans: list[tuple[int, int]], standing: str | None = None) -> None:
    """The preamble: a cue governs every entry of the list it introduces ("Thực hiện A; B và C"),
    across clauses and across paragraphs that end with ";" or ",". Under a heading such as
    "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH" the `standing` predicate governs every entry without a cue."""
    pattern, openers = _opener_pattern()
    predicate = standing
    list_continues = False
    for paragraph_start, paragraph_end in spans:
        if not list_continues:
            predicate = standing
        for clause_start, clause_end in _split(re.compile(";"), folded, paragraph_start, paragraph_end):
            opener = pattern.match(folded, clause_start, clause_end)
            if opener:
                predicate = openers[re.sub(r"^(?:để|nhằm)\s+", "", opener.group().strip(" -+•\t\n"))]
            clause_items = [item for item in _items_in(items, clause_start, clause_end) if item.reference is not None]
            if not clause_items:
                continue
            head = clause_items[0]
            confidence = 1.0
            entry = _LIST_ENTRY.match(folded, clause_start, head.start + 1) if predicate is None else None
            if entry is not None and head.start - entry.end() <= 2:
                # A bulleted list of documents under the title, its "Căn cứ:" lost in the copy.
                predicate, confidence = "based_on", 0.8
            if predicate is None or (head.start - clause_start > 80 and not opener):
                continue
            builder.add(None, predicate, head.reference, head.start, head.symbol_end, confidence)
            previous = head
            for item in clause_items[1:]:
                if item.reference.id == previous.reference.id:
                    continue
                if not _is_list_member(folded, previous, item):
                    continue
                builder.add(None, predicate, item.reference, item.start, item.symbol_end, 0.9)
                previous = item
        list_continues = _CARRIES_LIST.search(folded, paragraph_start, paragraph_end) is not None
        announced = _announced_list(folded, paragraph_start, paragraph_end)
        if announced is not None:
            # "Hội đồng nhân dân xã Gia Hanh căn cứ:" announces the list that follows.
            predicate, list_continues = announced, True


def _title_relation(builder: _RelationBuilder, folded: str, items: list[Item], span: tuple[int, int]) -> None:
    title_items = [item for item in _items_in(items, span[0], span[1]) if item.reference is not None]
    if not title_items:
        return
    head = title_items[0]
    predicates = _cues_between(folded, span[0], head.start)
    if predicates:
        builder.add(None, predicates[-1], head.reference, head.start, head.symbol_end)


def extract_relations(text: Text, items: list[Item], preamble: list[tuple[int, int]], title: tuple[int, int] | None, issuing: tuple[int, int] | None, basis_sections: list[tuple[int, int]] = ()) -> tuple[list[Relation], list[Relation]]:
    """(relations between the plan or symbols, relations that involve a document known only by name)."""
    builder = _RelationBuilder(text)
    folded = text.fold
    items = _SortedItems(items)
    if issuing:
        issuing_items = [item for item in _items_in(items, issuing[0], issuing[1]) if item.reference is not None]
        if issuing_items:
            head = issuing_items[0]
            builder.add(None, "issued_with", head.reference, head.start, head.symbol_end)
    if title:
        _title_relation(builder, folded, items, title)
    _self_relations(builder, folded, items, preamble)
    for start, end in basis_sections:
        _self_relations(builder, folded, items, _split(re.compile("\n"), folded, start, end), standing="based_on")
    for clause_start, clause_end in clauses(text.normalized, 0, len(text.normalized)):
        clause_items = _items_in(items, clause_start, clause_end)
        if len(clause_items) > 1:
            _nested_relations(builder, folded, clause_items)
    for item in items:
        if item.reference is not None and not builder.has_self_relation(item.reference):
            builder.add(None, "cites", item.reference, item.start, item.symbol_end)
    return _without_mutual_implementation(builder.relations), _without_mutual_implementation(builder.named_relations)


_DOWNWARD = ("implements", "continues")


def _without_mutual_implementation(relations: list[Relation]) -> list[Relation]:
    """A document cannot implement one that implements it: when a text seems to say both, neither reading holds."""
    stated = {(relation.subject_id or relation.subject, relation.object_id or relation.object) for relation in relations if relation.predicate in _DOWNWARD and relation.subject != "self"}
    return [
        relation for relation in relations
        if not (relation.predicate in _DOWNWARD and relation.subject != "self" and (relation.object_id or relation.object, relation.subject_id or relation.subject) in stated)
    ]
