"""Plans printed and scanned as researchers receive them: the tests and the format benchmark
make their PDFs and scans from the documents' own text with these.

    as_pdf(text, path)                     a word processor's PDF (text layer, ruled tables)
    as_pdf(text, path, **OFFICIAL)         the same in the layout Decree 30/2020/NĐ-CP sets
    as_pdf(text, path, running=(head, foot))
                                           with a running head and foot on every page
    as_pdf(text, path, header=(left, right))
                                           under an official header in two columns side by side
    scanned(pdf, path, skew=1.2, noise=0.04, stamp=True)
                                           an image-only PDF at 300 dpi, as a scanner writes it
"""

from __future__ import annotations

import random
import re
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SCAN_DPI = 300
#: The layout Decree 30/2020/NĐ-CP (Phụ lục I) sets for administrative documents, which
#: the plans researchers scan are printed in: 13–14 point type, margins (mm) 30–35 on the
#: left, 20–25 at the top and bottom, 15–20 on the right.
OFFICIAL = {"size": 13, "margins": (30, 20, 15, 20)}


class PrintingUnavailable(RuntimeError):
    """fpdf2 or the DejaVu font is missing; the message says which."""


def paragraphs(text: str) -> list[str]:
    """The plan's lines, a line the copy broke (wrapped, or cut by a blank line where a page
    ended) joined to the one before, as the Word document has the paragraph whole: it goes on
    in lower case, or it follows at once a line left in the middle of a sentence (ending in a
    small letter or a comma) and opens no item: "… Nghị quyết số" / "214/NQ-CP ngày …",
    "… phê duyệt" / "Chiến lược dữ liệu …"."""
    lines: list[str] = []
    for line in text.splitlines():
        written = [earlier for earlier in lines if earlier.strip()]
        tabbed = "\t" in line or (written and "\t" in written[-1])
        goes_on = bool(written) and line[:1].islower() and not re.match(r"[a-zđ][).]\s", line) and written[-1][-1:].isalpha()
        cut_mid_sentence = (bool(lines) and lines[-1].rstrip(",")[-1:].islower()
                            and re.match(r"(?:[^\W\d_][^\s.)]|\d{1,4}[/-]\w)", line) is not None and not _ITEM.match(line))
        if not tabbed and (goes_on or cut_mid_sentence):
            while not lines[-1].strip():
                lines.pop()
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


_ITEM = re.compile(r"(?:[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s|[-+•*]")


