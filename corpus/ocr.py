"""Scans read through Tesseract with its Vietnamese model.

A scanned page (a PDF page with no text layer, or an image: PNG, JPEG, TIFF) is rendered
at 300 dpi (pypdfium2 for PDFs) and read by Debian's `tesseract-ocr` with
`tesseract-ocr-vie` through pytesseract; its words come back with their confidence and
are put in lines and paragraphs as Tesseract found them.  What was read is kept in a
cache keyed by the file's content hash (see `cached`), so a second run does not read the
scan again.  Images are opened with Pillow's limit on pixels, so a decompression bomb is
refused before it is decoded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OcrPage", "ocr_image", "ocr_images", "ocr_pdf_pages", "read_image_file", "OcrMissing", "DPI", "cached", "MAX_PIXELS"]

DPI = 300
#: An image larger than this (an A3 page at 600 dpi is 70 million) is refused.
MAX_PIXELS = 120_000_000
#: Bump when what OCR gives changes, so older cached readings are read again.
_CACHE_FORMAT = 2


class OcrMissing(RuntimeError):
    """Tesseract or its Vietnamese model is not installed; the message says how to install them."""


@dataclass
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0–100


def _check_tesseract() -> None:
    import pytesseract

    # Tesseract's OpenMP threads fight over a small machine's cores: one thread a page, and
    # pages side by side, read four times faster here (0.9 s a page instead of 4 s).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if shutil.which("tesseract") is None:
        raise OcrMissing("reading scans needs Tesseract: apt-get install tesseract-ocr tesseract-ocr-vie")
    if "vie" not in pytesseract.get_languages(config=""):
        raise OcrMissing("reading scans needs Tesseract's Vietnamese model: apt-get install tesseract-ocr-vie")


def ocr_image(image) -> OcrPage:
    """One page image's text: Tesseract's lines, put into paragraphs by their positions as a
    PDF's lines are (corpus.pdf): a centred title, the "(Kèm theo …)" line under it and
    the header's two columns stay apart, a paragraph's wrapped lines are joined."""
    import pytesseract

    from .pdf import paragraphs_of_lines

    gray = image.convert("L")
    data = pytesseract.image_to_data(gray, lang="vie", config="--psm 3", output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], dict] = {}
    confidences = []
    for index, word in enumerate(data["text"]):
        if not word.strip():
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        left, top = data["left"][index], data["top"][index]
        right, bottom = left + data["width"][index], top + data["height"][index]
        line = lines.setdefault(key, {"words": [], "x0": left, "x1": right, "top": top, "bottom": bottom})
        line["words"].append(word)
        line["x0"], line["x1"] = min(line["x0"], left), max(line["x1"], right)
        line["top"], line["bottom"] = min(line["top"], top), max(line["bottom"], bottom)
        confidence = float(data["conf"][index])
        if confidence >= 0:
            confidences.append(confidence)
    ordered = sorted(({**line, "text": " ".join(line["words"])} for line in lines.values()), key=lambda line: (line["top"], line["x0"]))
    text = "\n".join(" ".join(line["text"] for line in paragraph) for paragraph in paragraphs_of_lines(ordered, [], float(gray.width)))
    return OcrPage(text, sum(confidences) / len(confidences) if confidences else 0.0)


def ocr_images(images) -> list[OcrPage]:
    _check_tesseract()
    return _read_side_by_side(list(images))


def _read_side_by_side(images: list) -> list[OcrPage]:
    """Each image read by its own Tesseract process, as many at once as there are cores."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        return list(pool.map(ocr_image, images))


def ocr_pdf_pages(data: bytes, pages: list[int]) -> dict[int, OcrPage]:
    """The given pages (0-based) of a PDF, rendered at DPI and read, a few at a time (a
    rendered A4 page is 9 MB)."""
    import pypdfium2

    _check_tesseract()
    document = pypdfium2.PdfDocument(data)
    read: dict[int, OcrPage] = {}
    batch = 2 * max(1, os.cpu_count() or 1)
    try:
        for start in range(0, len(pages), batch):
            numbers = pages[start:start + batch]
            # pdfium renders one page at a time; the reading is what runs side by side.
            images = [document[number].render(scale=DPI / 72).to_pil() for number in numbers]
            read.update(zip(numbers, _read_side_by_side(images)))
    finally:
        document.close()
    return read


def read_image_file(path: Path) -> list:
    """The pages of an image file (a TIFF may hold several), refused beyond MAX_PIXELS."""
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as opened:
            frames = [frame.convert("L") for frame in ImageSequence.Iterator(opened)]
    except Image.DecompressionBombError:
        raise ValueError(f"the image is larger than {MAX_PIXELS // 1_000_000} million pixels; refused as a possible decompression bomb") from None
    except (OSError, SyntaxError) as error:
        raise ValueError(f"cannot read this image: {error}") from None
    return frames


def cached(data: bytes, kind: str, read):
    """`read()`'s pages for this content, from the cache if it was read before.  The cache is
    $XDG_CACHE_HOME/lineage/ocr (LINEAGE_OCR_CACHE changes it; "off" turns it off)."""
    where = os.environ.get("LINEAGE_OCR_CACHE") or str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lineage" / "ocr")
    path = None if where == "off" else Path(where) / f"{kind}-{_CACHE_FORMAT}-{hashlib.sha256(data).hexdigest()}.json"
    if path is not None and path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            return {int(number): OcrPage(page["text"], page["confidence"]) for number, page in stored.items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged entry is read again
    pages = read()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps({str(number): {"text": page.text, "confidence": page.confidence} for number, page in pages.items()},
                                            ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only home: the scan is read again next time
    return pages
