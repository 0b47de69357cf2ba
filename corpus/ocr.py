"""Scans read through Tesseract with its Vietnamese model.

A scanned page (a PDF page with no text layer, or an image: PNG, JPEG, TIFF) is rendered
at 300 dpi (pypdfium2 for PDFs) and read by Tesseract through tesserocr, which runs the
engine in this process (one engine a thread, pages side by side, no image written to
disk) with the Vietnamese model of Debian's `tesseract-ocr-vie`; its words come back with
their confidence and are put in lines and paragraphs by their positions.  What was read
is kept in the cache of readings (corpus.readings), so a second run does not read the
scan again.  An image's size is checked before it is decoded, so a decompression bomb is
refused with little memory.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["OcrPage", "ocr_image", "ocr_images", "ocr_pdf_pages", "read_image_file", "OcrMissing", "require_ocr", "page_workers", "DPI", "cached", "MAX_PIXELS"]

DPI = 300
#: An image larger than this (an A3 page at 600 dpi is 70 million) is refused.
MAX_PIXELS = 120_000_000
#: Bump when what OCR gives changes, so older cached readings are read again.
_CACHE_FORMAT = 10
#: Where Debian, Fedora, Homebrew and a source build put Tesseract's models.
_MODEL_FOLDERS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")
_INSTALL_MODEL = "apt-get install tesseract-ocr-vie"


class OcrMissing(RuntimeError):
    """Tesseract or its Vietnamese model is not installed; the message says how to install them."""


@dataclass
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0–100
    #: The lines read in the page's top and bottom margins, where its number and a running head
    #: or foot are: which of them to leave out is known only from the whole document (corpus.pdf).
    margin: tuple[str, ...] = ()


def _model_folder() -> str:
    """The folder holding vie.traineddata: $TESSDATA_PREFIX (the folder or its tessdata/), else the usual places."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [prefix, os.path.join(prefix, "tessdata")] if prefix else list(_MODEL_FOLDERS)
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, "vie.traineddata")):
            return folder
    where = f"TESSDATA_PREFIX={prefix} holds" if prefix else "none of " + ", ".join(_MODEL_FOLDERS) + " holds"
    raise OcrMissing(f"reading scans by OCR needs Tesseract's Vietnamese model ({where} vie.traineddata): {_INSTALL_MODEL}")


_engines = threading.local()


def _engine():
    """This thread's Tesseract engine (an engine is not shared between threads; loading the model takes 50 ms)."""
    engine = getattr(_engines, "engine", None)
    if engine is None:
        try:
            import tesserocr
        except ImportError:
            raise OcrMissing("reading scans by OCR needs tesserocr: pip install tesserocr") from None
        engine = tesserocr.PyTessBaseAPI(path=_model_folder(), lang="vie", psm=tesserocr.PSM.AUTO)
        # Printed plans have no white-on-black text; looking for it costs a tenth of a page's time.
        engine.SetVariable("tessedit_do_invert", "0")
        _engines.engine = engine
    return engine


def require_ocr() -> None:
    """Raises OcrMissing, saying what to install, unless scans can be read here."""
    _model_folder()
    _engine()


