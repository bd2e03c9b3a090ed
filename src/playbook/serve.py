"""`playbook serve`: build, serve on loopback, watch, rebuild, reload open tabs.

The server survives every content error: a failed rebuild keeps the last good site on
disk and shows the problems over it in the browser (and in the terminal) until the file
is fixed. Live reload uses Server-Sent Events; the script is injected into HTML as it is
served, so the built files stay exactly what `playbook build` writes. Only regular files
inside the output folder are served, looked up after following links; no folder listings.
Whom it answers and with how many threads is httpd.py's.
"""

from __future__ import annotations

import html
import os
import queue
import re
import signal
import stat
import sys
import threading
import time
import urllib.parse
import webbrowser
from datetime import date
from functools import partial
from pathlib import Path
from typing import BinaryIO, Callable

import watchfiles

from .build import BuildError, BuildReport, Session
from .config import resolve_as_of
from .httpd import BaseHandler, Server
from .livereload import LiveState, page_of
from .folders import ignored
from .gitinfo import git_dirs
from .memo import CACHE_DIR
from .problems import Problem, counted, format_plain

LIVE_PREFIX = "/__playbook/"
LIVE_JS = """(function () {
  if (!window.EventSource) return;
  var tag = document.currentScript, seen = tag ? tag.getAttribute("data-version") : null;
  var page = tag && tag.hasAttribute("data-missing") ? "" : "&page=" + encodeURIComponent(location.pathname);
  var es = new EventSource("/__playbook/events?since=" + encodeURIComponent(seen || "") + page);
  es.addEventListener("reload", function () { window.location.reload(); });
})();
"""
_OVERLAY_CSS = (
    "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "background:#2b0b0e;color:#fff;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;"
    "padding:16px 20px;border-top:4px solid #e5484d;box-shadow:0 -8px 24px rgba(0,0,0,.4)"
)


def overlay_html(problems: list[Problem]) -> str:
    items = "".join(f"<li style='margin:4px 0'>{html.escape(format_plain(p))}</li>" for p in problems)
    return (f"<div id='playbook-errors' role='alert' style='{_OVERLAY_CSS}'>"
            f"<strong style='color:#ff9592'>Playbook: the last edit broke the build "
            f"({len(problems)} error{'s' if len(problems) != 1 else ''}).</strong> "
            f"Showing the last good page; fix the file and this page reloads by itself."
            f"<ul style='margin:8px 0 0;padding-left:20px'>{items}</ul></div>")


#: The page for an address with no file when the site has no 404.html of its own.
NOT_FOUND = (b"<!doctype html><html lang=en><meta charset=utf-8><title>Page not found</title>"
             b"<body><h1>Page not found</h1><p><a href=\"/index.html\">The playbook's home page</a></p></body></html>")
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)


def rebased(page: bytes) -> bytes:
    """`page` with its relative links resolved from the site's root (the first <base> wins):
    the 404 page is shown at whatever address was asked for."""
    m = _HEAD.search(page)
    at = m.end() if m else 0
    return page[:at] + b'\n<base href="/">' + page[at:]


def inject(page: bytes, state: LiveState, missing: bool = False) -> bytes:
    """Add the live-reload script (and the error overlay, after a failed build) to a page.
    The script tells the stream which build the page was served at (a build published before
    the stream connects still reloads it), and for a missing page, to reload after every build
    (the page may come, or the 404 page change)."""
    marks = f' data-version="{state.version}"' + (" data-missing" if missing else "")
    extra = f'<script src="{LIVE_PREFIX}live.js"{marks}></script>'
    if state.failed:
        extra = overlay_html(state.problems) + extra
    data = extra.encode()
    at = page.rfind(b"</body>")
    return page[:at] + data + page[at:] if at >= 0 else page + data


# -- one request --------------------------------------------------------------------------------

