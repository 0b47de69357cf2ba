"""Text reuse links in the graph: one named graph, replaced each time links are saved."""

from __future__ import annotations


from ..corpus.reuse import ReuseLink
from .mapping import evidence_triples
from .store import Store
from .terms import DCTERMS, IRI_BASE, LIN, OA, PREDICATE_IRIS, RDF, Triples

__all__ = ["REUSE_GRAPH", "reuse_triples", "save_reuse"]

REUSE_GRAPH = IRI_BASE + "graph/reuse"


def reuse_triples(links: list[ReuseLink]) -> Triples:
    """For each shared passage: first lin:reusesTextOf second, evidence quoting both spans."""
    triples = Triples()
    for link in links:
        for span in link.spans:
            if span["boilerplate"]:
                continue
            first_start, first_end, first_text = span["first"]
            second_start, second_end, second_text = span["second"]
            evidence = evidence_triples(
                triples, link.first.key, PREDICATE_IRIS["reuses_text_of"], link.second.key, first_start, first_end, first_text,
                link.first.source, "reuse", min(1.0, span["score"]), IRI_BASE + "reuse",
            )
            matched = f"{evidence}/matched"
            triples.iri(evidence, LIN + "matchedSelector", matched)
            triples.iri(matched, RDF + "type", OA + "TextQuoteSelector")
            triples.text(matched, OA + "exact", second_text, None)
            triples.typed(matched, OA + "start", second_start, "integer")
            triples.typed(matched, OA + "end", second_end, "integer")
            triples.text(matched, DCTERMS + "source", link.second.source, None)
            triples.text(evidence, LIN + "orientation", link.orientation, None)
    return triples


def save_reuse(store: Store, links: list[ReuseLink]) -> bool:
    triples = reuse_triples(links)
    return store.replace_graph(REUSE_GRAPH, triples.ntriples(), triples.content_hash())
