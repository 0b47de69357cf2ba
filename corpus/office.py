"""Word 97–2003 (.doc), OpenDocument (.odt) and RTF files, read into the text the other
formats give: one paragraph a line, a table row its cells joined by tabs, a blank line
around each table.

- `.doc` is converted to .docx by LibreOffice (headless) where it is installed, which
  keeps every table whole; otherwise it goes through Debian's `antiword` in its DocBook
  mode, which keeps paragraphs and table cells apart (its plain-text mode draws tables
  as columns of text) but can run the rows of consecutive tables together;
- `.odt` is a ZIP package whose `content.xml` is read with lxml (entities and DTDs are
  never loaded, and a package that inflates beyond MAX_INFLATED_MB is refused);
- `.rtf` goes through `striprtf`, whose table cells end in "|".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

__all__ = ["doc_text", "odt_text", "rtf_text", "ConverterMissing", "MAX_INFLATED_MB"]

#: An OpenDocument package's content.xml larger than this once inflated is refused (a ZIP bomb).
MAX_INFLATED_MB = 200
#: Seconds antiword may take on one file.
CONVERTER_SECONDS = 120
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")


class ConverterMissing(RuntimeError):
    """A program a format needs is not installed; the message says how to install it."""


def _para(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _lines_of(blocks) -> str:
    text = "\n".join(blocks)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# --- .doc -----------------------------------------------------------------------------

def doc_text(path: Path, data: bytes) -> str:
    """A Word 97–2003 document's text (`data`: the file's bytes), through LibreOffice or else
    antiword; ValueError names what the converter said."""
    from .readings import remembered

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is not None:
        # LibreOffice takes two seconds to start: its text is kept for the next run.
        return remembered(data, f"doc-libreoffice-{_DOC_FORMAT}", lambda: _through_libreoffice(office, path))
    program = shutil.which("antiword")
    if program is None:
        raise ConverterMissing("reading .doc files needs LibreOffice or antiword: apt-get install libreoffice-writer-nogui (or antiword)")
    return _through_antiword(program, path)


#: Bump when what a .doc's conversion gives changes, so kept conversions are made again.
_DOC_FORMAT = 1


def _through_libreoffice(office: str, path: Path) -> str:
    import tempfile

    from .reader import _docx_text

    with tempfile.TemporaryDirectory(prefix="lineage-doc-") as folder:
        # A profile of its own: a LibreOffice the user has open, or another conversion, does not block it.
        profile = Path(folder, "profile").as_uri()
        done = subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx", "--outdir", folder, os.path.abspath(path)],
                              capture_output=True, timeout=CONVERTER_SECONDS)
        converted = Path(folder, Path(path).stem + ".docx")
        if done.returncode != 0 or not converted.exists():
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ValueError(f"LibreOffice cannot read it ({said[-1] if said else 'no output'}); is it a Word 97–2003 document?")
        return _docx_text(converted, converted.read_bytes())


def _through_antiword(program: str, path: Path) -> str:
    from lxml import etree

    # An absolute path: a file named "-x.doc" is never read as an option.
    done = subprocess.run([program, "-x", "db", "-m", "UTF-8.txt", os.path.abspath(path)], capture_output=True, timeout=CONVERTER_SECONDS)
    if done.returncode != 0 or not done.stdout.strip():
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ValueError(f"antiword cannot read it ({said[-1] if said else 'no output'}); is it a Word 97–2003 document?")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, recover=True, huge_tree=False)
    root = etree.fromstring(done.stdout, parser=parser)
    if root is None:
        raise ValueError("antiword gave no readable text")
    blocks: list[str] = []
    _docbook(root, blocks)
    return _lines_of(blocks)


def _docbook(element, blocks: list[str]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("bookinfo", "title"):
            continue
        if tag == "para" and child.find(".//informaltable") is None and child.find(".//table") is None:
            written = _para("".join(child.itertext()))
            if written:
                blocks.append(written)
        elif tag == "row":
            blocks.append("\t".join(_para("".join(entry.itertext())) for entry in child if entry.tag == "entry"))
        elif tag in ("informaltable", "table"):
            blocks.append("")
            _docbook(child, blocks)
            blocks.append("")
        else:  # a section, a list, or a paragraph that antiword wrapped around a table
            if tag == "para" and _para(child.text or ""):
                blocks.append(_para(child.text))
            _docbook(child, blocks)


# --- .odt -----------------------------------------------------------------------------

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def odt_text(path: Path) -> str:
    """An OpenDocument text's paragraphs, headings, lists and tables in order."""
    from lxml import etree

    if not zipfile.is_zipfile(path):
        raise ValueError("not an OpenDocument file (it is not a ZIP package); a truncated download?")
    with zipfile.ZipFile(path) as package:
        try:
            entry = package.getinfo("content.xml")
        except KeyError:
            raise ValueError("not an OpenDocument text (no content.xml in the package)") from None
        if entry.file_size > MAX_INFLATED_MB * 1_000_000:
            raise ValueError(f"its content.xml inflates to {entry.file_size / 1e6:.0f} MB; over {MAX_INFLATED_MB} MB is refused")
        data = package.read(entry)
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"damaged content.xml: {error}") from None
    body = root.find(f"{{{_ODF_OFFICE}}}body")
    blocks: list[str] = []
    _odf(body if body is not None else root, blocks)
    return _lines_of(blocks)


