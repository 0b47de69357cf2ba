"""Answers as a researcher holds them: the plain data, a table, JSON, a picture.

Every query of `vnlineage.KnowledgeGraph` returns one of these.  `data` (and `to_dict()`)
is what the query function returned, JSON-ready; `to_frame()` is one row per item, with
typed columns (levels ordered from central to task, dates as dates, counts as integers,
each commune and province with its official code); in Jupyter an answer shows itself
as a short summary and its first rows, every value escaped.  pandas is needed only for
`to_frame()` (`pip install "vn-policy-lineage[frames]"`).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

__all__ = [
    "Answer", "TraceAnswer", "AncestryAnswer", "CoverageAnswer", "GapsAnswer", "LatencyAnswer", "OfficesAnswer",
    "IndicatorsAnswer", "TasksAnswer", "PathAnswer", "ReuseAnswer", "MapAnswer", "StatsAnswer", "IngestReport",
    "FramesMissing", "LEVELS",
]

#: Levels from the top of a cascade down, the order of a frame's `level` column.
LEVELS = ("central", "province", "district", "commune", "task", "unknown")
#: Rows an answer shows in a notebook.
SHOWN_ROWS = 12


class FramesMissing(ImportError):
    """pandas is not installed."""


def _pandas():
    try:
        import pandas
    except ImportError:
        raise FramesMissing('to_frame() needs pandas: pip install "vn-policy-lineage[frames]" (or pip install pandas)') from None
    return pandas


class Answer:
    """An answer: `data` as the query gave it, `rows()` as a table."""

    #: The table's columns, in order (rows may leave some out).
    columns: tuple[str, ...] = ()

    def __init__(self, data):
        self.data = data

    def rows(self) -> list[dict]:
        return list(self.data) if isinstance(self.data, list) else []

    def summary(self) -> str:
        return f"{len(self.rows()):,} rows"

    def to_dict(self):
        """The answer as plain data (dicts, lists, strings, numbers), as `--format json` prints it."""
        return self.data

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=indent)

    def to_frame(self):
        """One row per item, as a pandas DataFrame with typed columns."""
        pandas = _pandas()
        rows = self.rows()
        columns = list(self.columns) or sorted({key for row in rows for key in row})
        frame = pandas.DataFrame.from_records(rows, columns=columns)
        return _typed(frame, pandas)

    def __getitem__(self, key):
        return self.data[key]

    def __len__(self) -> int:
        return len(self.rows())

    def __iter__(self):
        return iter(self.rows())

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"

    def _repr_html_(self) -> str:
        rows = self.rows()
        columns = [column for column in (self.columns or sorted({key for row in rows for key in row})) if any(row.get(column) not in (None, "") for row in rows[:SHOWN_ROWS])]
        head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row.get(column)))}</td>" for column in columns) + "</tr>" for row in rows[:SHOWN_ROWS])
        more = f"<p>… {len(rows) - SHOWN_ROWS:,} more rows: <code>.to_frame()</code></p>" if len(rows) > SHOWN_ROWS else ""
        return f"<p><b>{html.escape(self.summary())}</b></p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _typed(frame, pandas):
    """Levels as an ordered category, dates as dates, counts as integers, and the official
    code of every commune and province beside its name."""
    if "level" in frame:
        frame["level"] = pandas.Categorical(frame["level"], categories=LEVELS, ordered=True)
    for column in frame.columns:
        if column == "date" or column.endswith("_date"):
            frame[column] = pandas.to_datetime(frame[column], errors="coerce", format="ISO8601")
    for column in _COUNTS:
        if column in frame and _integral(frame[column], pandas):
            frame[column] = frame[column].astype("Int64")
    for column in ("implicit_link", "through_catalogue", "boilerplate"):
        if column in frame:
            frame[column] = frame[column].astype(bool)
    if "province" in frame:
        _add_codes(frame)
    return frame


_COUNTS = ("days", "explicit", "implicit", "lead", "partner", "words", "documents", "passages", "chain", "length", "step")


def _integral(series, pandas) -> bool:
    """Whether a column holds whole numbers (None read as NaN made it float)."""
    types = pandas.api.types
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series) and bool((series.dropna() % 1 == 0).all())


def _add_codes(frame) -> None:
    from ..corpus.units import gazetteer

    places = gazetteer()
    communes = frame["commune"] if "commune" in frame else [None] * len(frame)
    codes = {pair: places.codes(*pair) for pair in set(zip(communes, frame["province"]))}
    pairs = list(zip(communes, frame["province"]))
    if "commune" in frame:
        frame.insert(frame.columns.get_loc("commune") + 1, "commune_code", [codes[pair][0] for pair in pairs])
    frame.insert(frame.columns.get_loc("province") + 1, "province_code", [codes[pair][1] for pair in pairs])


def _joined(values, separator: str = ", ") -> str:
    return separator.join(values or [])


def _item_row(item: dict) -> dict:
    return {
        "id": item["id"], "kind": item.get("kind"), "level": "task" if item.get("kind") == "task" else item.get("level") or "unknown",
        "label": item.get("label"), "caption": item.get("caption") or item.get("label"), "commune": item.get("commune"),
        "province": item.get("province"), "date": item.get("date"), "section": item.get("section"), "number": item.get("number"),
        "lead_offices": _joined(item.get("lead")), "partner_offices": _joined(item.get("partners")), "text": item.get("text"),
    }


class TraceAnswer(Answer):
    """Everything that implements a policy: `data["items"]`, each with its path and evidence."""

    columns = ("id", "kind", "level", "label", "caption", "commune", "province", "date", "path", "implements",
               "implicit_link", "through_catalogue", "section", "number", "lead_offices", "partner_offices", "text")

    def rows(self) -> list[dict]:
        return [{**_item_row(item), "path": " > ".join(item["path"]), "implements": "; ".join(sorted({via["to"] for via in item["via"] if via["to"]})),
                 "implicit_link": item["implicit"], "through_catalogue": item["through_catalogue"]} for item in self.data["items"]]

    def summary(self) -> str:
        policy = self.data["policy"]
        return f"{policy['label']} ({policy.get('date', 'undated')}): {len(self.data['items']):,} implementing documents and tasks"


class AncestryAnswer(Answer):
    """Every chain from a task or plan up to what it implements."""

    columns = ("chain", "steps", "length", "top")

    def rows(self) -> list[dict]:
        return [{"chain": position + 1, "steps": " > ".join(step["label"] for step in chain), "length": len(chain), "top": chain[-1]["label"]}
                for position, chain in enumerate(self.data["chains"])]

    def summary(self) -> str:
        return f"{self.data['item']['label']}: {len(self.data['chains'])} chain(s) up"


class CoverageAnswer(Answer):
    """Communes × central policies; `rows()` is one row per commune and policy."""

    columns = ("commune", "province", "policy", "explicit", "implicit")

    def rows(self) -> list[dict]:
        cells, provinces = self.data["cells"], self.data["provinces"]
        return [{"commune": name.split(", ")[0] if provinces.get(name) and name.endswith(f", {provinces[name]}") else name,
                 "province": provinces.get(name), "policy": policy, **cells[name][policy]}
                for name in self.data["communes"] for policy in self.data["policies"]]

    def summary(self) -> str:
        return f"{len(self.data['communes']):,} communes × {len(self.data['policies'])} central policies"

    def plot(self, by: str | None = None):
        """The heatmap (communes or provinces × policies), shown inline in Jupyter; `.save(path)` writes it."""
        from .plots import Plot, coverage_figure

        return Plot(coverage_figure(self.data, by))


class GapsAnswer(Answer):
    """Communes that do not implement a policy their provincial peers implement."""

    columns = ("commune", "province", "peers_implementing")

    def rows(self) -> list[dict]:
        return [{**row, "peers_implementing": _joined(row["peers_implementing"])} for row in self.data["gaps"]]

    def summary(self) -> str:
        return f"{self.data['policy']['label']}: {len(self.data['gaps']):,} communes behind their provincial peers"


class LatencyAnswer(Answer):
    """Days from a policy to each implementing document; undated documents with no days."""

    columns = ("id", "kind", "level", "label", "caption", "commune", "province", "date", "days", "path")

    def rows(self) -> list[dict]:
        return [{**{key: value for key, value in _item_row(row).items() if key in self.columns}, "days": row.get("days"), "path": " > ".join(row["path"])}
                for row in self.data["documents"] + self.data["undated"]]

    def summary(self) -> str:
        return f"{self.data['policy']['label']}: {len(self.data['documents']):,} dated and {len(self.data['undated']):,} undated implementing documents"

    def plot(self, by_province: bool = False):
        """The diffusion curve (share of communes with an implementing document by day), shown inline in Jupyter."""
        from .plots import Plot, diffusion_figure

        return Plot(diffusion_figure(self.data, by_province))


class OfficesAnswer(Answer):
    """Lead and partner workload of each office, per commune."""

    columns = ("commune", "province", "office", "lead", "partner")

    def summary(self) -> str:
        return f"{len(self.data):,} offices of {len({(row['commune'], row['province']) for row in self.data}):,} communes"


class IndicatorsAnswer(Answer):
    """Indicators compared across communes (or, `shared`, those several communes of a province share)."""

    def rows(self) -> list[dict]:
        return [{**row, "communes": _joined(row["communes"])} if isinstance(row.get("communes"), list) else row for row in self.data]

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.data[0]) if self.data else ()

    def summary(self) -> str:
        return f"{len(self.data):,} indicators"


class TasksAnswer(Answer):
    """Tasks with their lead and partner offices."""

    columns = ("id", "label", "caption", "commune", "province", "section", "number", "lead_offices", "partner_offices", "text")

    def rows(self) -> list[dict]:
        return [{key: value for key, value in _item_row(item).items() if key in self.columns} for item in self.data]

    def summary(self) -> str:
        return f"{len(self.data):,} tasks"


class PathAnswer(Answer):
    """The shortest chain between two items, each step with the edge that leads to it."""

    columns = ("step", "label", "kind", "level", "relation", "method", "sentence")

    def rows(self) -> list[dict]:
        return [{"step": position, "label": step["label"], "kind": step.get("kind"), "level": "task" if step.get("kind") == "task" else step.get("level") or "unknown",
                 "relation": step.get("edge", {}).get("relation"), "method": step.get("edge", {}).get("method"), "sentence": step.get("edge", {}).get("sentence")}
                for position, step in enumerate(self.data)]

    def summary(self) -> str:
        return " > ".join(step["label"] for step in self.data) if self.data else "no chain"


class ReuseAnswer(Answer):
    """Passages plans share with each other."""

    columns = ("first", "second", "orientation", "words", "score", "boilerplate", "passages")

    def rows(self) -> list[dict]:
        return [{**{key: item[key] for key in self.columns if key in item}, "passages": len(item["spans"])} for item in self.data]

    def summary(self) -> str:
        return f"{len(self.data):,} pairs of documents share text"


class MapAnswer(Answer):
    """An interactive map: `html` is the whole offline page, shown inline in Jupyter; `save` writes it."""

    def __init__(self, data, html_page: str):
        super().__init__(data)
        self.html = html_page

    def rows(self) -> list[dict]:
        return [{key: node.get(key) for key in ("id", "label", "level", "group")} for node in self.data["nodes"]]

    def summary(self) -> str:
        return f"map of {len(self.data['nodes']):,} nodes and {len(self.data['edges']):,} edges"

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # The page goes into an iframe as a string: its scripts run in the frame, not in the notebook.
        return f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:640px;border:1px solid #ddd"></iframe>'


class StatsAnswer(Answer):
    """What the graph holds: documents by level and type, relations by type and method, counts."""

    columns = ("measure", "value")

    def rows(self) -> list[dict]:
        rows = [{"measure": name, "value": value} for name, value in self.data.items() if isinstance(value, int)]
        rows += [{"measure": f"documents, {level}", "value": count} for level, count in self.data.get("documents_by_level", {}).items()]
        rows += [{"measure": f"{row['relation']} ({row['method']})", "value": row["count"]} for row in self.data.get("relations_by_type_and_method", [])]
        return rows

    def summary(self) -> str:
        data = self.data
        return f"{data['plans']:,} plans, {data['documents']:,} documents, {data['communes']:,} communes, {data['tasks']:,} tasks"


class IngestReport(Answer):
    """What an ingest did: documents new or changed, unchanged, failed (with why), and warnings."""

    columns = ("source", "outcome", "message")

    def rows(self) -> list[dict]:
        return self.data["documents"]

    @property
    def failed(self) -> list[dict]:
        return [row for row in self.data["documents"] if row["outcome"] == "failed"]

    def summary(self) -> str:
        data = self.data
        return (f"{data['changed'] + data['unchanged']} document(s) ingested ({data['changed']} new or changed, {data['unchanged']} unchanged), "
                f"{data['failed']} failed; {data['triples']} triples in {data['location']}")
