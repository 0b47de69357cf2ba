"""The knowledge graph as one object: open a store, ingest plans, ask it questions.

This is what `import vnlineage` gives, and what the `lineage` command calls, so a
notebook and a shell get the same answers.  Each question reads only the part of the
projection it needs (see graph.cache), loaded once and kept while the store is
unchanged: a plan ingested by this object, or by another process into the same
directory, is in the next answer.

>>> import vnlineage
>>> kg = vnlineage.open("memory")
>>> report = kg.ingest(sorted(vnlineage.BUNDLED_PLANS.glob("*.txt")), progress=False)
>>> report.summary().split(";")[0]
'5 document(s) ingested (5 new or changed, 0 unchanged), 0 failed'
>>> answer = kg.trace("57", commune="Tích Lương")
>>> answer.summary()
'57-NQ/TW (2024-12-22): 8 implementing documents and tasks'
>>> sorted({row["level"] for row in answer.rows()})
['central', 'commune', 'province', 'task']
>>> kg.path("155/KH-UBND", "57-NQ/TW").summary()
'155/KH-UBND > 71/NQ-CP > 57-NQ/TW'
>>> kg.gaps("66-NQ/TW").rows()
[{'commune': 'Tích Lương', 'province': 'Thái Nguyên', 'peers_implementing': 'Phan Đình Phùng'}]
>>> frame = kg.latency("57").to_frame()
>>> str(frame["days"].dtype), str(frame["date"].dtype)
('Int64', 'datetime64[ns]')
>>> type(kg.coverage().plot()).__name__
'Plot'
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx

from ..ontology.store import OxigraphStore, Store, files_fingerprint, open_store
from .answers import (AncestryAnswer, CoverageAnswer, GapsAnswer, IndicatorsAnswer, IngestReport, LatencyAnswer, MapAnswer, OfficesAnswer,
                      PathAnswer, ReuseAnswer, StatsAnswer, TasksAnswer, TraceAnswer)

__all__ = ["KnowledgeGraph", "open", "extract"]

_Key = tuple[tuple[str, ...], tuple[str, ...] | None, bool]
_WHOLE: _Key = ((), None, False)


def open(store: str | Path | None = None, update_url: str | None = None) -> "KnowledgeGraph":  # noqa: A001 (vnlineage.open, as in the design)
    """The knowledge graph in `store`: "memory" (lives with the object), a directory (an
    embedded Oxigraph store, created if need be; default .lineage/store or LINEAGE_STORE),
    or the URL of a SPARQL 1.1 server ("http://host:7878", "…/sparql")."""
    return KnowledgeGraph(store, update_url)


def extract(path_or_text: str | Path, time_limit: float = 120.0):
    """The extract record of one document: a file's path, or the text of a plan itself.

    >>> record = extract("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")
    >>> [reference.symbol for reference in record.references]
    ['57-NQ/TW']
    """
    from ..corpus.extract import extract_file, extract_text
    from ..corpus.text import normalize

    if isinstance(path_or_text, Path) or ("\n" not in path_or_text and len(path_or_text) < 4096 and Path(path_or_text).is_file()):
        return extract_file(path_or_text, time_limit)
    return extract_text(normalize(path_or_text), time_limit)


class KnowledgeGraph:
    """A store of policy lineage and the questions the `lineage` command answers.

    Query methods take the CLI's names and options and return answers (graph.answers)
    with `.to_frame()`, `.to_dict()`, `.to_json()`, and a table in Jupyter.
    """

    def __init__(self, store: str | Path | None = None, update_url: str | None = None):
        self.location = str(store) if store is not None else None
        self.update_url = update_url
        # A memory store lives as long as this object; any other is opened for each step,
        # so that other processes can write to a directory between two questions.
        self._memory = OxigraphStore(None) if self.location == "memory" else None
        self._writes = 0
        self._projections: dict[_Key, nx.MultiDiGraph] = {}
        self._loaded_state: object = None
        # A server asks from several threads: one of them loads a layer, the others wait for it.
        self._loading = threading.RLock()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.location or 'default store'}>"

    # --- the store ----------------------------------------------------------------------

    @contextmanager
    def store(self, read_only: bool = True, allow_update: bool = True) -> Iterator[Store]:
        """The store, open for one step (reading, or writing with `read_only=False`)."""
        if self._memory is not None:
            yield self._memory
            return
        with open_store(self.location, read_only=read_only, update_url=self.update_url, allow_update=allow_update) as opened:
            yield opened

    def _state(self) -> object:
        """What changes when the store does: cheap for a directory (its files), exact for a server."""
        if self._memory is not None:
            return self._writes
        location = self.location or _default_location()
        if not location.startswith(("http://", "https://")):
            return files_fingerprint(location)
        from .cache import store_version

        with self.store() as opened:
            return store_version(opened)

    def projection(self, layers: Iterable[str] = (), provinces: Iterable[str | None] | None = None, alone: bool = False) -> nx.MultiDiGraph:
        """The NetworkX projection, or the layers of it named (see graph.cache.LAYERS)."""
        key: _Key = (tuple(layers), tuple(provinces) if provinces is not None else None, alone)
        with self._loading:
            return self._projection(key)

    def _projection(self, key: _Key) -> nx.MultiDiGraph:
        from .cache import load_projection

        if self._projections:
            state = self._state()
            if state != self._loaded_state:
                self._projections.clear()
        if _WHOLE in self._projections:
            return self._projections[_WHOLE]
        if key not in self._projections:
            if not self._projections:
                self._loaded_state = self._state()
            with self.store() as opened:
                self._projections[key] = load_projection(opened, key[0] or None, provinces=key[1], alone=key[2])
        return self._projections[key]

    def _forget(self) -> None:
        self._writes += 1
        self._projections.clear()

    def ingest(self, paths: Iterable[str | Path] | str | Path, jobs: int = 1, time_limit: float = 120.0, progress: bool | None = None,
               on_document: Callable[[dict], None] | None = None) -> IngestReport:
        """Extract documents (files, or folders searched for them) and store each as one named graph.

        A changed document replaces its triples, an unchanged one is left as it is; a file that
        cannot be read is reported in the answer and the others go on.  `jobs`: processes
        (0: every core).  `progress`: a bar (tqdm: in a terminal or in Jupyter; by default when
        there is one to show it in).  `on_document(row)` hears of each document as it is done.
        """
        from concurrent.futures import ThreadPoolExecutor

        from ..corpus.reader import SUPPORTED_SUFFIXES, find_documents
        from ..ontology.ingest import GraphWriter, load_vocabulary, prepare_documents
        from .cache import record_store_files, save_ingested_projection
        from .projection import PROJECTED_PREDICATES

        documents = find_documents([paths] if isinstance(paths, (str, Path)) else list(paths))
        if not documents:
            raise ValueError(f"no documents ({', '.join(SUPPORTED_SUFFIXES)}) found in the given paths")
        counts = {"changed": 0, "unchanged": 0, "failed": 0}
        rows: list[dict] = []
        facts_by_graph: dict[str, list] = {}
        bar = _progress_bar(len(documents), progress)
        with self.store(read_only=False) as opened:
            load_vocabulary(opened)
            try:
                with GraphWriter(opened) as writer:
                    for prepared in prepare_documents(documents, jobs, time_limit, PROJECTED_PREDICATES):
                        if prepared.error:
                            row = {"source": prepared.path, "outcome": "failed", "message": prepared.error, "warnings": []}
                        else:
                            outcome = "changed" if writer.write(prepared) else "unchanged"
                            facts_by_graph[prepared.graph] = prepared.facts
                            row = {"source": prepared.path, "outcome": outcome, "message": "", "warnings": list(prepared.warnings)}
                        counts[row["outcome"]] += 1
                        rows.append(row)
                        if on_document is not None:
                            on_document(row)
                        if bar is not None:
                            bar.update(1)
            finally:
                if bar is not None:
                    bar.close()
                self._forget()
            # Oxigraph compacts without holding Python's lock: the projection is assembled on
            # the other core meanwhile (10 s of a national ingest's 17).
            with ThreadPoolExecutor(max_workers=1) as compaction:
                compacted = compaction.submit(opened.optimize) if counts["changed"] else None
                save_ingested_projection(opened, facts_by_graph)
            if compacted is not None:
                compacted.result()
            triples = opened.triple_count()
        if self._memory is None:
            with self.store() as opened:
                record_store_files(opened)
        return IngestReport({**counts, "triples": triples, "location": self.location or _default_location(), "documents": rows})

    def stats(self) -> StatsAnswer:
        """Documents by level and type, relations by type and method, tasks, indicators, offices."""
        from .cache import load_summary

        with self.store() as opened:
            return StatsAnswer(load_summary(opened))

    def validate(self, progress: Callable[[int, int], None] | None = None):
        """The graph checked against the SHACL shapes (ontology/shapes.ttl): a report with
        `conforms`, `violations`, `warnings` and `render()`."""
        from ..ontology.validate import validate_store

        with self.store() as opened:
            return validate_store(opened, progress=progress)

    def sparql(self, query: str, allow_update: bool = False):
        """A SPARQL query's rows (an update only with `allow_update`)."""
        with self.store(read_only=not allow_update, allow_update=allow_update) as opened:
            if allow_update:
                opened.update(query)
                self._forget()
                return None
            return opened.query(query)

    def export(self, output_format: str = "ttl", path: str | Path | None = None) -> str | None:
        """The graph as RDF (ttl, jsonld, nt, nq) or a network (graphml, gexf, csv): written to
        `path`, or returned as text when there is none."""
        from .export import export_graph

        with self.store() as opened:
            return export_graph(opened, output_format, str(path) if path is not None else None)

    # --- questions ----------------------------------------------------------------------

    def trace(self, policy: str, province: str | None = None, commune: str | None = None,
              explicit_only: bool = False, min_confidence: float = 0.0) -> TraceAnswer:
        """Every document and task that implements `policy`, directly or through others."""
        from . import queries

        return TraceAnswer(queries.trace(self.projection(["lineage"]), policy, province=province, commune=commune,
                                         explicit_only=explicit_only, min_confidence=min_confidence))

    def ancestry(self, item: str) -> AncestryAnswer:
        """Every chain from a task ("Tích Lương: 2.2.6 #1", "An Dương: 33") or a plan up to what it implements."""
        from . import queries
        from .lookup import NotFound

        # A plan, or a task on a lineage edge, is in the lineage layer: the other tasks have no chain.
        try:
            return AncestryAnswer(queries.ancestry(self.projection(["lineage"]), item))
        except NotFound:
            return AncestryAnswer(queries.ancestry(self.projection(["tasks"]), item))

    def coverage(self, explicit_only: bool = False) -> CoverageAnswer:
        """Communes × central policies: how many tasks of each commune implement each policy."""
        from . import queries

        return CoverageAnswer(queries.coverage(self.projection(["lineage"]), explicit_only=explicit_only))

    def gaps(self, policy: str, explicit_only: bool = False) -> GapsAnswer:
        """Communes that do not implement `policy` although other communes of their province do."""
        from . import queries

        return GapsAnswer(queries.gaps(self.projection(["lineage"]), policy, explicit_only=explicit_only))

    def latency(self, policy: str, explicit_only: bool = False) -> LatencyAnswer:
        """Days from `policy`'s date to each implementing document; `.plot()` draws the diffusion curve."""
        from . import queries

        return LatencyAnswer(queries.latency(self.projection(["lineage"]), policy, explicit_only=explicit_only))

    def offices(self, policy: str | None = None, commune: str | None = None) -> OfficesAnswer:
        """Lead and partner workload of each office, per commune."""
        from . import queries

        graph, found = self._for_commune(commune, "lineage" if policy else "tasks")
        return OfficesAnswer(queries.offices(graph, policy=policy, commune=found))

    def tasks(self, implements: str | None = None, commune: str | None = None, lead: str | None = None) -> TasksAnswer:
        """Tasks, filtered by a policy they implement, a commune and a lead office."""
        from . import queries

        graph, found = self._for_commune(commune, "lineage" if implements else "tasks")
        return TasksAnswer(queries.tasks(graph, implements=implements, commune=found, lead=lead))

    def indicators(self, query: str | None = None, shared: bool = False) -> IndicatorsAnswer:
        """An indicator compared across communes (diacritics optional); `shared`: those with the
        same name and target in several communes of a province."""
        from . import queries

        # Indicators are compared by their own attributes: their layer is read alone.
        graph = self.projection(["indicators"], alone=True)
        return IndicatorsAnswer(queries.shared_indicators(graph) if shared else queries.indicators(graph, query))

    def path(self, source: str, target: str) -> PathAnswer:
        """The shortest chain between two items: along lineage if one implements the other."""
        from . import queries
        from .lookup import NotFound

        # A chain of lineage edges lies in the lineage layer, and so do short chains between
        # documents; any other path needs every layer.
        try:
            found = queries.path(self.projection(["lineage"]), source, target, complete=False)
        except NotFound:
            found = None
        if found is None:
            found = queries.path(self.projection(), source, target)
        return PathAnswer(found)

    def map(self, policy: str | None = None, commune: str | None = None, province: str | None = None,
            depth: int | None = None, implicit: bool = True) -> MapAnswer:
        """An interactive map of `policy`'s cascade (or of the whole graph): shown inline in
        Jupyter, written with `.save(path)`; one offline HTML page."""
        from .maps import build_map, map_html

        data = build_map(self.projection(["lineage"] if policy else []), policy, province=province, commune=commune, depth=depth, implicit=implicit)
        return MapAnswer(data, map_html(data))

    def reuse(self, paths: Iterable[str | Path] | str | Path, commune: str | None = None, min_words: int = 12,
              include_boilerplate: bool = False, save: bool = False, on_error: Callable[[str], None] | None = None) -> ReuseAnswer:
        """Passages that plans share (copied from the province, or from a common template);
        `save` stores the links in the graph, replacing earlier ones."""
        from ..corpus.extract import extract_text
        from ..corpus.reader import DocumentError, find_documents, read_text
        from ..corpus.reuse import find_reuse, reuse_document
        from ..corpus.text import ascii_key

        documents = []
        for path in find_documents([paths] if isinstance(paths, (str, Path)) else list(paths)):
            try:
                text = read_text(path)
            except DocumentError as error:
                if on_error is not None:
                    on_error(str(error))
                continue
            documents.append(reuse_document(extract_text(text), text, min_words))
        links = find_reuse(documents, min_words=min_words, include_boilerplate=include_boilerplate)
        if commune:
            wanted = ascii_key(commune)
            links = [link for link in links if wanted in ascii_key(link.first.commune or "") or wanted in ascii_key(link.second.commune or "")]
        if save:
            from ..ontology.reuse import save_reuse

            with self.store(read_only=False) as opened:
                save_reuse(opened, links)
            self._forget()
        return ReuseAnswer([
            {"first": link.first.label, "first_source": link.first.source, "second": link.second.label, "second_source": link.second.source,
             "orientation": link.orientation, "words": link.words, "score": link.score, "boilerplate": link.boilerplate,
             "spans": [{"first": list(span["first"]), "second": list(span["second"]), "words": span["words"], "score": span["score"],
                        "boilerplate": span["boilerplate"]} for span in link.spans]}
            for link in links
        ])

    def _for_commune(self, commune: str | None, layer: str):
        """(the projection, the commune) for a question about one commune: only its province's
        tasks and indicators, the commune found in the cache's list before any layer is read."""
        from .cache import load_communes
        from .lookup import Commune, find_commune_among

        if commune and _WHOLE not in self._projections:
            with self.store() as opened:
                known = load_communes(opened)
            if known is not None:
                found = find_commune_among([Commune(*pair) for pair in known], commune)
                return self.projection([layer], provinces=[found.province]), found
        return self.projection([layer]), commune


def _progress_bar(total: int, wanted: bool | None):
    """A tqdm bar where a person will see it (a terminal's stderr, or a notebook); None otherwise."""
    import sys

    import importlib.util

    notebook = _in_notebook()
    if wanted is False or (wanted is None and not (sys.stderr.isatty() or notebook)):
        return None
    if notebook and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:  # a text bar: in a notebook without ipywidgets, tqdm.auto would warn and then draw this
        from tqdm import tqdm
    return tqdm(total=total, desc="ingesting", unit="document", file=sys.stderr)


def _in_notebook() -> bool:
    import sys

    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def _default_location() -> str:
    import os

    from ..ontology.store import DEFAULT_STORE

    return os.environ.get("LINEAGE_STORE") or DEFAULT_STORE