def _odf(element, blocks: list[str]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
            written = _para(_odf_inline(child))
            if written:
                blocks.append(written)
        elif tag == f"{{{_ODF_TABLE}}}table":
            blocks.append("")
            for row in child.iter(f"{{{_ODF_TABLE}}}table-row"):
                cells = []
                for cell in row:
                    if cell.tag not in (f"{{{_ODF_TABLE}}}table-cell", f"{{{_ODF_TABLE}}}covered-table-cell"):
                        continue
                    if cell.tag.endswith("covered-table-cell"):
                        continue  # the part of a merged cell that holds nothing
                    written = " ".join(_para(_odf_inline(paragraph)) for paragraph in cell.iter(f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"))
                    repeated = min(int(cell.get(f"{{{_ODF_TABLE}}}number-columns-repeated", "1")), 64)
                    cells += [written.strip()] * repeated
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    blocks.append("\t".join(cells))
            blocks.append("")
        else:
            _odf(child, blocks)


def _odf_inline(element) -> str:
    """A paragraph's text: spans and links in order, <text:s/> as spaces, tabs and line breaks as spaces."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == f"{{{_ODF_TEXT}}}s":
            parts.append(" " * min(int(child.get(f"{{{_ODF_TEXT}}}c", "1")), 100))
        elif tag in (f"{{{_ODF_TEXT}}}tab", f"{{{_ODF_TEXT}}}line-break"):
            parts.append(" ")
        elif tag == f"{{{_ODF_TEXT}}}note":
            pass  # a footnote's body is not part of the sentence that calls it
        else:
            parts.append(_odf_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


# --- .rtf -----------------------------------------------------------------------------

_RTF_ROW = re.compile(r"^(?:[^|\n]*\|)+$")


def rtf_text(data: bytes) -> str:
    """An RTF file's text, through striprtf; its table rows (cells ending in "|") become tab-joined."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise ValueError("not an RTF file (it does not start with {\\rtf)")
    # RTF is 7-bit: letters beyond ASCII are \uN or \'hh escapes, decoded by striprtf.
    text = rtf_to_text(data.decode("latin-1"), errors="replace")
    blocks: list[str] = []
    in_table = False
    for line in text.splitlines():
        if _RTF_ROW.match(line):
            if not in_table:
                blocks.append("")
                in_table = True
            cells = [_para(cell) for cell in line[:-1].split("|")]
            if any(cells):
                blocks.append("\t".join(cells))
            continue
        if in_table:
            blocks.append("")
            in_table = False
        written = _para(line)
        if written:
            blocks.append(written)
    return _lines_of(blocks)
