"""Ruled tables in a scanned page: the grid drawn on the page, found in its pixels, so that
the words OCR reads in a task table come out as the table's rows and cells, as a PDF's
tables do (corpus.pdf): each row its cells joined by tabs, with a blank line around the
table.

A rule is a run of dark pixels far longer than any letter is tall or wide: horizontal
rules at least a twelfth of the page wide, vertical ones at least 5 mm high.  Rules that
cross make a grid; a grid of two rows and two columns, or of one row and three cells, is
a table.  A row's cells are the spaces between the grid's column rules; where a row has
no rule between two columns (a merged cell) its words go in the first and the next is
left empty, as in the PDF reader.  The rules are whitened before the page is read, so
Tesseract does not read them as letters ("|", "I", "l").
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Grid", "find_grids", "without_rules", "runs_down", "empty_cells", "table_text", "INK"]

#: A pixel darker than this may be ink of a rule.
INK = 160
#: Rules this close (mm) are one rule: a rule is a few pixels thick, or a little askew.
_SAME_RULE_MM = 0.5
#: How far (mm) a rule may stop short of the rule it meets and still meet it.
_REACH_MM = 1.0
#: A cell is looked into this far (mm) inside its rules, and holds something when this much (mm²) of it is inked.
_CELL_INSET_MM, _CELL_INK_MM2 = 0.34, 0.14
#: The shortest rules (mm): across, a twelfth of the page wide or this; down, a table row's height.
_ACROSS_MM, _DOWN_MM = 5.0, 3.4


def _pixels(millimetres: float, dpi: float) -> int:
    return max(1, round(millimetres * dpi / 25.4))


@dataclass
class _Rule:
    position: float  # y of a horizontal rule, x of a vertical one
    start: int
    end: int


@dataclass
class Grid:
    """One ruled table: its row and column rules (pixels, top to bottom, left to right) and,
    for each row, the column rules that run through it."""

    rows: list[float]
    columns: list[float]
    row_columns: list[list[float]] = field(default_factory=list)
    dpi: float = 300.0  # the page image's resolution

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.columns[0], self.rows[0], self.columns[-1], self.rows[-1]

    def holds(self, x: float, y: float) -> bool:
        left, top, right, bottom = self.box
        return left <= x <= right and top <= y <= bottom

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        """(row, column) of the cell a point is in, a merged cell counted as its first column."""
        row = max(index for index, top in enumerate(self.rows[:-1]) if top <= y or index == 0)
        present = self.row_columns[row]
        column = max(index for index, left in enumerate(self.columns[:-1]) if left <= x or index == 0)
        while column > 0 and not any(abs(self.columns[column] - rule) <= 2 * _pixels(_SAME_RULE_MM, self.dpi) for rule in present):
            column -= 1
        return row, column


def find_grids(gray, dpi: float) -> tuple[list[Grid], "object"]:
    """The ruled tables of a page image (greyscale, upright, at `dpi`) and a mask of their
    rules' pixels (None when there is no table)."""
    import numpy

    ink = numpy.asarray(gray) < INK
    height, width = ink.shape
    across_length = max(_pixels(_ACROSS_MM, dpi), width // 12)
    down_length = max(_pixels(_DOWN_MM, dpi), int(height * 0.017))  # 5 mm down an A4 page
    across_starts, down_starts = _full_windows(ink, across_length), _full_windows(numpy.ascontiguousarray(ink.T), down_length)
    same_rule, reach = _pixels(_SAME_RULE_MM, dpi), _pixels(_REACH_MM, dpi)
    across, down = _rules(across_starts, across_length, same_rule), _rules(down_starts, down_length, same_rule)
    grids = [grid for grid in (_grid(across_part, down_part, reach, dpi)
                               for across_part, down_part in _crossing_groups(across, down, reach)) if grid]
    if not grids:
        return [], None
    return grids, _covered(across_starts, across_length) | _covered(down_starts, down_length).T


def without_rules(gray, mask):
    """The page with the pixels of its table rules made white."""
    import numpy
    from PIL import Image

    pixels = numpy.asarray(gray).copy()
    pixels[mask] = 255
    return Image.fromarray(pixels)


def runs_down(ink, length: int):
    """The pixels of `ink` (a boolean page) in runs down the page of `length` or longer: a
    table's column rules, a frame's sides."""
    import numpy

    return _covered(_full_windows(numpy.ascontiguousarray(ink.T), length), length).T


def _full_windows(ink, length: int):
    """For each row of `ink`, where a run of `length` inked pixels begins."""
    import numpy

    count = numpy.zeros((ink.shape[0], ink.shape[1] + 1), dtype=numpy.int32)
    numpy.cumsum(ink, axis=1, out=count[:, 1:])
    return (count[:, length:] - count[:, :-length]) == length


def _covered(starts, length: int):
    """The pixels that full windows beginning at `starts` cover (a row's windows widened by `length`)."""
    import numpy

    rows, begins = starts.shape
    width = begins + length - 1
    begun = numpy.zeros((rows, width + 1), dtype=numpy.int32)  # windows begun before each pixel
    numpy.cumsum(starts, axis=1, out=begun[:, 1:begins + 1])
    begun[:, begins + 1:] = begun[:, begins:begins + 1]
    return begun[:, 1:] - numpy.concatenate([numpy.zeros((rows, length), dtype=numpy.int32), begun[:, 1:width + 1 - length]], axis=1) > 0


def _rules(starts, length: int, same_rule: int) -> list[_Rule]:
    """Each row's runs of full windows, joined with the overlapping runs of the rows just before
    (a rule is a few rows thick), one rule each; two tables on one column stay two rules."""
    import numpy

    rules: list[_Rule] = []
    last_row: dict[int, int] = {}  # a rule's index in `rules` → the last row it was seen on
    for index in numpy.flatnonzero(starts.any(axis=1)):
        where = numpy.flatnonzero(starts[index])
        breaks = numpy.flatnonzero(numpy.diff(where) > 1)
        for first, last in zip(numpy.concatenate([[0], breaks + 1]), numpy.concatenate([breaks, [len(where) - 1]])):
            start, end = int(where[first]), int(where[last]) + length - 1
            open_rule = next((number for number, row in last_row.items()
                              if index - row <= same_rule and start <= rules[number].end and end >= rules[number].start), None)
            if open_rule is None:
                last_row[len(rules)] = int(index)
                rules.append(_Rule(float(index), start, end))
                continue
            rule = rules[open_rule]
            rule.position = (rule.position + index) / 2
            rule.start, rule.end = min(rule.start, start), max(rule.end, end)
            last_row[open_rule] = int(index)
        last_row = {number: row for number, row in last_row.items() if index - row <= same_rule}
    return rules


def _meet(across: _Rule, down: _Rule, reach: int) -> bool:
    return (across.start - reach <= down.position <= across.end + reach
            and down.start - reach <= across.position <= down.end + reach)


def _crossing_groups(across: list[_Rule], down: list[_Rule], reach: int):
    """The rules, grouped into sets that meet one another (one set a table)."""
    parent = list(range(len(across) + len(down)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, horizontal in enumerate(across):
        for j, vertical in enumerate(down):
            if _meet(horizontal, vertical, reach):
                parent[root(i)] = root(len(across) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, horizontal in enumerate(across):
        groups.setdefault(root(i), ([], []))[0].append(horizontal)
    for j, vertical in enumerate(down):
        groups.setdefault(root(len(across) + j), ([], []))[1].append(vertical)
    return [group for group in groups.values() if group[0] and group[1]]


def _grid(across: list[_Rule], down: list[_Rule], reach: int, dpi: float) -> Grid | None:
    rows = sorted(rule.position for rule in across)
    columns = sorted(rule.position for rule in down)
    if len(rows) < 2 or len(columns) < 2:
        return None
    row_columns = [[rule.position for rule in down if rule.start - reach <= (top + bottom) / 2 <= rule.end + reach]
                   for top, bottom in zip(rows, rows[1:])]
    cells = max(len(present) - 1 for present in row_columns)
    if not ((len(rows) >= 3 and cells >= 2) or cells >= 3):
        return None
    return Grid(rows, columns, row_columns, dpi)


def empty_cells(grid: Grid, words: list[dict], ink) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom) of the table's cells that hold ink but no word:
    Tesseract passes over a lone figure in a narrow cell (the STT column's "1", "2", …)."""
    inset, least_ink = _pixels(_CELL_INSET_MM, grid.dpi), max(3, round(_CELL_INK_MM2 * (grid.dpi / 25.4) ** 2))
    taken = {grid.cell_of((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2) for word in words}
    boxes = []
    for row, (top, bottom) in enumerate(zip(grid.rows, grid.rows[1:])):
        present = sorted(grid.row_columns[row])
        for left, right in zip(present, present[1:]):
            column = grid.cell_of((left + right) / 2, (top + bottom) / 2)[1]
            box = (int(left) + inset, int(top) + inset, int(right) - inset, int(bottom) - inset)
            if (row, column) not in taken and box[2] > box[0] and box[3] > box[1] and ink[box[1]:box[3], box[0]:box[2]].sum() >= least_ink:
                boxes.append(box)
    return boxes


def table_text(grid: Grid, words: list[dict]) -> str:
    """The table's rows, cells joined by tabs, from the words (each with "text", "x0", "x1",
    "top", "bottom" and "line", its line's number) whose middle lies in it; a cell's words in
    their lines' order."""
    cells: dict[tuple[int, int], list[dict]] = {}
    for word in words:
        cells.setdefault(grid.cell_of((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2), []).append(word)
    rows = []
    for row in range(len(grid.rows) - 1):
        texts = [" ".join(word["text"] for word in sorted(cells.get((row, column), []), key=lambda word: (word["line"], word["x0"])))
                 for column in range(len(grid.columns) - 1)]
        if any(texts):
            rows.append("\t".join(texts))
    return "\n" + "\n".join(rows) + "\n"
