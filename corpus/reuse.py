"""Copied passages between plans (text reuse).

Candidate pairs come from MinHash LSH over syllable shingles (datasketch); each
candidate is then aligned word by word (difflib) so that the exact spans in both
documents are known.  Small edits are allowed: matching runs separated by a few
changed words are merged.  Reuse inside one document is ignored.

Boilerplate is passed over: a passage most of whose shingles occur in many plans
(at least ``boilerplate_share`` of them, and at least 3) is formulaic text every
plan carries ("Trên đây là Kế hoạch …"), and one that mostly quotes the title of a
catalogue document is a citation; neither is a sign that one plan copied another.

A link is oriented by what the documents are: a commune plan sharing text with its
province's plan ``copies`` it; two commune plans of one province ``share a
template``; plans of different provinces ``share text`` (a central template, most
likely).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .records import PlanRecord, caption
from .registry import registry
from .structure import Structure, parse_structure
from .text import Text, fold_key

__all__ = ["Passage", "ReuseDocument", "ReuseLink", "document_passages", "find_reuse", "is_boilerplate", "reuse_document"]

_WORD = re.compile(r"\w+")
SHINGLE = 3


@dataclass
class Passage:
    start: int  # normalized offsets
    end: int
    words: list[str]
    offsets: list[tuple[int, int]]  # normalized offsets of each word

    @property
    def shingles(self) -> set[str]:
        return {" ".join(self.words[index : index + SHINGLE]) for index in range(max(1, len(self.words) - SHINGLE + 1))}


@dataclass
class ReuseDocument:
    """A document as text reuse sees it: its passages and what it is."""

    key: str  # the document's IRI (or any unique name)
    label: str
    source: str
    text: Text
    passages: list[Passage]
    level: str | None = None
    province: str | None = None
    commune: str | None = None
    date: str | None = None


@dataclass
class ReuseLink:
    first: ReuseDocument
    second: ReuseDocument
    orientation: str  # copies | shared_template | shared_text
    spans: list[dict] = field(default_factory=list)  # {"first": (start, end, text), "second": (...), "words": n, "score": s}
    words: int = 0
    boilerplate: bool = False

    @property
    def score(self) -> float:
        return max((span["score"] for span in self.spans), default=0.0)


def document_passages(text: Text, structure: Structure, min_words: int = 12) -> list[Passage]:
    """Paragraphs of the preamble and body long enough to be worth comparing."""
    spans = list(structure.preamble)
    for section in structure.walk():
        spans.extend(section.body)
    passages = []
    folded = text.fold
    for start, end in sorted(set(spans)):
        matches = list(_WORD.finditer(folded, start, end))
        if len(matches) < min_words:
            continue
        passages.append(Passage(start, end, [match.group() for match in matches], [(match.start(), match.end()) for match in matches]))
    return passages


WINDOW, STRIDE = 30, 15


@lru_cache(maxsize=1)
def _quoted_shingles() -> frozenset[str]:
    """Shingles of the catalogue's document subjects: two plans quoting the title of
    the same resolution have not copied each other."""
    shingles: set[str] = set()
    for entry in registry().catalogue:
        dated = f"ngày {entry.date.day}/{entry.date.month}/{entry.date.year} " if entry.date else ""
        words = _WORD.findall(fold_key(f"{entry.doc_type} số {entry.symbol} {dated}của {entry.issuer} {entry.subject}"))
        shingles |= {" ".join(words[index : index + SHINGLE]) for index in range(max(1, len(words) - SHINGLE + 1))}
    return frozenset(shingles)


def _windows(passage: Passage) -> list[set[str]]:
    words = passage.words
    starts = range(0, max(1, len(words) - WINDOW + 1), STRIDE) if len(words) > WINDOW else [0]
    return [{" ".join(words[index + offset : index + offset + SHINGLE]) for offset in range(max(1, min(WINDOW, len(words) - index) - SHINGLE + 1))} for index in starts]


def _orientation(first: ReuseDocument, second: ReuseDocument) -> tuple[str, ReuseDocument, ReuseDocument]:
    """(orientation, copier, source) — the copier is the lower level, or the later one."""
    rank = {"central": 0, "province": 1, "district": 2, "commune": 3}
    first_rank, second_rank = rank.get(first.level or "", 3), rank.get(second.level or "", 3)
    if first_rank != second_rank:
        copier, source = (first, second) if first_rank > second_rank else (second, first)
        return "copies", copier, source
    ordered = sorted((first, second), key=lambda document: (document.date or "9999", document.label))
    if first.province and first.province == second.province:
        return "shared_template", ordered[1], ordered[0]
    return "shared_text", ordered[1], ordered[0]


def _aligned_runs(first: Passage, second: Passage, min_words: int, max_gap: int = 3) -> list[tuple[int, int, int, int, int]]:
    """(first start word, first end word, second start word, second end word, matched words) of long common runs."""
    blocks = [block for block in difflib.SequenceMatcher(None, first.words, second.words, autojunk=False).get_matching_blocks() if block.size]
    runs: list[list[int]] = []
    for block in blocks:
        if runs and block.a - runs[-1][1] <= max_gap and block.b - runs[-1][3] <= max_gap and block.a >= runs[-1][1] and block.b >= runs[-1][3]:
            runs[-1][1], runs[-1][3] = block.a + block.size, block.b + block.size
            runs[-1][4] += block.size
        else:
            runs.append([block.a, block.a + block.size, block.b, block.b + block.size, block.size])
    return [tuple(run) for run in runs if run[4] >= min_words]


def find_reuse(documents: list[ReuseDocument], min_words: int = 12, threshold: float = 0.3, num_perm: int = 64,
               boilerplate_share: float = 0.5, include_boilerplate: bool = False) -> list[ReuseLink]:
    """Passages shared by pairs of documents, with their spans in both."""
    from datasketch import MinHash, MinHashLSH

    document_frequency: Counter = Counter()
    for document in documents:
        seen: set[str] = set()
        for passage in document.passages:
            seen |= passage.shingles
        document_frequency.update(seen)
    common = max(3, boilerplate_share * len(documents))

    # Windows of a passage, not whole passages, are hashed: a short paragraph copied
    # into a long one shares few shingles with all of it but nearly all with a window.
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures: list[tuple[int, int, MinHash]] = []
    quoted = _quoted_shingles()
    for document_index, document in enumerate(documents):
        for passage_index, passage in enumerate(document.passages):
            for window_index, shingles in enumerate(_windows(passage)):
                if sum(1 for shingle in shingles if document_frequency[shingle] >= common or shingle in quoted) > 0.5 * len(shingles):
                    continue  # boilerplate: every plan has it, so it says nothing about copying
                signature = MinHash(num_perm=num_perm, seed=7)
                signature.update_batch([shingle.encode("utf-8") for shingle in shingles])
                lsh.insert(f"{document_index}:{passage_index}:{window_index}", signature)
                signatures.append((document_index, passage_index, signature))

    links: dict[tuple[int, int], ReuseLink] = {}
    compared: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for document_index, passage_index, signature in signatures:
        for other in lsh.query(signature):
            other_document, other_passage, _ = map(int, other.split(":"))
            if other_document == document_index:
                continue
            pair = tuple(sorted(((document_index, passage_index), (other_document, other_passage))))
            if pair in compared:
                continue
            compared.add(pair)
            (first_index, first_passage), (second_index, second_passage) = pair
            _add_spans(links, documents, first_index, second_index, documents[first_index].passages[first_passage],
                       documents[second_index].passages[second_passage], min_words, document_frequency, common)
    found = [link for link in links.values() if link.spans and (include_boilerplate or not link.boilerplate)]
    return sorted(found, key=lambda link: (-link.words, link.first.label, link.second.label))


def _add_spans(links, documents, first_index, second_index, first_passage, second_passage, min_words, document_frequency, common) -> None:
    first, second = documents[first_index], documents[second_index]
    for a_start, a_end, b_start, b_end, matched in _aligned_runs(first_passage, second_passage, min_words):
        boilerplate = is_boilerplate(first_passage.words[a_start:a_end], document_frequency, common)
        key = (first_index, second_index)
        if key not in links:
            orientation, _, _ = _orientation(first, second)
            links[key] = ReuseLink(first, second, orientation, boilerplate=True)
        link = links[key]
        span_first = _span(first, first_passage, a_start, a_end)
        span_second = _span(second, second_passage, b_start, b_end)
        link.spans.append({"first": span_first, "second": span_second, "words": matched,
                           "score": round(matched / max(1, min(a_end - a_start, b_end - b_start)), 3), "boilerplate": boilerplate})
        if not boilerplate:
            link.boilerplate = False
            link.words += matched


def is_boilerplate(words: list[str], document_frequency: Counter, common: float) -> bool:
    """Whether a shared run of words is formulaic: most of its shingles occur in at least
    `common` documents, or quote the title of a catalogue document."""
    shingles = {" ".join(words[index : index + SHINGLE]) for index in range(max(1, len(words) - SHINGLE + 1))}
    return sum(1 for shingle in shingles if document_frequency[shingle] >= common or shingle in _quoted_shingles()) > 0.5 * max(1, len(shingles))


def _span(document: ReuseDocument, passage: Passage, start_word: int, end_word: int) -> tuple[int, int, str]:
    start, end = passage.offsets[start_word][0], passage.offsets[end_word - 1][1]
    original_start, original_end = document.text.to_original(start, end)
    return original_start, original_end, document.text.original[original_start:original_end]


def reuse_document(record: PlanRecord, text: Text, min_words: int = 12) -> ReuseDocument:
    """A document prepared for comparison, from its extraction record and text."""
    document = record.document
    unit = f"{document.commune_kind or 'xã'} {document.commune}" if document.commune else None
    head = f"{document.type or 'Kế hoạch'} {document.symbol}" if document.symbol else f"{document.type or 'Kế hoạch'} ({document.date or document.month or 'undated'})"
    label = caption(head, unit, document.province, document.level) if (document.symbol or unit) else record.source
    return ReuseDocument(
        key=document.id, label=label, source=record.source, text=text, passages=document_passages(text, parse_structure(text), min_words),
        level=document.level, province=document.province, commune=document.commune, date=document.date or document.month,
    )
