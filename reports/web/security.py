"""Who may use the app and what a request may carry: the access token, the browser's owner cookie, CSRF tokens
on forms, the upload size limit and the security headers of every response (pure ASGI middleware).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL, Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse

TOKEN_COOKIE = "loyalty_token"
OWNER_COOKIE = "loyalty_owner"
COOKIE_YEAR = 365 * 24 * 3600
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
               "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")
#: a stored report shown in the page: no script, nothing loaded from elsewhere
REPORT_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


class PayloadTooLarge(Exception):
    """The request body passed the upload limit."""


def _cookies(scope) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(Headers(scope=scope).get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header counts as no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _cookie_header(name: str, value: str, max_age: int | None = None) -> str:
    age = f"; Max-Age={max_age}" if max_age else ""
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}"


class BodyLimit:
    """Refuses (413) a request whose body is larger than ``limit`` bytes, by its Content-Length or while it
    streams in."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            return await _too_large(self.limit)(scope, receive, send)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise PayloadTooLarge
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except PayloadTooLarge:
            if not started:
                await _too_large(self.limit)(scope, receive, send)


def _too_large(limit: int) -> PlainTextResponse:
    return PlainTextResponse(f"upload too large: at most {limit // (1024 * 1024)} MB per upload", status_code=413)


class TokenGate:
    """With a token, every request must carry it: ``?token=`` once (kept as a cookie, then the same address
    without it), the cookie, or ``Authorization: Bearer``; otherwise 403."""

    def __init__(self, app, token: str | None):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.token is None:
            return await self.app(scope, receive, send)
        request = Request(scope)
        given = request.query_params.get("token")
        if given is not None and self._valid(given):
            query = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode()) if k != "token"])
            response = RedirectResponse(str(URL(scope=scope).replace(query=query)), status_code=303)
            response.headers.append("set-cookie", _cookie_header(TOKEN_COOKIE, self.token))
            return await response(scope, receive, send)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if self._valid(_cookies(scope).get(TOKEN_COOKIE, "")) or self._valid(bearer):
            return await self.app(scope, receive, send)
        await PlainTextResponse("access token required: open the address that 'loyalty serve' printed "
                                "(it ends in ?token=…)", status_code=403)(scope, receive, send)

    def _valid(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())


class OwnerCookie:
    """Gives each browser a random owner id (cookie); runs belong to the browser that uploaded them.
    The id is ``request.state.owner``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        owner = _cookies(scope).get(OWNER_COOKIE, "")
        fresh = not (16 <= len(owner) <= 64 and owner.replace("-", "").replace("_", "").isalnum())
        if fresh:
            owner = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["owner"] = owner

        async def with_cookie(message):
            if fresh and message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", _cookie_header(OWNER_COOKIE, owner, COOKIE_YEAR))
            await send(message)

        await self.app(scope, receive, with_cookie)


class SecurityHeaders:
    """No sniffing, no referrer to other sites, pages only framed by this app, and a content policy (a response
    may set its own)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def headed(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", PAGE_POLICY)
                headers.setdefault("x-content-type-options", "nosniff")
                # same-origin, not no-referrer: with no-referrer a browser's form posts say "Origin: null"
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("x-frame-options", "SAMEORIGIN")
                headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, headed)


def server_secret(data_dir: Path) -> bytes:
    """The random key of the CSRF tokens, kept in ``<data-dir>/secret`` (readable by the owner only)."""
    path = Path(data_dir) / "secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".secret.{secrets.token_hex(4)}")
        temporary.touch(mode=0o600)
        temporary.write_text(secrets.token_hex(32), encoding="ascii")
        temporary.replace(path)
    return path.read_text(encoding="ascii").strip().encode()


def csrf_token(secret: bytes, owner: str) -> str:
    """The hidden form field of ``owner``'s forms: HMAC-SHA256 of the owner id (a page elsewhere cannot know it)."""
    return hmac.new(secret, owner.encode(), hashlib.sha256).hexdigest()


def csrf_valid(request: Request, secret: bytes, given: object) -> bool:
    """The form's token is the owner's, and the request (when the browser says) comes from this origin."""
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        return False
    expected = csrf_token(secret, request.state.owner)
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())
