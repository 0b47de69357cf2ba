"""Forgiving look-up of what a researcher types: "57", "NQ 57", "57-nq/tw", "Nghị quyết 57"
all find 57-NQ/TW; "Tan Hung" finds Tân Hưng.  An ambiguous name is an error that
lists the candidates; it is never resolved by a guess."""

from __future__ import annotations

import re
from typing import NamedTuple

import networkx as nx

from ..corpus.registry import official_symbol, registry, symbol_key
from ..corpus.text import ascii_key, fold_key
from .indexes import kept_on_graph

__all__ = ["LookupError_", "AmbiguousName", "NotFound", "Commune", "communes", "find_document", "find_commune", "find_commune_among", "find_item", "tokens"]


class LookupError_(Exception):
    """A name that does not designate exactly one thing."""


class NotFound(LookupError_):
    pass


class AmbiguousName(LookupError_):
    def __init__(self, text: str, candidates: list[str]):
        self.candidates = candidates
        super().__init__(f"'{text}' is ambiguous: " + "; ".join(candidates[:12]) + (" …" if len(candidates) > 12 else ""))


def tokens(text: str) -> list[str]:
    """Lower-case ASCII tokens, with document type names turned into their codes.

    >>> tokens("Nghị quyết số 57-NQ/TW")
    ['nq', '57', 'nq', 'tw']
    """
    key = ascii_key(text)
    for doc_type in sorted(registry().doc_types, key=lambda item: len(item.name), reverse=True):
        key = re.sub(rf"(?<![a-z]){re.escape(ascii_key(doc_type.name))}(?![a-z])", ascii_key(doc_type.code), key)
    return [token for token in re.split(r"[^a-z0-9]+", key) if token and token != "so"]


def _documents(graph: nx.MultiDiGraph) -> list[tuple[str, dict]]:
    """Plans and documents."""
    return kept_on_graph(graph, "_lineage_documents", lambda graph: [
        (node, attributes) for node, attributes in graph.nodes(data=True) if attributes.get("kind") in ("plan", "document")])


