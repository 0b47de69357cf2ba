"""Pictures of a cascade: the diffusion curve of a policy and the coverage heatmap.

Drawn on matplotlib figures made without pyplot (no display and no backend needed,
and a notebook's own matplotlib settings left alone) in DejaVu Sans, which matplotlib
ships and which has every Vietnamese letter; titles and axes are in Vietnamese, as the
researchers who read them write.
"""

from __future__ import annotations

import io
import math
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

__all__ = ["Plot", "diffusion_figure", "diffusion_curve", "coverage_figure", "coverage_heatmap", "PLOT_SUFFIXES", "HEATMAP_COMMUNES_UP_TO"]

PLOT_SUFFIXES = (".png", ".svg", ".pdf")
#: Above this many communes the heatmap shows provinces (share of their communes), not communes.
HEATMAP_COMMUNES_UP_TO = 60
#: Provinces drawn in colour on a diffusion curve by province; the rest are grey.
CURVES_IN_COLOUR = 10


@contextmanager
def _style():
    """The project's look, for drawing and for writing a figure (text as text in SVG)."""
    import matplotlib

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "svg.fonttype": "none", "figure.dpi": 100}):
        yield


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


class Plot:
    """A drawn picture: shown inline in Jupyter, written with `save`; `figure` is matplotlib's."""

    def __init__(self, figure):
        self.figure = figure

    def save(self, path: str | Path) -> Path:
        """Write the picture to a .png, .svg or .pdf file (the suffix says which)."""
        path = _checked(path)
        with _style():
            self.figure.savefig(path)
        return path

    def to_bytes(self, file_format: str = "png") -> bytes:
        """The picture as a PNG, SVG or PDF file's bytes."""
        buffer = io.BytesIO()
        with _style():
            self.figure.savefig(buffer, format=file_format)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.to_bytes("png")