class Handler(BaseHandler):
    """The built files, with the live-reload script added to pages, and the live-reload stream."""

    state: LiveState

    def do_GET(self) -> None:
        if urllib.parse.urlsplit(self.path).path == LIVE_PREFIX + "events":
            return self._events()
        super().do_GET()

    def do_HEAD(self) -> None:
        if urllib.parse.urlsplit(self.path).path == LIVE_PREFIX + "events":
            return self._events()  # the same headers, and no stream
        super().do_HEAD()

    def send_head(self) -> BinaryIO | None:
        """Headers for the file the path names, and its bytes to copy (None: answered)."""
        url = urllib.parse.urlsplit(self.path).path
        if url.startswith(LIVE_PREFIX):
            if url == LIVE_PREFIX + "live.js":
                return self.head(200, "text/javascript; charset=utf-8", LIVE_JS.encode())
            return self._not_found()
        path = self.translate_path(self.path)  # the stdlib's: query dropped, '..' and drive parts skipped
        if os.path.isdir(path):  # its index.html, never a listing
            if not url.endswith("/"):
                self.send_response(301)
                self.send_header("Location", urllib.parse.quote(url, safe="/%") + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = os.path.join(path, "index.html")
        f = self._open_inside(path)
        if f is None:
            if self.state.failed:
                page = b"<!doctype html><html lang=en><title>Playbook: build failed</title><body></body></html>"
                return self.head(500, "text/html; charset=utf-8", inject(page, self.state, missing=True))
            return self._not_found()
        if path.endswith(".html"):
            with f:
                return self.head(200, "text/html; charset=utf-8", inject(f.read(), self.state))
        self.send_response(200)  # any other file is copied from disk as it is, not held in memory
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
        self.end_headers()
        return f

    def _not_found(self) -> BinaryIO:
        """404 with the site's own 404.html (as static hosts show it), else a short page."""
        f = self._open_inside(os.path.join(self.directory, "404.html"))
        if f is None:
            page = NOT_FOUND
        else:
            with f:
                page = rebased(f.read())
        return self.head(404, "text/html; charset=utf-8", inject(page, self.state, missing=True))

    def _open_inside(self, path: str) -> BinaryIO | None:
        """The file at `path` when it is a regular file inside the served folder once links are
        followed (a link placed in the site pointing out is not followed out), else None."""
        try:
            base = os.path.realpath(self.directory)
            real = os.path.realpath(path)
        except (OSError, ValueError):  # a NUL in the path, a link loop
            return None
        # The folder itself as it was when `serve` started (a real path): swapped for a link to
        # somewhere else while serving, it would have served that place (a fuzzing session).
        if base != self.directory or os.path.commonpath([base, real]) != base:
            return None
        try:
            # Not blocking: a FIFO placed in the site must not hold a worker forever.
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb")

    def _events(self) -> None:
        live = self.server.live
        if not live.room():
            return self.reply(503, "text/plain; charset=utf-8", b"Too many live-reload connections.\n")
        # A stream has no length: it ends when the connection does.
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        self.wfile.write(b": connected\n\n")
        self.wfile.flush()
        # The tab says which page it shows, and the build it was served at: it is told to
        # reload when a build since changed that page (or what every page loads).
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        page, since = query.get("page"), query.get("since")
        self.detached = live.add(self.connection, page_of(page[0]) if page else None,
                                 int(since[0]) if since and since[0].isdigit() else None)


# -- watching -----------------------------------------------------------------------------------

def relevant(root: Path, out: Path, gits: tuple[Path, ...] = (),
             targets: Callable[[], frozenset[str]] = frozenset):
    """The watch filter: content, templates and playbook.yaml, what a link in them points to
    elsewhere in the playbook (`targets()`: their real paths, as the last build found them), and
    git's HEAD and refs (a commit changes what the pages say of who changed what); never the
    output, the build cache or editor litter. A note linked to `notes/a.md` read the same when
    that file was edited, until some other save; a playbook in a folder of a repository, or in a
    worktree, missed every commit (a probe). `gits`: git's folders (`git_dirs`)."""
    content, templates, config = root / "content", root / "templates", root / "playbook.yaml"
    cache = root / CACHE_DIR
    gits = gits or (root / ".git",)

    def accept(change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        for git in gits:
            if p.is_relative_to(git):
                rel = p.relative_to(git).as_posix()
                return rel in ("HEAD", "packed-refs") or rel.startswith("refs/")
        if ignored(p.name) or p.is_relative_to(out) or p.is_relative_to(cache):
            return False
        if p == config or p.is_relative_to(content) or p.is_relative_to(templates):
            return True
        linked = targets()
        return bool(linked) and any(str(q) in linked for q in (p, *p.parents))
    return accept


class Watcher:
    """The watcher, set up before the first build and read by the serving loop: a change made
    while the first build runs (minutes at 10,000 customers) or while the watches are being
    set up (seconds at that size: one per folder) is queued, never lost. Set up after the
    first build, such an edit was never seen: the next save elsewhere rebuilt with the
    edited folder's signature as the first build took it."""

    #: How often the watching thread wakes without changes (ms): its first waking is how the
    #: serving side knows the watches are in place.
    TICK_MS = 200
    #: A save is handed on once this long (ms) has passed with no further change. An editor's
    #: save (write a temporary, rename it over, set its mode) takes a few milliseconds; the
    #: watcher waits one to two of these after it: with watchfiles' default of 50, a save took
    #: 108 ms to reach its page at 1,000 × 50, against 65 ms with 20. A save that does split in
    #: two is two rebuilds, the second one right.
    STEP_MS = 20

    def __init__(self, root: Path, out: Path, targets: Callable[[], frozenset[str]] = frozenset):
        self.targets = targets
        """What links in the content point to elsewhere in the playbook (`Session.targets`)."""
        self.gits = git_dirs(root)
        """git's folders, watched too when outside the playbook (`relevant`)."""
        self.queue: queue.Queue[set | BaseException | None] = queue.Queue()
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(root, out), daemon=True, name="playbook-watch")

    def start(self) -> None:
        """Start watching; return once every watch is in place (or raise why it could not be)."""
        self._thread.start()
        self.ready.wait()
        if self._error is not None:
            raise self._error

    def _run(self, root: Path, out: Path) -> None:
        try:
            outside = [g for g in self.gits if not g.is_relative_to(root)]
            accept = relevant(root, out, self.gits, self.targets)
            for changes in watchfiles.watch(root, *outside, watch_filter=accept, debounce=1600, step=self.STEP_MS,
                                            stop_event=self._stop, raise_interrupt=False, yield_on_timeout=True,
                                            rust_timeout=self.TICK_MS):
                self.ready.set()
                if changes:
                    self.queue.put(changes)
        except Exception as exc:  # the watches could not be set up (a limit of the system, say)
            self._error = exc
            self.queue.put(exc)
        finally:
            self.queue.put(None)
            self.ready.set()

    def changes(self, timeout: float) -> set:
        """The paths changed since the last call, every change queued meanwhile merged (a long
        build may find several); an empty set after `timeout` seconds without any."""
        found: set = set()
        try:
            item = self.queue.get(timeout=timeout)
            while True:
                if item is None or isinstance(item, BaseException):
                    raise WatchError(str(item) if item is not None else "the watcher stopped")
                found |= {Path(p) for _, p in item}
                item = self.queue.get_nowait()
        except queue.Empty:
            return found

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)


