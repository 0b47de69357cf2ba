"""The visible text of a saved web page or of a Word "Save as web page" export.

Word's exports are windows-1252 with every Vietnamese letter a numeric entity
(`L&#432;&#417;ng Minh`), Office XML islands in conditional comments, `<o:p>` marks
and paragraphs wrapped at 80 columns; legal-document sites and commune portals wrap
the document in menus, breadcrumbs and lists of related documents.  The page is parsed
with a real HTML parser (lxml), the wrapper is left out by structure, and the text
comes out as the reader's other formats give it: one paragraph a line, whitespace
inside a paragraph collapsed, a table row's cells joined by tabs (a cell's paragraphs
by spaces), a blank line around each table.
"""

from __future__ import annotations

import re

__all__ = ["html_text", "declared_charset"]

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
#: Elements that are never the document's text.
_NEVER = ("script", "style", "noscript", "template", "head", "title", "svg", "canvas", "iframe", "object", "embed", "select",
          "button", "input", "textarea", "nav", "aside", "form")
#: Words in an id or class that name a page's wrapper rather than its document.
_WRAPPER = re.compile(r"(?:^|[-_\s])(?:menu|nav|navbar|breadcrumbs?|footer|header|sidebar|side-bar|related|lien-quan|lienquan|share|social|"
                      r"comment|binh-luan|banner|advert|quang-cao|cookie|login|search|tim-kiem|pagination|tags?)(?:$|[-_\s\d])", re.IGNORECASE)
#: Ids and classes of the part that holds the document on legal-document sites and portals.
_CONTENT = re.compile(r"content|noi-?dung|noidung|detail|chi-?tiet|van-?ban|vanban|article|post|entry|main|toanvan|fulltext",
                      re.IGNORECASE)
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "section", "article",
                     "main", "header", "footer", "address", "center", "ul", "ol", "dl", "body", "figure", "figcaption", "caption"})
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (a BOM, or a <meta>), if a known one."""
    import codecs

    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    found = _CHARSET.search(data[:8192])
    if not found:
        return None
    name = found.group(1).decode("ascii", "replace").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    # Browsers read a page labelled ISO-8859-1 as windows-1252, and so do Word's exports.
    return "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name


def _decoded(data: bytes) -> str:
    charset = declared_charset(data)
    if charset:
        return data.decode(charset, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def html_text(data: bytes) -> str:
    """The document's text in a page (see the module's description); raises ValueError
    when the page holds no text."""
    import lxml.html
    from lxml import etree

    source = _decoded(data)
    # lxml refuses a str that declares its own encoding; the declaration has been read.
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ValueError(f"not a readable web page: {error}") from None
    for element in list(root.iter(etree.Element)):
        if _tag(element) in _NEVER or ":" in _tag(element) and _tag(element) != "o:p" and not _has_text(element):
            _drop(element)
    body = root.find("body") if root.find("body") is not None else root
    content = _content(body)
    lines: list[str] = []
    _emit(content, lines, [""])
    text = "\n".join(line.strip(" ") for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if not text.strip():
        raise ValueError("the page has no text")
    return text


def _tag(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.lower()


def _has_text(element) -> bool:
    return bool("".join(element.itertext()).strip())


def _drop(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # Keep what follows the element in its parent (lxml keeps it in the element's tail).
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _is_wrapper(element) -> bool:
    names = f"{element.get('id') or ''} {element.get('class') or ''}"
    return bool(names.strip()) and bool(_WRAPPER.search(names)) and not _CONTENT.search(element.get("id") or "")


def _content(body):
    """The part of the page that holds the document: a Word export's body (its sections and
    the footnotes after them); on a site, the content block with most text once the menus,
    headers and related lists are left out."""
    if any((element.get("class") or "").startswith("WordSection") for element in body.iter() if isinstance(element.tag, str)):
        return body
    for element in list(body.iter()):
        if element is not body and isinstance(element.tag, str) and (_tag(element) in ("header", "footer") or _is_wrapper(element)):
            _drop(element)
    candidates = [element for element in body.iter() if isinstance(element.tag, str) and _tag(element) in ("article", "main", "div", "section", "td")
                  and _CONTENT.search(f"{element.get('id') or ''} {element.get('class') or ''}")]
    total = len(_SPACES.sub("", "".join(body.itertext())))
    best = max(candidates, key=lambda element: len(_SPACES.sub("", "".join(element.itertext()))), default=None)
    # A content block is taken only when it holds most of the page's text: a site's article
    # does; a small "detail" box beside the document does not.
    if best is not None and len(_SPACES.sub("", "".join(best.itertext()))) >= 0.5 * total:
        return best
    return body


def _emit(element, lines: list[str], current: list[str]) -> None:
    """Append `element`'s text to `lines`: `current[0]` is the line being written."""
    tag = _tag(element)
    if tag == "table":
        _flush(lines, current)
        lines.append("")
        for row in element.iter("tr"):
            if _nearest_table(row) is element:
                cells = [_cell_text(cell) for cell in row if _tag(cell) in ("td", "th")]
                if any(cells):
                    lines.append("\t".join(cells))
        lines.append("")
        _tail(element, lines, current)
        return
    block = tag in _BLOCKS
    if block:
        _flush(lines, current)
    if tag == "br":
        _flush(lines, current)
    elif element.text:
        current[0] += element.text
    for child in element:
        if isinstance(child.tag, str):
            _emit(child, lines, current)
        elif child.tail:
            current[0] += child.tail
    if block:
        _flush(lines, current)
    _tail(element, lines, current)


def _tail(element, lines: list[str], current: list[str]) -> None:
    if element.tail:
        current[0] += element.tail


def _flush(lines: list[str], current: list[str]) -> None:
    written = _SPACES.sub(" ", current[0]).strip()
    if written:
        lines.append(written)
    current[0] = ""


def _nearest_table(row):
    parent = row.getparent()
    while parent is not None and _tag(parent) != "table":
        parent = parent.getparent()
    return parent


def _cell_text(cell) -> str:
    """A cell's paragraphs joined by spaces (a nested table's rows too)."""
    lines: list[str] = []
    _emit(cell, lines, [""])
    return " ".join(line.replace("\t", " ") for line in lines if line.strip())
