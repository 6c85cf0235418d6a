"""The app factory: routes, middleware (token, owner cookie, upload limit, security headers), templates,
the run store and the worker pool."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import jinja2
import python_multipart  # noqa: F401 - Starlette parses forms with it but imports it late: fail at start-up instead
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from reports.web.jobs import JobPool
from reports.web.labels import Labels
from reports.web.routes import ROUTES, page
from reports.web.security import BodyLimit, OwnerCookie, SecurityHeaders, TokenGate, csrf_token, server_secret
from reports.web.settings import MAX_INSTRUMENT_BYTES, ServeSettings
from reports.web.storage import RunStore

HERE = Path(__file__).parent
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields around the two files
#: the pages' templates, compiled once per process (user text is always escaped)
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               auto_reload=False)
LABELS = Labels()


@dataclass
class WebState:
    """What the pages share (``request.app.state.web``)."""

    settings: ServeSettings
    store: RunStore
    pool: JobPool
    templates: jinja2.Environment
    labels: Labels
    secret: bytes

    def csrf(self, request: Request) -> str:
        return csrf_token(self.secret, request.state.owner)


def create_app(settings: ServeSettings) -> Starlette:
    """The web app for ``settings``; tasks left unfinished by an earlier server are marked failed."""
    store = RunStore(settings.data_dir)
    web = WebState(settings, store, JobPool(settings.workers, settings.max_queued), TEMPLATES, LABELS,
                   server_secret(settings.data_dir))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        store.mark_interrupted()
        yield
        web.pool.shutdown()

    async def error_page(request: Request, exc: HTTPException):
        known = isinstance(exc.detail, str) and exc.detail in web.labels.table
        return page(request, "error.html.j2", status_code=exc.status_code, key=exc.detail if known else None,
                    detail=str(exc.detail))

    app = Starlette(
        routes=[*ROUTES, Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[Middleware(SecurityHeaders), Middleware(TokenGate, token=settings.token),
                    Middleware(BodyLimit, limit=settings.max_upload_bytes + MAX_INSTRUMENT_BYTES + FORM_OVERHEAD),
                    Middleware(OwnerCookie)],
        exception_handlers={HTTPException: error_page}, lifespan=lifespan)
    app.state.web = web
    return app