def _checked(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise ValueError(f"{path}: a plot is written as {', '.join(PLOT_SUFFIXES)}; the file name ends in {path.suffix or 'nothing'}")
    return path


def _steps(days: list[int], total: int) -> tuple[list[int], list[float]]:
    """The share (in %) of `total` communes that had taken the policy up by each day."""
    xs, ys = [0], [0.0]
    for count, day in enumerate(sorted(days), start=1):
        xs += [day, day]
        ys += [ys[-1], 100.0 * count / total]
    return xs, ys


def _number(count: int) -> str:
    """A count as Vietnamese write it: 3.311."""
    return f"{count:,}".replace(",", ".")


def _vietnamese_date(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "không rõ ngày"


def diffusion_curve(result: dict, path: str | Path, by_province: bool = False) -> Path:
    """`diffusion_figure`, written to `path` (.png, .svg or .pdf)."""
    _checked(path)
    return Plot(diffusion_figure(result, by_province)).save(path)


def diffusion_figure(result: dict, by_province: bool = False):
    """Share of communes with a document implementing the policy, against days since the policy.

    `result` is `queries.latency`'s answer; one line for the country, or one a province.
    """
    with _style():
        return _draw_diffusion(result, by_province)


def _draw_diffusion(result: dict, by_province: bool):
    from matplotlib import colormaps

    policy = result["policy"]
    dated = [row for row in result["communes"] if row["days"] is not None]
    per_province = result["communes_per_province"]
    total = sum(per_province.values())
    figure, axes = _figure(10, 5.6)
    last = max([row["days"] for row in dated] + [row["days"] for row in result["documents"]] + [30])
    if by_province:
        provinces = sorted({row["province"] or "" for row in dated}, key=lambda name: (-sum(1 for row in dated if (row["province"] or "") == name), name))
        colours = colormaps["tab10"]
        for rank, province in enumerate(provinces):
            xs, ys = _steps([row["days"] for row in dated if (row["province"] or "") == province], max(1, per_province.get(province, 1)))
            coloured = rank < CURVES_IN_COLOUR
            axes.plot(xs + [last], ys + [ys[-1]], linewidth=1.8 if coloured else 0.8,
                      color=colours(rank) if coloured else "#bdbdbd", label=(province or "không rõ tỉnh") if coloured else None, zorder=3 if coloured else 2)
        if len(provinces) > CURVES_IN_COLOUR:
            axes.plot([], [], color="#bdbdbd", linewidth=0.8, label=f"{len(provinces) - CURVES_IN_COLOUR} tỉnh khác")
    xs, ys = _steps([row["days"] for row in dated], max(1, total))
    axes.plot(xs + [last], ys + [ys[-1]], color="#212121", linewidth=2.6, label=f"cả nước ({_number(total)} xã, phường)", zorder=4)
    provincial = sorted(row["days"] for row in result["documents"] if row.get("level") == "province")
    if provincial:
        axes.plot(provincial, [0.0] * len(provincial), linestyle="none", marker="|", markersize=14, color="#1565c0", label="văn bản cấp tỉnh", zorder=5, clip_on=False)
    axes.set_xlim(0, last * 1.02)
    axes.set_ylim(0, 100)
    axes.set_xlabel(f"Số ngày kể từ ngày ban hành {policy['label']} ({_vietnamese_date(policy.get('date'))})")
    axes.set_ylabel("Tỷ lệ xã, phường có văn bản thực hiện (%)")
    axes.set_title(f"Lan tỏa của {policy.get('caption') or policy['label']} xuống cấp xã", loc="left", fontsize=13)
    undated = len(result["communes"]) - len(dated)
    note = f"{_number(len(dated))} xã, phường có văn bản thực hiện có ngày"
    if undated:
        note += f"; {_number(undated)} xã, phường chỉ có văn bản không rõ ngày (không vẽ)"
    _day_ticks(axes, policy.get("date"), last)
    axes.grid(True, color="#eeeeee")
    axes.legend(loc="upper left", fontsize=9, frameon=False, ncol=2 if by_province else 1)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    figure.text(0.01, 0.015, note, fontsize=9, color="#616161")
    return figure


def _day_ticks(axes, start: str | None, last: int) -> None:
    """Ticks every quarter-ish, labelled with the day count and, under it, the calendar month."""
    if not start:
        return
    origin = date.fromisoformat(start)
    step = max(30, int(math.ceil(last / 8 / 30)) * 30)
    ticks = list(range(0, last + 1, step))
    axes.set_xticks(ticks)
    axes.set_xticklabels([f"{day}\n{(origin + timedelta(days=day)).strftime('%m/%Y')}" for day in ticks], fontsize=9)


def _province_shares(result: dict) -> tuple[list[str], list[list[float]], list[list[str]]]:
    """Provinces × policies: the share of a province's communes with a task implementing the policy."""
    provinces = sorted({province or "" for province in result["provinces"].values()})
    members = {province: [name for name in result["communes"] if (result["provinces"].get(name) or "") == province] for province in provinces}
    values, texts = [], []
    for province in provinces:
        row = []
        for policy in result["policies"]:
            implementing = sum(1 for name in members[province] if any(result["cells"][name][policy].values()))
            row.append(100.0 * implementing / max(1, len(members[province])))
        values.append(row)
        texts.append([f"{value:.0f}" for value in row])
    return [province or "không rõ tỉnh" for province in provinces], values, texts


def _commune_counts(result: dict) -> tuple[list[str], list[list[float]], list[list[str]]]:
    values, texts = [], []
    for name in result["communes"]:
        cells = [result["cells"][name][policy] for policy in result["policies"]]
        values.append([float(cell["explicit"] + cell["implicit"]) for cell in cells])
        texts.append([(f"{cell['explicit']}+{cell['implicit']}" if cell["implicit"] else str(cell["explicit"])) if cell["explicit"] + cell["implicit"] else "" for cell in cells])
    return list(result["communes"]), values, texts


def _short(label: str, width: int = 36) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def coverage_heatmap(result: dict, path: str | Path, by: str | None = None) -> Path:
    """`coverage_figure`, written to `path` (.png, .svg or .pdf)."""
    _checked(path)
    return Plot(coverage_figure(result, by)).save(path)


def coverage_figure(result: dict, by: str | None = None):
    """Communes (or provinces) × central policies, from `queries.coverage`'s answer.

    `by` is "commune" or "province"; by default communes when there are at most
    HEATMAP_COMMUNES_UP_TO of them, provinces otherwise.
    """
    with _style():
        return _draw_coverage(result, by)


def _draw_coverage(result: dict, by: str | None):
    if not result["policies"]:
        raise ValueError("no commune implements a central policy in this store: there is no coverage to draw")
    by = by or ("commune" if len(result["communes"]) <= HEATMAP_COMMUNES_UP_TO else "province")
    rows, values, texts = _province_shares(result) if by == "province" else _commune_counts(result)
    columns = [_short(policy) for policy in result["policies"]]
    if len(columns) > len(rows):  # the longer list reads down the page
        rows, columns = columns, rows
        values, texts = [list(column) for column in zip(*values)], [list(column) for column in zip(*texts)]
    from matplotlib.colors import LogNorm, Normalize

    width = max(7.0, 4.5 + 0.9 * len(columns))
    figure, axes = _figure(width, max(3.0, 1.6 + 0.32 * len(rows)))
    if by == "province":
        image = axes.imshow(values, aspect="auto", cmap="Blues", norm=Normalize(0, 100))
        caption = "Tỷ lệ xã, phường của tỉnh có nhiệm vụ thực hiện (%)"
        title = "Mức độ bao phủ: các tỉnh × chính sách trung ương"
    else:
        highest = max((value for row in values for value in row), default=1.0)
        masked = [[value if value else math.nan for value in row] for row in values]
        image = axes.imshow(masked, aspect="auto", cmap="YlOrBr", norm=LogNorm(1, max(2.0, highest)))
        caption = "Số nhiệm vụ thực hiện (tường minh+suy luận)"
        title = "Mức độ bao phủ: các xã, phường × chính sách trung ương"
    axes.set_xticks(range(len(columns)))
    axes.set_xticklabels(columns, rotation=35, ha="right", fontsize=9)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(rows, fontsize=8 if len(rows) > 30 else 9)
    if len(rows) * len(columns) <= 600:
        for y, row in enumerate(texts):
            for x, text in enumerate(row):
                if text:
                    dark = image.norm(values[y][x]) > 0.6
                    axes.text(x, y, text, ha="center", va="center", fontsize=7, color="white" if dark else "#212121")
    axes.set_title(title, loc="left", fontsize=12)
    figure.colorbar(image, ax=axes, label=caption, shrink=0.8)
    figure.tight_layout()
    return figure
