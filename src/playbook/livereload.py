"""Live reload: what the HTTP threads know of the latest build, and the one thread that writes
to every open tab's stream (Server-Sent Events), so open tabs never hold a worker."""

from __future__ import annotations

import selectors
import socket
import threading
import time
import urllib.parse
from collections import deque
from typing import TYPE_CHECKING, Iterable

from msgspec import Struct, field

from .outputs.search_shards import is_search_file
from .problems import Problem

if TYPE_CHECKING:
    from .build import BuildReport

#: Live-reload streams (one per open tab); more are answered 503.
LIVE_MAX = 64
#: A comment on every live stream this often: keeps it open and finds closed tabs.
PING_SECONDS = 15.0
#: Files no page loads: exports for tools, calendars, the feed.
DATA_SUFFIXES = (".json", ".ics", ".atom", ".xml")
#: The page that loads the search index.
SEARCH_PAGE = "search.html"
#: Builds remembered for streams that are behind (a stream further behind reloads).
HISTORY = 64


class LiveState(Struct):
    """What the HTTP threads need to know about the latest build, and which pages each of
    the last builds changed, so a tab reloads only when the page it shows did (or a file
    every page may load, or the error overlay)."""

    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    failed: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False
    history: deque = field(default_factory=lambda: deque(maxlen=HISTORY))
    """(version, the pages it changed or None for every page, whether it ended a build),
    oldest first."""
    announced: set[str] = field(default_factory=set)
    """Files of the build under way whose tabs were already told (`announce`)."""

    def announce(self, changed: tuple[str, ...], ahead: bool = False) -> None:
        """Reload the tabs of these files now: the build under way has written them (the
        edited customer's pages, before the files over all customers). `ahead`: written before
        the build began (early.py); should the build write one again, its tabs are told again."""
        with self.cond:
            if ahead:
                self._bump(pages_of(list(changed)), False)
                return
            fresh = [rel for rel in changed if rel not in self.announced]
            self.announced.update(fresh)
            self._bump(pages_of(fresh), False)

    def publish(self, report: BuildReport) -> None:
        with self.cond:
            overlay = self.failed or not report.ok  # every page shows it, or showed it
            self.failed = not report.ok
            self.problems = [p for p in report.problems if p.severity == "error"] if not report.ok else []
            if overlay or report.changed is None:
                self._bump(None, True)
            else:
                self._bump(pages_of([rel for rel in report.changed if rel not in self.announced]), True)
            self.announced = set()

    def _bump(self, pages: frozenset[str] | None, ended: bool) -> None:
        if pages is not None and not pages and not ended:
            return  # nothing any tab shows changed yet
        self.version += 1
        self.history.append((self.version, pages, ended))
        self.cond.notify_all()

    def wants(self, page: str | None, seen: int, upto: int | None = None) -> bool:
        """Whether a tab showing `page` that last heard of version `seen` must reload for the
        versions after it up to `upto` (default: the latest); one that shows an unknown page
        (None) once after each build. Call with `cond` held."""
        upto = self.version if upto is None else upto
        if not self.history or self.history[0][0] > seen + 1:
            return True  # further behind than remembered
        if page is None:
            return any(seen < v <= upto and ended for v, _, ended in self.history)
        return any(seen < v <= upto and (pages is None or page in pages) for v, pages, _ in self.history)

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()


def pages_of(changed: Iterable[str]) -> frozenset[str] | None:
    """The pages whose tabs must reload when these files changed; None for every page.

    A page is its own file. Data for tools and calendar apps (JSON, calendars, the feed) no
    page loads. The search index is loaded by the search page only; any other file (a
    style, a script, an image) may be loaded by every page."""
    pages = set()
    for rel in changed:
        if rel.endswith(".html"):
            pages.add(rel)
        elif rel.endswith(DATA_SUFFIXES):
            continue
        elif is_search_file(rel):
            pages.add(SEARCH_PAGE)
        else:
            return None
    return frozenset(pages)


def page_of(path: str) -> str | None:
    """The site file a tab's address shows (`/customers/x/` or `/customers/x` → the folder's
    `customers/x/index.html`), or None when it cannot be told."""
    rel = urllib.parse.unquote(path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    elif "." not in rel.rsplit("/", 1)[-1]:  # a folder's address without its slash
        rel += "/index.html"
    return None if "\0" in rel or any(part in ("", ".", "..") for part in rel.split("/")) else rel


class Live:
    """The live-reload streams: a `reload` event to each whose page a build changed, a comment
    every `PING_SECONDS`, and closed tabs dropped, all from one thread."""

    def __init__(self, state: LiveState):
        self.state = state
        self.lock = threading.Lock()
        self.streams: dict[socket.socket, tuple[int, str | None]] = {}
        """Each stream's socket, the build version it last heard of, and the page its tab shows."""
        self.thread = threading.Thread(target=self._run, name="playbook-live", daemon=True)
        self.thread.start()

    def room(self) -> bool:
        with self.lock:
            return len(self.streams) < LIVE_MAX and not self.state.stopping

    def add(self, sock: socket.socket, page: str | None = None, since: int | None = None) -> bool:
        """Take over `sock`, the stream of a tab showing `page` served at build version
        `since` (True), or leave it to the caller to close (False)."""
        with self.state.cond:
            seen = self.state.version if since is None else min(since, self.state.version)
        with self.lock:
            if len(self.streams) >= LIVE_MAX or self.state.stopping:
                return False
            sock.settimeout(2.0)  # a tab that stops reading is dropped, not waited for
            self.streams[sock] = (seen, page)
        return True

    def _send(self, sock: socket.socket, data: bytes) -> None:
        try:
            sock.sendall(data)
        except OSError:
            self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        with self.lock:
            self.streams.pop(sock, None)
        try:
            sock.close()
        except OSError:
            pass

    def _closed(self) -> list[socket.socket]:
        """Streams whose tab went away (readable, and reading finds the end or an error)."""
        with self.lock:
            socks = list(self.streams)
        if not socks:
            return []
        gone = []
        with selectors.DefaultSelector() as sel:
            for s in socks:
                sel.register(s, selectors.EVENT_READ)
            for k, _ in sel.select(0):
                s = k.fileobj
                try:
                    if s.recv(1, socket.MSG_PEEK) == b"":  # type: ignore[union-attr]
                        gone.append(s)
                except BlockingIOError:
                    pass
                except OSError:
                    gone.append(s)
        return gone  # type: ignore[return-value]

    def _run(self) -> None:
        state = self.state
        pinged = time.monotonic()
        while True:
            with state.cond:
                state.cond.wait(timeout=1.0)
                version, stopping = state.version, state.stopping
            if stopping:
                break
            for s in self._closed():
                self._drop(s)
            with self.lock:
                # A stream added since `version` was read may be ahead of it: left for the next pass.
                behind = [(s, seen, page) for s, (seen, page) in self.streams.items() if seen < version]
                for s, _, page in behind:
                    self.streams[s] = (version, page)
            with state.cond:
                told = [s for s, seen, page in behind if state.wants(page, seen, version)]
            for s in told:
                self._send(s, b"event: reload\ndata: %d\n\n" % version)
            if time.monotonic() - pinged >= PING_SECONDS:
                pinged = time.monotonic()
                with self.lock:
                    socks = list(self.streams)
                for s in socks:
                    self._send(s, b": ping\n\n")
        with self.lock:
            socks = list(self.streams)
        for s in socks:
            self._drop(s)
