"""`lineage serve`: the knowledge graph in a browser, read-only, with the same data as JSON.

Every page has a stable address (an item's is its IRI's path: /document/eli/vn/tw/nq/2024/57)
and its data under /api/… .  Nothing is fetched from outside the machine: the styles and
the map's script are served by the application, and the Content-Security-Policy forbids
any other source.  Pages are rendered by Jinja2 with autoescaping, so a document's text is
shown as text.  The Host header must name the address the server is bound to (a page on
another site cannot reach it through DNS rebinding).  The store is opened read-only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..corpus.identifiers import IRI_BASE
from . import explore
from .api import KnowledgeGraph
from .lookup import LookupError_

__all__ = ["create_app", "LOOPBACK", "PAGE_CSP", "MAP_CSP"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: The application's own pages: its styles, its images and frames, nothing else.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'self'")
#: The map page carries its script and styles inline (one offline file); it may load nothing.
MAP_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'"
_HERE = Path(__file__).resolve().parent
#: Pages kept ready per loaded graph (a national policy page takes a few hundred ms to compute).
_PAGES_KEPT = 512


class _Pages:
    """Page data computed from the graph, kept until the graph is reloaded (a new object)."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._prepared = None

    def get(self, name: str, *args):
        graph = self.kg.projection()
        if graph is not self._prepared:
            with self._lock:
                if graph is not self._prepared:
                    explore.prepare(graph)
                    self._prepared = graph
        key = (id(graph), name, args)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = _PAGE_DATA[name](graph, *args) if name in _PAGE_DATA else getattr(self, name)(graph, *args)
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > _PAGES_KEPT:
                self._kept.popitem(last=False)
        return value

    def stats(self, graph) -> dict:
        return self.kg.stats().data

    def curve(self, graph, rest: str) -> bytes:
        from .plots import Plot, diffusion_figure
        from .queries import latency

        return Plot(diffusion_figure(latency(graph, IRI_BASE + rest))).to_bytes("svg")

    def map(self, graph, rest: str) -> str:
        from .maps import build_map, map_html

        return map_html(build_map(graph, IRI_BASE + rest))


_PAGE_DATA = {"policies": explore.policies, "search": explore.search, "document": explore.document, "policy": explore.policy,
              "commune": explore.commune, "task": explore.task, "office": explore.office}


def create_app(store: str | None = None, update_url: str | None = None, hosts: tuple[str, ...] = LOOPBACK, load: bool = True) -> Starlette:
    """The explorer over `store`; `hosts`: the names a request's Host header may give.
    `load`: read the graph now, so that the first page is as quick as the others."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    kg = KnowledgeGraph(store, update_url)
    pages = _Pages(kg)
    if load:
        pages.get("policies")
        pages.get("stats")
    templates = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"], default=True))
    shown_store = kg.location or "the default store (.lineage/store)"

    def html_page(request: Request, template: str, status: int = 200, **values) -> HTMLResponse:
        api = "/api" + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        body = templates.get_template(template).render(store=shown_store, api=api, query=request.query_params.get("q"), **values)
        return HTMLResponse(body, status_code=status, headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff"})

    def answered(name: str, template: str, title):
        """An endpoint for a page and one for its JSON, from the same data."""
        def data_of(request: Request):
            rest = request.path_params.get("rest")
            return pages.get(name, rest) if rest is not None else pages.get(name)

        def page(request: Request):
            try:
                data = data_of(request)
            except LookupError_ as error:
                return html_page(request, "error.html", 404, title="Not in the graph", message=str(error))
            return html_page(request, template, title=title(data), page=data,
                             curve=f"/curve/{request.path_params.get('rest')}", map=f"/map/{request.path_params.get('rest')}")

        def api(request: Request):
            try:
                return JSONResponse(data_of(request))
            except LookupError_ as error:
                return JSONResponse({"error": str(error)}, status_code=404)

        return page, api

    def home(request: Request):
        return html_page(request, "home.html", title="Policies", policies=pages.get("policies"), stats=pages.get("stats"))

    def home_api(request: Request):
        return JSONResponse({"stats": pages.get("stats"), "policies": pages.get("policies")})

    def search_page(request: Request):
        result = pages.get("search", request.query_params.get("q", ""))
        return html_page(request, "search.html", title=f"Search: {result['query']}", result=result)

    def search_api(request: Request):
        return JSONResponse(pages.get("search", request.query_params.get("q", "")))

    def curve(request: Request):
        try:
            svg = pages.get("curve", request.path_params["rest"])
        except (LookupError_, ValueError) as error:
            return Response(str(error), status_code=404, media_type="text/plain")
        return Response(svg, media_type="image/svg+xml", headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    def map_page(request: Request):
        try:
            body = pages.get("map", request.path_params["rest"])
        except LookupError_ as error:
            return Response(str(error), status_code=404, media_type="text/plain")
        return HTMLResponse(body, headers={"Content-Security-Policy": MAP_CSP, "X-Content-Type-Options": "nosniff"})

    def caption(data: dict) -> str:
        return data["item"].get("caption") or data["item"]["label"]

    def no_icon(request: Request):
        return Response(status_code=204)

    routes = [Route("/", home), Route("/favicon.ico", no_icon), Route("/api/", home_api), Route("/api", home_api), Route("/search", search_page), Route("/api/search", search_api),
              Route("/curve/{rest:path}", curve), Route("/map/{rest:path}", map_page),
              Mount("/static", StaticFiles(directory=_HERE / "static"), name="static")]
    for name, title in (("document", caption), ("policy", lambda data: f"Cascade of {caption(data)}"), ("commune", lambda data: data["commune"]),
                        ("task", caption), ("office", lambda data: data["office"])):
        page, api = answered(name, f"{name}.html", title)
        routes += [Route(f"/{name}/{{rest:path}}", page), Route(f"/api/{name}/{{rest:path}}", api)]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))])