def ocr_image(image) -> OcrPage:
    """One page image's text, read as a PDF page is (corpus.pdf): a ruled table as its rows
    of tab-separated cells (corpus.ruled), the other lines put into paragraphs by their
    positions, so that a centred title, the "(Kèm theo …)" line under it and the header's
    two columns stay apart and a paragraph's wrapped lines are joined."""
    import numpy

    from .pdf import MARGIN, paragraphs_of_lines
    from .ruled import INK, empty_cells, find_grids, table_text, without_rules

    gray, dpi = _for_reading(without_red_seal(image))
    gray = despeckled(gray)
    grids, rules = find_grids(gray, dpi)
    if grids:
        gray = without_rules(gray, rules)
    words, confidence = _words(gray, dpi)
    blocks: list[tuple[float, str]] = []
    for grid in grids:
        inside = [word for word in words if grid.holds((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2)]
        inside += _words_in_cells(gray, empty_cells(grid, inside, numpy.asarray(gray) < INK), dpi)
        blocks.append((grid.rows[0], table_text(grid, inside)))
        held = {id(word) for word in inside}
        words = [word for word in words if id(word) not in held]
    lines = sorted(_lines_of(words), key=lambda line: (line["top"], line["x0"]))
    margin = tuple(line["text"] for line in lines if line["top"] < MARGIN * gray.height or line["bottom"] > (1 - MARGIN) * gray.height)
    boxes = [grid.box for grid in grids]
    blocks += [(paragraph[0]["top"], " ".join(line["text"] for line in paragraph)) for paragraph in paragraphs_of_lines(lines, boxes, float(gray.width))]
    blocks.sort(key=lambda block: block[0])
    return OcrPage(repaired_dates("\n".join(text for _, text in blocks).strip("\n")), confidence, margin)


#: A lone mark read with less confidence than this is a speck of dirt, not a dash or a dot.
_SPECK_CONFIDENCE = 40.0
#: Empty cells of a page read one by one at most (each takes 10–30 ms).
_CELLS_READ = 80


def _words_in_cells(gray, boxes: list[tuple[int, int, int, int]], dpi: float) -> list[dict]:
    """The words of cells the page's reading left empty, each cell read as a block of its own."""
    from tesserocr import PSM

    engine = _engine()
    engine.SetPageSegMode(PSM.SINGLE_BLOCK)
    found: list[dict] = []
    try:
        for number, (left, top, right, bottom) in enumerate(boxes[:_CELLS_READ]):
            words, _ = _words(gray.crop((left, top, right, bottom)), dpi, first_line=1_000_000 * (number + 1))
            found += [{**word, "x0": word["x0"] + left, "x1": word["x1"] + left, "top": word["top"] + top, "bottom": word["bottom"] + top}
                      for word in words]
    finally:
        engine.SetPageSegMode(PSM.AUTO)
    return found


def _words(gray, dpi: float, first_line: int = 0) -> tuple[list[dict], float]:
    """Tesseract's words with their boxes and line numbers, and their mean confidence."""
    from tesserocr import RIL, iterate_level

    engine = _engine()
    engine.SetImage(gray)
    engine.SetSourceResolution(round(dpi))
    engine.Recognize()
    words, confidences, line = [], [], first_line - 1
    found = engine.GetIterator()  # None on a page with no text
    for word in iterate_level(found, RIL.WORD) if found is not None else ():
        if word.IsAtBeginningOf(RIL.TEXTLINE):
            line += 1
        try:
            text = word.GetUTF8Text(RIL.WORD).strip()
        except RuntimeError:  # a word Tesseract found but could read nothing in
            continue
        confidence = word.Confidence(RIL.WORD)
        if text and not (confidence < _SPECK_CONFIDENCE and len(text) == 1 and not text.isalnum()):
            left, top, right, bottom = word.BoundingBox(RIL.WORD)
            words.append({"text": text, "x0": left, "x1": right, "top": top, "bottom": bottom, "line": line})
            confidences.append(confidence)
    engine.Clear()
    return words, sum(confidences) / len(confidences) if confidences else 0.0


def _lines_of(words: list[dict]) -> list[dict]:
    lines: dict[int, dict] = {}
    for word in words:
        line = lines.get(word["line"])
        if line is None:
            lines[word["line"]] = {**word, "words": [word["text"]]}
            continue
        line["words"].append(word["text"])
        line["x0"], line["x1"] = min(line["x0"], word["x0"]), max(line["x1"], word["x1"])
        line["top"], line["bottom"] = min(line["top"], word["top"]), max(line["bottom"], word["bottom"])
    return [{**line, "text": _as_stroke(line) or " ".join(line["words"])} for line in lines.values()]


def _as_stroke(line: dict) -> str | None:
    """"|" for a line that is one thin upright mark ("Ị", "l", "!" as OCR names it): the bar of a
    printed web copy's table or a rule drawn down a page, which the layout reads as a pipe."""
    if len(line["words"]) != 1 or len(line["words"][0]) != 1 or line["words"][0].isdigit():
        return None
    return "|" if 4 * (line["x1"] - line["x0"]) <= line["bottom"] - line["top"] else None


#: A page turned less than this reads as upright (its lines' boxes barely overlap); turning it back costs 0.1 s.
_TOLERATED_SKEW = 0.2


def skew_of(gray, limit: float = 6.0) -> float:
    """The angle (degrees, counter-clockwise) that sets a page's lines level: the one at which
    the rows of a small copy of the page are most unlike their neighbours (dark text lines
    between white gaps), searched in 1° then 0.1° steps.  Takes about 15 ms a page."""
    import numpy
    from PIL import Image

    small = gray.reduce(max(1, gray.width // 400))  # an A4 page at 300 dpi by 6

    def row_contrast(angle: float) -> float:
        rows = (numpy.asarray(small.rotate(angle, resample=Image.NEAREST, fillcolor=255)) < 200).sum(axis=1, dtype=numpy.int64)
        return float(numpy.square(numpy.diff(rows)).sum())

    coarse = max(numpy.arange(-limit, limit + 0.01, 1.0), key=row_contrast)
    return round(float(max(numpy.arange(coarse - 0.6, coarse + 0.61, 0.1), key=row_contrast)), 1)


#: Share of a colour page's pixels in a seal's red past which the seal is taken out.
_SEALED = 0.002


def without_red_seal(image):
    """The page in greys; a colour scan with a red seal (the commune's, over the signature and
    the lines beside it) is taken through its red channel, in which the seal is as light as
    the paper and the black text stays black."""
    import numpy

    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image.convert("L")
    colour = image.convert("RGB")
    red, green, blue = (numpy.asarray(channel, dtype=numpy.int16) for channel in colour.reduce(4).split())
    sealed = ((red > 140) & (red - numpy.maximum(green, blue) > 60)).mean() > _SEALED
    return colour.getchannel("R") if sealed else colour.convert("L")


#: Share of a page's pixels standing alone (a dark one among light ones or the reverse) past which it is
#: speckled: a clean scan has next to none, one speckled by a scanner and kept as JPEG 1 in 5,000 or more.
_SPECKLED = 0.00005


def despeckled(gray):
    """The page through a 3×3 median filter when a scanner left it speckled (dust, a photocopy
    of a photocopy), which Tesseract reads as marks between the letters; a clean page, where
    the filter would only cost time, is left as it is.  Judged on the page's middle."""
    import numpy
    from PIL import ImageFilter

    width, height = gray.size
    middle = numpy.asarray(gray.crop((width // 4, height // 4, width * 3 // 4, height * 3 // 4))) < 128
    padded = numpy.pad(middle, 1, mode="edge").astype(numpy.int8)
    rows, columns = middle.shape
    neighbours = sum(padded[1 + dy:rows + 1 + dy, 1 + dx:columns + 1 + dx] for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)
    alone = (middle & (neighbours == 0)) | (~middle & (neighbours == 8))
    if alone.mean() < _SPECKLED:
        return gray
    return gray.filter(ImageFilter.MedianFilter(3))


#: A page whose lines of text are this tall (pixels, accents included) or taller is read from
#: a copy of half its width and height: Tesseract scales every line to the same height before
#: it reads it, so the 300-dpi pixels of 10-point text or larger only cost time (a third of
#: the page's), and a scanner's specks average out to grey.  Smaller text is read as scanned.
_HALVED_FROM = 40
#: Bands of inked rows shorter or taller than these (mm) are not lines of text: a rule or a
#: speck; a table's ruled rows, a seal or a picture.
_LINE_MM = (1.0, 10.0)


def line_height(gray, dpi: float) -> float:
    """The usual height (pixels) of a line of text on an upright page: the median height of its
    bands of rows with ink, bands that cannot be lines of text left out; 0 when it has none.
    Ink running down further than a line is tall is left out first: a task table's column
    rules would make all its rows, a page of them, one band."""
    import numpy

    from .ruled import runs_down

    shortest, tallest = (millimetres * dpi / 25.4 for millimetres in _LINE_MM)
    ink = numpy.asarray(gray) < 128
    inked = (ink & ~runs_down(ink, round(tallest))).sum(axis=1) >= 3
    edges = numpy.flatnonzero(numpy.diff(numpy.concatenate([[0], inked.astype(numpy.int8), [0]])))
    heights = edges[1::2] - edges[::2]
    lines = heights[(heights >= shortest) & (heights <= tallest)]
    return float(numpy.median(lines)) if lines.size else 0.0


def _for_reading(gray):
    """The page set upright at the resolution it is read at, and that resolution: halved when
    its text is large enough (judged on the halved copy, which is quicker to turn)."""
    halved = upright(gray.reduce(2))
    if 2 * line_height(halved, DPI / 2) >= _HALVED_FROM:
        return halved, DPI / 2
    return upright(gray), DPI


def upright(gray):
    """The page turned level when a scanner took it askew (Tesseract misreads lines past 2°)."""
    from PIL import Image

    angle = skew_of(gray)
    if abs(angle) < _TOLERATED_SKEW:
        return gray
    return gray.rotate(angle, resample=Image.BILINEAR, fillcolor=255)


def ocr_images(images) -> list[OcrPage]:
    require_ocr()
    return _side_by_side(ocr_image, list(images))


def page_workers() -> int:
    """How many pages are read at once: $LINEAGE_OCR_JOBS (`lineage extract --jobs`; an
    ingest shares the cores among its processes), else one a core."""
    try:
        chosen = int(os.environ.get("LINEAGE_OCR_JOBS", "0"))
    except ValueError:
        chosen = 0
    return chosen if chosen > 0 else max(1, os.cpu_count() or 1)


def _side_by_side(read, items: list) -> list[OcrPage]:
    """`read` of each item, `page_workers()` at once."""
    return list(_page_readers().map(read, items))


_readers_lock = threading.Lock()
_readers: tuple[tuple[int, int], "object"] | None = None


def _page_readers():
    """The threads that read pages, each with its own Tesseract engine (the engine leaves
    Python's lock while it reads), kept from one document to the next: loading an engine
    takes 0.1 s, a sixth of a page.  A process forked from this one starts its own."""
    from concurrent.futures import ThreadPoolExecutor

    global _readers
    key = (os.getpid(), page_workers())
    with _readers_lock:
        if _readers is None or _readers[0] != key:
            if _readers is not None and _readers[0][0] == key[0]:
                _readers[1].shutdown(wait=False)
            _readers = (key, ThreadPoolExecutor(max_workers=key[1], thread_name_prefix="ocr"))
        return _readers[1]


def ocr_pdf_pages(data: bytes, pages: list[int]) -> dict[int, OcrPage]:
    """The given pages (0-based) of a PDF, each rendered at DPI by the worker that reads it
    (a rendered A4 page is 26 MB: only the pages being read are held)."""
    import pypdfium2

    require_ocr()
    document = pypdfium2.PdfDocument(data)
    # pdfium renders one page at a time, outside Python's lock: a page is rendered while others are read;
    # in RGB order (rev_byteorder), which Pillow takes without reordering the 26 MB of pixels.
    rendering = threading.Lock()

    def read(number: int) -> OcrPage:
        with rendering:
            image = document[number].render(scale=DPI / 72, rev_byteorder=True).to_pil()
        return ocr_image(image)

    try:
        return dict(zip(pages, _side_by_side(read, pages)))
    finally:
        document.close()


def read_image_file(path: Path) -> list:
    """The pages of an image file (a TIFF may hold several), each refused beyond MAX_PIXELS
    before it is decoded; colour pages stay in colour (a red seal is taken out later)."""
    from PIL import Image, ImageSequence

    bomb = ValueError(f"the image is larger than {MAX_PIXELS // 1_000_000} million pixels; refused as a possible decompression bomb")
    frames = []
    try:
        with Image.open(path) as opened:
            for frame in ImageSequence.Iterator(opened):
                if frame.width * frame.height > MAX_PIXELS:
                    raise bomb
                frames.append(frame.convert("RGB") if frame.mode in ("RGB", "RGBA", "P", "CMYK") else frame.convert("L"))
    except Image.DecompressionBombError:
        raise bomb from None
    except (OSError, SyntaxError) as error:
        raise ValueError(f"cannot read this image: {error}") from None
    return frames


@lru_cache(maxsize=1)
def _dates_misread():
    """Patterns of a date with a letter OCR read for a figure, and the figure of each letter."""
    from .registry import date_figures

    figures = date_figures()
    figure = "[\\d" + re.escape("".join(figures)) + "]"
    worded = re.compile(rf"(ngày\s{{1,3}})({figure}{{1,2}})(\s{{1,3}}tháng\s{{1,3}})({figure}{{1,2}})(\s{{1,3}}năm\s{{1,3}})({figure}{{4}})\b", re.IGNORECASE)
    numeric = re.compile(rf"(?<![\w/])({figure}{{1,2}})(/)({figure}{{1,2}})(/)({figure}{{4}})(?![\w/])")
    return worded, numeric, str.maketrans(figures)


def repaired_dates(text: str) -> str:
    """The text with the dates OCR misread in figures ("ngày O5 tháng 0l năm 2026", "3O/12/2025")
    written in figures, where the figures then make a real date."""
    import datetime

    worded, numeric, to_figures = _dates_misread()

    def repairer(day: int, month: int, year: int):
        def repair(match: re.Match) -> str:
            parts = list(match.groups())
            figures = [parts[index].translate(to_figures) for index in (day, month, year)]
            if figures == [parts[index] for index in (day, month, year)] or not all(figure.isdigit() for figure in figures):
                return match.group()
            try:
                datetime.date(int(figures[2]), int(figures[1]), int(figures[0]))
            except ValueError:
                return match.group()
            for index, figure in zip((day, month, year), figures):
                parts[index] = figure
            return "".join(parts)
        return repair

    return numeric.sub(repairer(0, 2, 4), worded.sub(repairer(1, 3, 5), text))


#: Below this mean word confidence a reading is worth checking by eye.
LOW_CONFIDENCE = 70.0


def low_confidence_note(reading) -> list[str]:
    """A note naming the pages (an OcrReading's) read with low confidence, if any."""
    from .pdf import page_ranges

    low = [page - 1 for page, confidence in zip(reading.pages, reading.page_confidence) if confidence < LOW_CONFIDENCE]
    if not low:
        return []
    return [f"page(s) {page_ranges(low)} read by OCR with low confidence (under {LOW_CONFIDENCE:.0f}%): "
            "what was read there may be wrong; a sharper scan (300 dpi, upright) reads better"]


def cached(data: bytes, kind: str, read) -> dict[int, OcrPage]:
    """`read()`'s pages (by number) for this content, from the cache of readings (corpus.readings)
    if it was read before."""
    from .readings import remembered

    return remembered(data, f"ocr-{kind}-{_CACHE_FORMAT}", read,
                      to_json=lambda pages: {str(number): {"text": page.text, "confidence": page.confidence, "margin": page.margin} for number, page in pages.items()},
                      from_json=lambda stored: {int(number): OcrPage(page["text"], page["confidence"], tuple(page["margin"])) for number, page in stored.items()})
