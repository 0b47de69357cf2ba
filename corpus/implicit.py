"""Implicit lineage: links a plan states without a document number.

- Descriptive references: "các Nghị quyết chiến lược của Bộ Chính trị về chuyển
  đổi số, hội nhập quốc tế, …" names resolutions by their subjects; each item of the
  list is matched against the catalogue (method ``description``).
- Topic links: a task whose text carries a policy's topic terms, without citing the
  policy, implements it by inference (method ``topic``).

Both are inferences and say so: they carry their method and a confidence below 1,
and never enter the plan's list of references.  Thresholds favour precision:

- a list item must be at least two words and match exactly one resolution (first by
  being part of its subject, then by containing or being one of its topics);
- a topic link weighs the policy's topic terms found in the task (a generic term
  such as "y tế" counts half, see ``corpus/registry/topics.json``) and needs 1.5, or
  one specific term of three words or more; only root policies (documents that
  implement no other) are candidates, only the best one is linked (the most recent
  on a tie), it must be older than the plan, and a task that already cites a central
  document gets no topic link (see corpus.extract).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .registry import DATA_DIR, CatalogueEntry, alternation, registry, starts_with
from .structure import PartialDate
from .text import Text, fold_key

__all__ = ["DescriptiveReference", "TopicLink", "descriptive_references", "topic_links", "TOPIC_CONFIDENCE_CAP"]

TOPIC_CONFIDENCE_CAP = 0.85
DESCRIPTION_CONFIDENCE = 0.8

_DESCRIPTIVE = re.compile(
    r"(?=[cnN])(?:các |những )?(?:Nghị quyết|nghị quyết)(?: chiến lược| quan trọng| chuyên đề)?(?: đột phá)? của (?P<issuer>Bộ Chính trị|Ban Chấp hành Trung ương(?: Đảng)?|Trung ương)"
    r" về (?P<items>[^.;()\n]{5,400})"
)
_ITEM_SPLIT = re.compile(r",\s*|\s+và\s+")


@dataclass
class DescriptiveReference:
    symbol: str
    start: int
    end: int
    item: str


@dataclass
class TopicLink:
    symbol: str
    terms: list[str]
    confidence: float


def _party_resolutions() -> list[CatalogueEntry]:
    return [entry for entry in registry().catalogue if entry.symbol.endswith("/TW") and entry.doc_type == "Nghị quyết"]


def _match_item(item: str, candidates: list[CatalogueEntry]) -> CatalogueEntry | None:
    key = fold_key(item)
    if len(key.split()) < 2:
        return None
    by_subject = [entry for entry in candidates if key in fold_key(entry.subject)]
    if len(by_subject) == 1:
        return by_subject[0]
    by_topic = [entry for entry in candidates if any(fold_key(topic) in key or key in fold_key(topic) for topic in entry.topics)]
    if len(by_topic) == 1:
        return by_topic[0]
    return None


def descriptive_references(text: Text) -> list[DescriptiveReference]:
    """Resolutions named by their subjects in a list after "… của Bộ Chính trị về".

    >>> from corpus.text import normalize
    >>> found = descriptive_references(normalize("thực hiện các Nghị quyết chiến lược của Bộ Chính trị về chuyển đổi số, hội nhập quốc tế, phát triển kinh tế tư nhân."))
    >>> [item.symbol for item in found]
    ['57-NQ/TW', '59-NQ/TW', '68-NQ/TW']
    """
    candidates = _party_resolutions()
    found: list[DescriptiveReference] = []
    for match in _DESCRIPTIVE.finditer(text.normalized):
        items_text = match.group("items")
        if registry().patterns["symbol"].match(items_text.strip()):
            continue
        position = match.start("items")
        seen: set[str] = set()
        for piece in _ITEM_SPLIT.split(items_text):
            start = text.normalized.find(piece, position)
            position = max(position, start + len(piece))
            entry = _match_item(piece.strip(), candidates)
            if entry is None or entry.symbol in seen:
                continue
            seen.add(entry.symbol)
            original_start, original_end = text.to_original(start, start + len(piece))
            found.append(DescriptiveReference(entry.symbol, original_start, original_end, piece.strip()))
    return found


@lru_cache(maxsize=1)
def _topic_rules() -> tuple[set[str], float, int]:
    data = json.loads((DATA_DIR / "topics.json").read_text(encoding="utf-8"))
    return {fold_key(term) for term in data["generic"]}, float(data["threshold"]), int(data["specific_words"])


@lru_cache(maxsize=1)
def _topic_index() -> tuple[list[tuple[CatalogueEntry, list[str]]], re.Pattern]:
    """Root policies of the catalogue with their topic terms, and one pattern for every term."""
    roots = [(entry, list(entry.topics)) for entry in registry().catalogue if entry.topics and not entry.relations]
    terms = {fold_key(topic) for _, topics in roots for topic in topics}
    return roots, re.compile(rf"{starts_with(terms)}(?<!\w)(?:{alternation(terms)})(?!\w)")


def _weight(terms: list[str]) -> tuple[float, bool]:
    generic, _, specific_words = _topic_rules()
    weight = sum(0.5 if fold_key(term) in generic else 1.0 for term in terms)
    specific = any(fold_key(term) not in generic and len(term.split()) >= specific_words for term in terms)
    return weight, specific


def topic_links(task_text: str, cited: set[str], plan_date: PartialDate | None) -> list[TopicLink]:
    """The policy a task implements by its topic terms, without citing it.

    >>> [(link.symbol, link.terms) for link in topic_links("Triển khai chính quyền số; ứng dụng trí tuệ nhân tạo trong điều hành.", set(), None)]
    [('57-NQ/TW', ['chính quyền số', 'trí tuệ nhân tạo'])]
    >>> topic_links("Ứng dụng khoa học công nghệ vào sản xuất nông nghiệp.", set(), None)
    []
    """
    _, threshold, _ = _topic_rules()
    roots, pattern = _topic_index()
    found = {match.group() for match in pattern.finditer(fold_key(task_text))}
    if not found:
        return []
    scored: list[tuple[float, CatalogueEntry, list[str]]] = []
    for entry, topics in roots:
        if plan_date and entry.year and entry.year > plan_date.year:
            continue
        matched = [topic for topic in topics if fold_key(topic) in found]
        if not matched or entry.symbol in cited:
            continue
        weight, specific = _weight(matched)
        if weight >= threshold or specific:
            scored.append((weight, entry, matched))
    if not scored:
        return []
    weight, entry, matched = max(scored, key=lambda item: (item[0], item[1].date))
    return [TopicLink(entry.symbol, matched, min(TOPIC_CONFIDENCE_CAP, 0.4 + 0.15 * weight))]