def as_pdf(text: str, path: Path, *, size: float = 10, margins: tuple[float, float, float, float] = (10, 10, 10, 15),
           running: tuple[str, str] | None = None, header: tuple[str, str] | None = None) -> Path:
    """The plan as a word processor prints it: paragraphs wrapped at the margin with space
    after them, runs of tab-separated lines as ruled tables (which may go on over a page);
    type of `size` points, `margins` (mm) left, top, right and bottom.  The default, small
    type and narrow margins, makes dense pages: the hardest to read and the slowest.
    `running` is a head and a foot printed small in the margins of every page, "{page}" in
    them the page's number, as a portal's print or a word processor's page style adds them.
    `header` is the official header's two columns (the issuer, number; the motto, place and
    date), their lines centred side by side in a table without borders, as Word lays it out."""
    try:
        import fpdf
    except ImportError:
        raise PrintingUnavailable("fpdf2 is not installed (pip install -e '.[test]')") from None
    if not FONT.exists():
        raise PrintingUnavailable("the DejaVu font is missing (apt-get install fonts-dejavu-core)")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    left, top, right, bottom = margins
    pdf.set_margins(left, top, right)
    pdf.set_auto_page_break(True, margin=bottom)
    if running:
        _print_running(pdf, *running, top=top, bottom=bottom)
    pdf.set_font("DejaVu", size=size)
    pdf.add_page()
    spacing = size / 2  # mm: 5 for 10-point type, about 1.4 lines
    rows: list[list[str]] = []

    def table() -> None:
        if rows:
            width = max(len(row) for row in rows)
            with pdf.table(borders_layout="ALL", text_align="LEFT", line_height=spacing, first_row_as_headings=False) as grid:
                for row in rows:
                    cells = grid.row()
                    for cell in row + [""] * (width - len(row)):
                        cells.cell(cell)
            rows.clear()

    if header:
        with pdf.table(borders_layout="NONE", text_align="CENTER", line_height=spacing, first_row_as_headings=False, col_widths=(2, 3)) as grid:
            cells = grid.row()
            for column in header:
                cells.cell(column)
        pdf.ln(4)
    for paragraph in paragraphs(text):
        if "\t" in paragraph:
            rows.append(paragraph.split("\t"))
        elif paragraph.strip():
            table()
            pdf.multi_cell(0, spacing, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    table()
    pdf.output(str(path))
    return path


def _print_running(pdf, head: str, foot: str, *, top: float, bottom: float) -> None:
    def in_margin(text: str, y: float) -> None:
        size = pdf.font_size_pt
        pdf.set_font_size(8)
        pdf.set_y(y)
        pdf.cell(0, 4, text.replace("{page}", str(pdf.page_no())), align="C")
        pdf.set_font_size(size)

    def header() -> None:
        in_margin(head, top / 2 - 2)
        pdf.set_y(top)

    pdf.header = header
    pdf.footer = lambda: in_margin(foot, -bottom / 2 - 2)


def scanned(pdf: Path, path: Path, pages: int | None = None, *, skew: float = 0.0, noise: float = 0.0,
            stamp: bool = False, colour: bool = False, seed: int = 0) -> Path:
    """An image-only PDF of `pdf`'s pages at 300 dpi, as a scanner writes it: each page turned
    by up to `skew` degrees (either way), `noise` of its pixels flipped to speckle, and with
    `stamp` a seal over the lower right of the last page: red in a `colour` scan, grey in a
    greyscale one."""
    import pypdfium2

    chance = random.Random(seed)
    document = pypdfium2.PdfDocument(str(pdf))
    count = min(len(document), pages or len(document))
    images = []
    for number in range(count):
        image = document[number].render(scale=SCAN_DPI / 72).to_pil().convert("RGB" if colour else "L")
        if stamp and number == count - 1:
            _stamp(image, chance)
        if skew:
            image = image.rotate(chance.uniform(-skew, skew), resample=3, expand=False, fillcolor=255)  # 3: bicubic
        if noise:  # the scanner's, on the page as it lies
            image = _speckled(image, noise, chance)
        images.append(image)
    document.close()
    images[0].save(path, save_all=True, append_images=images[1:], resolution=SCAN_DPI)
    return path


def _stamp(image, chance: random.Random) -> None:
    """A seal: two grey rings and a star, over the lower right where the signature is."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    radius = SCAN_DPI * 0.8  # a 4 cm seal
    x = image.width * chance.uniform(0.6, 0.72)
    y = image.height * chance.uniform(0.55, 0.8)
    ink = (205, 40, 45) if image.mode == "RGB" else 150  # the seal's red, or its grey in a greyscale scan
    for ring, width in ((radius, 14), (radius * 0.72, 6)):
        draw.ellipse((x - ring, y - ring, x + ring, y + ring), outline=ink, width=width)
    draw.regular_polygon((x, y, radius * 0.3), 5, fill=ink)


def _speckled(image, share: float, chance: random.Random):
    """The page with `share` of its pixels turned black or white at random."""
    import numpy

    pixels = numpy.asarray(image).copy()
    generator = numpy.random.default_rng(chance.randrange(2**32))
    flipped = generator.random(pixels.shape[:2]) < share
    values = generator.choice(numpy.array([0, 255], dtype=numpy.uint8), size=int(flipped.sum()))
    pixels[flipped] = values[:, None] if pixels.ndim == 3 else values  # a colour pixel goes black or white
    from PIL import Image

    return Image.fromarray(pixels)