class WatchError(Exception):
    """The watcher failed or stopped."""


def say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


def report_build(report: BuildReport, seconds: float, changed: int, quiet: bool,
                 shown: frozenset[Problem] = frozenset()) -> frozenset[Problem]:
    """Print what a build found and one line of how it went: its errors, the warnings not
    printed before (`shown`: every one after the first build), which it returns."""
    warnings = frozenset(p for p in report.problems if p.severity == "warning")
    for p in report.problems:
        if p.severity == "error" or p not in shown:
            print(format_plain(p), file=sys.stderr, flush=True)
    errors = [p for p in report.problems if p.severity == "error"]
    ms = f"{seconds * 1000:,.0f} ms"
    if errors:
        print(f"Build failed with {counted(len(errors), 'error')}; still serving the last good site.", file=sys.stderr,
              flush=True)
    elif changed:
        written = counted(report.written, "file") + " written" if report.written else "no file changed"
        say(quiet, f"Rebuilt in {ms} ({counted(changed, 'change')}; {written}).")
    elif not report.written:  # nothing to do, or (a first build of a site up to date) nothing to write
        say(quiet, f"Up to date: {counted(report.customers, 'customer')}, {counted(report.files, 'file')} as of "
                   f"{report.as_of.isoformat()} (checked in {ms}).")
    else:
        say(quiet, f"Built {counted(report.customers, 'customer')}, {counted(report.files, 'file')} in {ms} as of "
                   f"{report.as_of.isoformat()}.")
    return warnings


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          out: Path | None = None, as_of: date | None = None, quiet: bool = False,
          ready: threading.Event | None = None, stop: threading.Event | None = None) -> int:
    """Run until interrupted (or until `stop` is set, for tests). Returns an exit code."""
    root = root.resolve()
    try:
        session = Session(root, out, as_of)
    except BuildError as exc:
        print(f"playbook: {exc}", file=sys.stderr)
        return 2
    try:
        return _serve(session, root, host, port, open_browser, as_of, quiet, ready, stop)
    finally:
        session.close()  # its hold on the memo's store goes too


