"""Policy lineage for Vietnam: how central resolutions cascade down to ward plans and tasks.

>>> import vnlineage
>>> kg = vnlineage.open("memory")
>>> kg.ingest(vnlineage.BUNDLED_PLANS, progress=False).summary().split(";")[0]
'5 document(s) ingested (5 new or changed, 0 unchanged), 0 failed'
>>> kg.trace("57").to_frame()[["level", "commune", "province"]].head(2)  # doctest: +SKIP

`open(store)` gives a KnowledgeGraph (graph.api); `extract(path_or_text)` reads one
document.  Names are looked up on first use, so that `import vnlineage` (and the
`lineage` command, which lives inside it) stays quick.
"""

from __future__ import annotations

from pathlib import Path

from . import corpus as _corpus
from .corpus import __version__

__all__ = ["__version__", "open", "extract", "KnowledgeGraph", "BUNDLED_PLANS"]

#: The five ward plans that come with the package, to try the tool on.
BUNDLED_PLANS = Path(_corpus.__file__).resolve().parent / "plans"

_FROM_API = {"open", "extract", "KnowledgeGraph"}


def __getattr__(name: str):
    if name in _FROM_API:
        from .graph import api

        return getattr(api, name)
    raise AttributeError(f"module 'vnlineage' has no attribute {name!r}")
