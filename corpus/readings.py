"""Readings kept for the next run: what OCR read in a scan and what a converter made of a
Word 97–2003 file, keyed by the file's content hash, so reading the same file again (a
second ingest, a renamed copy) is instant.

The folder is $XDG_CACHE_HOME/lineage/readings; LINEAGE_CACHE moves it, and "off" turns
the cache off.  An entry is JSON, written whole or not at all; a damaged one is read again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

__all__ = ["remembered", "cache_folder"]


def cache_folder() -> Path | None:
    where = os.environ.get("LINEAGE_CACHE")
    if where == "off":
        return None
    return Path(where) if where else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lineage" / "readings"


def remembered(data: bytes, kind: str, read, to_json=lambda value: value, from_json=lambda value: value):
    """`read()` for this content, or what it gave the last time.  `kind` names the reading and
    its format (change it when what `read` gives changes); `to_json`/`from_json` turn the
    value into JSON and back."""
    folder = cache_folder()
    path = None if folder is None else folder / f"{kind}-{hashlib.sha256(data).hexdigest()}.json"
    if path is not None and path.exists():
        try:
            return from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged entry is read again
    value = read()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(to_json(value), ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only home: the file is read again next time
    return value