def _serve(session: Session, root: Path, host: str, port: int, open_browser: bool, as_of: date | None,
           quiet: bool, ready: threading.Event | None, stop: threading.Event | None) -> int:
    out = session.out
    state = LiveState()
    session.carried.announce = state.announce
    watcher = Watcher(root, out, lambda: session.targets)
    try:
        watcher.start()
    except Exception as exc:
        print(f"playbook: cannot watch {root} for changes ({exc}); on Linux, raise "
              "fs.inotify.max_user_watches (sysctl) above the number of folders", file=sys.stderr)
        watcher.close()
        return 2
    try:
        return _watched(session, watcher, state, root, host, port, open_browser, as_of, quiet, ready, stop)
    finally:
        watcher.close()


def _watched(session: Session, watcher: Watcher, state: LiveState, root: Path, host: str, port: int,
             open_browser: bool, as_of: date | None, quiet: bool, ready: threading.Event | None,
             stop: threading.Event | None) -> int:
    out = session.out
    t = time.perf_counter()
    try:
        report = session.rebuild()
    except BuildError as exc:
        print(f"playbook: {exc}", file=sys.stderr)
        return 2
    shown = report_build(report, time.perf_counter() - t, 0, quiet)
    state.publish(report)
    out.mkdir(parents=True, exist_ok=True)

    handler = type("BoundHandler", (Handler,), {"state": state})
    try:
        httpd = Server((host, port), partial(handler, directory=str(out)), state)
    except OSError as exc:
        print(f"playbook: cannot listen on {host}:{port} ({exc.strerror or exc}); try --port 0 for a free one",
              file=sys.stderr)
        return 2
    url = httpd.url
    interrupted, code = False, 0
    thread: threading.Thread | None = None
    main = threading.current_thread() is threading.main_thread()
    # `kill` (SIGTERM, what service managers and CI send) stops it as Ctrl+C does: the same
    # goodbye, open tabs told. Ctrl+C itself may arrive ignored (a script's background job
    # inherits that), so SIGTERM is the stop that always works.
    term = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:  # from here on, Ctrl+C stops the server cleanly
        say(quiet, f"Serving {out} at {url}  (Ctrl+C to stop)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"warning: listening on {host}: anyone who can reach this machine can read the customer notes",
                  file=sys.stderr)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        if open_browser:
            webbrowser.open(url)
        stop = stop or threading.Event()
        if ready is not None:
            ready.port = httpd.server_address[1]  # type: ignore[attr-defined]
            ready.set()
        day = resolve_as_of(as_of, None)
        while not stop.is_set():
            # Changes since the first build began, then as they come; without any, a look at
            # the date: a playbook that does not pin as_of moves to a new day at midnight, and
            # its pages with it.
            changes = watcher.changes(timeout=0.25)
            if not changes:
                if resolve_as_of(as_of, None) == day:
                    continue
                day = resolve_as_of(as_of, None)
            t = time.perf_counter()
            try:
                # The watcher's paths spare stat'ing the folders nobody touched; a new day
                # (no paths) looks at everything.
                report = session.rebuild(changes or None)
            except BuildError as exc:
                print(f"playbook: {exc}", file=sys.stderr)
                continue
            shown = report_build(report, time.perf_counter() - t, len(changes), quiet, shown)
            state.publish(report)
    except KeyboardInterrupt:  # Ctrl+C: the way to stop; the library's own message is not wanted
        interrupted = True
    except WatchError as exc:
        print(f"playbook: stopped watching for changes ({exc}); start 'playbook serve' again", file=sys.stderr)
        code = 1
    finally:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # a second Ctrl+C waits
        if main:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        state.stop()  # ends the live-reload streams, so open tabs see the server go
        if thread is not None and thread.is_alive():  # a Ctrl+C may come as it starts, or before
            httpd.shutdown()
            thread.join(5)
        httpd.server_close()  # a loop not started by now never starts
        if main:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGTERM, term)
        # "\r" writes over the "^C" the terminal echoed, so the goodbye is one clean line.
        back = "\r" if interrupted and sys.stdout.isatty() else ""
        say(quiet, f"{back}Stopped serving {url}")
    return code
