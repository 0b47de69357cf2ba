"""The documents a corpus cites, with what the citing plans write about them.

A catalogue grows from the documents plans cite most.  `cited_documents` gathers,
for each numbered central document that a folder of plans cites, the dates, issuers
and subjects written beside it and the documents that write them, so that a person
can check each fact on a public page before adding it to
``corpus/registry/central-documents.csv``.  Nothing here is added to the catalogue
by itself: a suggestion is what the plans say, not a checked fact.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .records import PlanRecord
from .registry import registry

__all__ = ["CitedDocument", "cited_documents", "source_address", "search_catalogue"]

#: The first line of a saved copy often keeps where it came from (a web address, or
#: "github:owner/repository:path" for a file of a public repository).
_ADDRESS = re.compile(r"^(?:https?://\S+|github:[\w.-]+/[\w.-]+:\S.*)$")


def source_address(path: str | Path) -> str:
    """Where a document was found: the address its first line keeps, or else its path."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return str(path)
    if not _ADDRESS.match(first):
        return str(path)
    if first.startswith("github:"):
        repository, _, file_path = first[len("github:"):].partition(":")
        return f"https://github.com/{repository}/blob/HEAD/{file_path.replace(' ', '%20')}"
    return first


@dataclass
class CitedDocument:
    symbol: str
    doc_type: str | None
    citing: list[str] = field(default_factory=list)  # sources of the documents that cite it
    dates: Counter = field(default_factory=Counter)
    issuers: Counter = field(default_factory=Counter)
    subjects: Counter = field(default_factory=Counter)
    dated_in: dict[str, list[str]] = field(default_factory=dict)  # date -> sources that write it

    @property
    def date(self) -> str | None:
        """The date the citing plans agree on, or None if they disagree or say nothing."""
        if not self.dates:
            return None
        (first, count), *rest = self.dates.most_common(2)
        return first if not rest or count > rest[0][1] else None

    def to_dict(self) -> dict:
        return {
            "symbol": self.symbol, "type": self.doc_type, "citing": len(self.citing), "date": self.date,
            "dates": dict(self.dates), "issuer": self.issuers.most_common(1)[0][0] if self.issuers else None,
            "subject": self.subjects.most_common(1)[0][0] if self.subjects else None,
            "sources": self.dated_in.get(self.date or "", self.citing)[:3],
        }


def cited_documents(records: list[PlanRecord], sources: dict[str, str] | None = None, known: bool = False) -> list[CitedDocument]:
    """Numbered central documents the records cite, most cited first.

    `sources` maps a record's source file to its address (`source_address`); `known`
    keeps the documents the catalogue already holds.
    """
    sources = sources or {}
    found: dict[str, CitedDocument] = {}
    for record in records:
        address = sources.get(record.source, record.source)
        for reference in record.references:
            if not reference.symbol or reference.level != "central" or reference.symbol == record.document.symbol:
                continue
            if not known and registry().catalogue_entry(reference.symbol) is not None:
                continue
            entry = found.setdefault(reference.symbol, CitedDocument(reference.symbol, reference.type))
            if address in entry.citing:
                continue
            entry.citing.append(address)
            written = "catalogue" in reference.resolved_by
            if reference.date and not written:
                entry.dates[reference.date] += 1
                entry.dated_in.setdefault(reference.date, []).append(address)
            if reference.issuer:
                entry.issuers[reference.issuer] += 1
            if reference.subject:
                entry.subjects[reference.subject] += 1
    return sorted(found.values(), key=lambda item: (-len(item.citing), item.symbol))


def search_catalogue(query: str | None = None) -> list:
    """Catalogue documents whose symbol, type, issuer, title or names hold every word of `query`
    (diacritics and case optional: "ngan sach" finds Luật Ngân sách nhà nước); all without one."""
    from .text import ascii_key

    entries = registry().catalogue
    if not query or not query.strip():
        return list(entries)
    words = ascii_key(query).split()

    def searchable(entry) -> str:
        return ascii_key(" ".join([entry.symbol, entry.doc_type, entry.issuer, entry.subject, *entry.names]))

    return [entry for entry in entries if all(word in searchable(entry) for word in words)]