def _by_symbol(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Documents by the key of their symbol."""
    def build(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for node, attributes in _documents(graph):
            if attributes.get("symbol"):
                index.setdefault(symbol_key(attributes["symbol"]), []).append(node)
        return index

    return kept_on_graph(graph, "_lineage_symbols", build)


def find_document(graph: nx.MultiDiGraph, text: str) -> str:
    """The one document `text` designates (its IRI, symbol, name or a forgiving spelling of them)."""
    if text in graph and graph.nodes[text].get("kind") in ("plan", "document"):
        return text
    written = registry().patterns["symbol"].search(text)
    if written:
        official = official_symbol(written)[0]
        exact = _by_symbol(graph).get(symbol_key(official), [])
        if exact:
            return _one(graph, text, exact)
    alias = next((symbol for name, symbol in registry().aliases if fold_key(name) == fold_key(text.strip())), None)
    wanted = tokens(alias or text)
    if not wanted:
        raise NotFound(f"nothing to look for in '{text}'")
    exact, partial = [], []
    for node, attributes in _documents(graph):
        for value in (attributes.get("symbol"), attributes.get("name"), attributes.get("title")):
            if not value:
                continue
            have = tokens(value)
            if have == wanted or "".join(have) == "".join(wanted):
                exact.append(node)
                break
            if attributes.get("symbol") == value and set(wanted) <= set(have) and any(token.isdigit() for token in wanted) and have[0] in wanted:
                partial.append(node)
                break
            if attributes.get("symbol") != value and len(wanted) >= 3 and " ".join(wanted) in " ".join(have):
                partial.append(node)
                break
    candidates = exact or partial
    return _one(graph, text, candidates)


def _one(graph: nx.MultiDiGraph, text: str, candidates: list[str]) -> str:
    candidates = list(dict.fromkeys(candidates))
    if not candidates:
        raise NotFound(f"no document matches '{text}'")
    if len(candidates) == 1:
        return candidates[0]
    central = [node for node in candidates if graph.nodes[node].get("level") == "central"]
    if not any(token in ("ubnd", "hdnd", "du", "tu") for token in tokens(text)):
        if len(central) == 1:
            return central[0]
        # "66" among 66-NQ/TW, 66/NQ-CP, 66/2021/NĐ-CP: the catalogue holds them all, but only
        # one is what documents of the store implement or cite.
        followed = [node for node in central if graph.in_degree(node) > 0]
        if len(followed) == 1:
            return followed[0]
        # One plan's "57-NQ/TW ngày 22/12/2025" (a slip of the year) is a document of its own;
        # the 57-NQ/TW a reader means is the catalogue's.
        catalogued = [node for node in central if _is_the_catalogue_document(graph.nodes[node])]
        if len(catalogued) == 1:
            return catalogued[0]
    raise AmbiguousName(text, sorted(_describe(graph, node) for node in candidates))


def _is_the_catalogue_document(attributes: dict) -> bool:
    entry = registry().catalogue_entry(attributes["symbol"]) if attributes.get("symbol") else None
    if entry is None:
        return False
    if entry.date is not None:
        return attributes.get("date") == entry.date.isoformat()
    return str(attributes.get("year")) == str(entry.year)


def _describe(graph: nx.MultiDiGraph, node: str) -> str:
    attributes = graph.nodes[node]
    where = attributes.get("commune") or attributes.get("province") or attributes.get("level") or ""
    return f"{attributes.get('label')} ({where}{', ' + attributes['date'] if attributes.get('date') else ''})".replace(" ()", "")


class Commune(NamedTuple):
    """A commune as the graph tells it apart: several provinces have a Tân Hưng."""

    name: str
    province: str | None

    def holds(self, attributes: dict) -> bool:
        """Whether a plan, task or indicator with these attributes is this commune's."""
        return attributes.get("commune") == self.name and attributes.get("province") == self.province


def communes(graph: nx.MultiDiGraph) -> dict[Commune, str]:
    """Every commune with a plan in the graph, with the name a reader tells it by: its own,
    or "name, province" where communes of several provinces have that name."""
    return dict(kept_on_graph(graph, "communes", _commune_labels))


def _commune_labels(graph: nx.MultiDiGraph) -> dict[Commune, str]:
    found = {Commune(attributes["commune"], attributes.get("province"))
             for _, attributes in graph.nodes(data=True) if attributes.get("kind") == "plan" and attributes.get("commune")}
    provinces_of: dict[str, int] = {}
    for commune in found:
        provinces_of[commune.name] = provinces_of.get(commune.name, 0) + 1
    return {commune: commune.name if provinces_of[commune.name] == 1 else f"{commune.name}, {commune.province or '?'}"
            for commune in sorted(found, key=lambda commune: (commune.name, commune.province or ""))}


def find_commune(graph: nx.MultiDiGraph, text: "str | Commune") -> Commune:
    """A commune by name, with or without diacritics ("Tan Hung" finds Tân Hưng); where
    several provinces have one of that name, "Tân Hưng, Tây Ninh" says which."""
    if isinstance(text, Commune):
        return text
    return find_commune_among(communes(graph), text)


def find_commune_among(known, text: str) -> Commune:
    """`find_commune` over a list of communes (the projection cache's, before any layer is read)."""
    name_text, _, province_text = text.replace("(", ",").rstrip(") ").partition(",")
    wanted = ascii_key(re.sub(r"^(?:phường|xã|đặc khu|phuong|xa)\s+", "", name_text.strip(), flags=re.IGNORECASE))
    province = ascii_key(re.sub(r"^(?:tỉnh|thành phố|tinh|thanh pho)\s+", "", province_text.strip(), flags=re.IGNORECASE))
    candidates = [commune for commune in known if not province or ascii_key(commune.province or "") == province]
    exact = [commune for commune in candidates if ascii_key(commune.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = [commune for commune in candidates if wanted in ascii_key(commune.name)]
    if len(partial) == 1:
        return partial[0]
    if not exact and not partial:
        raise NotFound(f"no commune named '{text}' has a plan in the graph")
    raise AmbiguousName(text, sorted(f"{commune.name}, {commune.province or '?'}" for commune in exact or partial))


def find_item(graph: nx.MultiDiGraph, text: str) -> str:
    """A task ("An Dương: 33", "Tích Lương: 2.2.6"), a plan or a document."""
    if text in graph:
        return text
    if ":" in text:
        commune_text, wanted = (part.strip() for part in text.split(":", 1))
        section, _, number = (part.strip() for part in wanted.partition("#"))
        commune = find_commune(graph, commune_text)
        tasks = [
            node for node, attributes in graph.nodes(data=True)
            if attributes.get("kind") == "task" and commune.holds(attributes)
            and _task_matches(attributes, section, number)
        ]
        if not tasks:
            raise NotFound(f"no task '{section}' in {commune.name}'s plans")
        if len(tasks) == 1:
            return tasks[0]
        raise AmbiguousName(text, sorted(f"{graph.nodes[node]['label']}: {graph.nodes[node].get('text', '')[:60]}" for node in tasks))
    return find_document(graph, text)


def _task_matches(attributes: dict, section: str, number: str) -> bool:
    """"33" is row 33 of an appendix table; "2.2.6" is a section (its paragraphs numbered #1, #2 …)."""
    task_section = attributes.get("section", "")
    if not number and task_section.startswith(("PHỤ LỤC", "Phụ lục")) and attributes.get("number") == section:
        return True
    return (task_section == section or task_section.endswith("." + section)) and (not number or attributes.get("number") == number)
