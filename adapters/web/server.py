"""Serving the built site with aiohttp on the bot's own event loop.

Only files under the site's folder are ever served: a path with `..`, a hidden name or a
symlink leading out gets the 404 page, as does anything missing. A folder serves its
`index.html`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xml": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".png": "image/png",
}


def resolve(root: Path, request_path: str) -> Path | None:
    """The file a URL path names inside `root`, or None (missing, hidden or outside)."""
    parts = [p for p in request_path.split("/") if p]
    if any(p in ("..", ".") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        return None
    target = root.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root.resolve()) or not real.is_file():
        return None
    if real.suffix not in CONTENT_TYPES:
        return None
    return real


class SiteServer:
    """An aiohttp site for one folder; `start()` listens, `stop()` closes."""

    def __init__(self, root: Path, host: str, port: int) -> None:
        self.root = root
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("GET", "/{path:.*}", self._handle)
        app.router.add_route("HEAD", "/{path:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        # request.path is already percent-decoded, so %2e%2e arrives here as ".."
        found = resolve(self.root, request.path)
        if found is None:
            page = self.root / "404.html"
            body = page.read_bytes() if page.is_file() else b"404 Not Found\n"
            return web.Response(status=404, body=body, content_type="text/html",
                                charset="utf-8")
        return web.FileResponse(found, headers={
            "Content-Type": CONTENT_TYPES[found.suffix],
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'",
        })

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.warning("web: serving %s on http://%s:%d/", self.root, self.host, self.port)

    @property
    def bound_port(self) -> int:
        """The port actually listened on (for `:0` in tests)."""
        assert self._runner is not None
        for address in self._runner.addresses:
            return int(address[1])
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
