"""The project's IRIs: the base every identifier hangs from, and the path segments made of names.

Kept apart from the resolver, so that the store and the queries, which build IRIs, do not
load the registry of document types and issuers they never read."""

from __future__ import annotations

import re
from functools import lru_cache

from .text import ascii_key

IRI_BASE = "https://w3id.org/vn-lineage/"


@lru_cache(maxsize=65536)
def slug(value: str) -> str:
    """An IRI path segment: lower case, no diacritics, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_key(value)).strip("-") or "x"
