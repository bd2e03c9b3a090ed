"""Chromium for the browser tests (Playwright, Debian's /usr/bin/chromium): one browser per
test session, shared by every test module through conftest.py's fixtures (two sessions of
Playwright's sync API cannot run in one process), and pages watched for errors.

Chromium is /usr/bin/chromium (PLAYBOOK_CHROMIUM=path to use another). Without it (or
Playwright) the browser tests are skipped locally with the reason, and fail when CI=true:
CI never passes by skipping them.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("PLAYBOOK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


class Watched:
    """A page with its console errors, page errors and requests recorded."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status} for {r.url}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # ERR_ABORTED is a request the page cancelled by moving on (a test going from page to
        # page while the icon loads); a missing file fails as ERR_FILE_NOT_FOUND or an HTTP 404.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def foreign(self) -> list[str]:
        ok = []
        for url in self.requests:
            u = urlsplit(url)
            if u.scheme == "file" or u.scheme in ("data", "about", "blob") or (
                    u.scheme == "http" and u.hostname == "127.0.0.1"):
                continue
            ok.append(url)
        return ok
