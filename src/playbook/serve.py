"""`playbook serve`: build, serve on loopback, watch, rebuild, reload open tabs.

The server survives every content error: a failed rebuild keeps the last good site on
disk and shows the problems over it in the browser (and in the terminal) until the file
is fixed. Live reload uses Server-Sent Events; the script is injected into HTML as it is
served, so the built files stay exactly what `playbook build` writes.
"""

from __future__ import annotations

import html
import http.server
import socketserver
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import watchfiles

from .build import BuildError, BuildReport, Session
from .config import resolve_as_of
from .load import IGNORED
from .problems import Problem, format_plain

LIVE_PREFIX = "/__playbook/"
LIVE_JS = """(function () {
  if (!window.EventSource) return;
  var es = new EventSource("/__playbook/events");
  es.addEventListener("reload", function () { window.location.reload(); });
})();
"""
_OVERLAY_CSS = (
    "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "background:#2b0b0e;color:#fff;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;"
    "padding:16px 20px;border-top:4px solid #e5484d;box-shadow:0 -8px 24px rgba(0,0,0,.4)"
)


@dataclass(slots=True)
class LiveState:
    """What the HTTP threads need to know about the latest build."""

    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    failed: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def publish(self, report: BuildReport) -> None:
        with self.cond:
            self.version += 1
            self.failed = not report.ok
            self.problems = [p for p in report.problems if p.severity == "error"] if not report.ok else []
            self.cond.notify_all()


def overlay_html(problems: list[Problem]) -> str:
    items = "".join(f"<li style='margin:4px 0'>{html.escape(format_plain(p))}</li>" for p in problems)
    return (f"<div id='playbook-errors' role='alert' style='{_OVERLAY_CSS}'>"
            f"<strong style='color:#ff9592'>Playbook: the last edit broke the build "
            f"({len(problems)} error{'s' if len(problems) != 1 else ''}).</strong> "
            f"Showing the last good page; fix the file and this page reloads by itself."
            f"<ul style='margin:8px 0 0;padding-left:20px'>{items}</ul></div>")


def inject(page: bytes, state: LiveState) -> bytes:
    """Add the live-reload script (and the error overlay, after a failed build) to a page."""
    extra = f'<script src="{LIVE_PREFIX}live.js"></script>'
    if state.failed:
        extra = overlay_html(state.problems) + extra
    data = extra.encode()
    at = page.rfind(b"</body>")
    return page[:at] + data + page[at:] if at >= 0 else page + data


class Handler(http.server.SimpleHTTPRequestHandler):
    state: LiveState

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds, not hits
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.startswith(LIVE_PREFIX):
            return self._live()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send(200, "text/html; charset=utf-8", inject(path.read_bytes(), self.state))
        if not path.exists() and self.state.failed:
            page = b"<!doctype html><html lang=en><title>Playbook: build failed</title><body></body></html>"
            return self._send(500, "text/html; charset=utf-8", inject(page, self.state))
        return super().do_GET()

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _live(self) -> None:
        if self.path.startswith(LIVE_PREFIX + "live.js"):
            return self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode())
        if not self.path.startswith(LIVE_PREFIX + "events"):
            return self._send(404, "text/plain", b"not found")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.state
        with state.cond:
            seen = state.version
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                with state.cond:
                    state.cond.wait_for(lambda: state.version != seen or state.stopping, timeout=15)
                    if state.stopping:
                        return
                    changed, seen = state.version != seen, state.version
                # A comment line doubles as a keep-alive and a check that the tab is still there.
                self.wfile.write(b"event: reload\ndata: %d\n\n" % seen if changed else b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def relevant(root: Path, out: Path):
    """The watch filter: content, templates and playbook.yaml, and git's refs (a commit changes
    what the pages say of who changed what); never the output or editor litter."""
    content, templates, config, git = root / "content", root / "templates", root / "playbook.yaml", root / ".git"

    def accept(change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        if p.is_relative_to(git):
            rel = p.relative_to(git).as_posix()
            return rel in ("HEAD", "packed-refs") or rel.startswith("refs/")
        if IGNORED.search(p.name) or p.is_relative_to(out):
            return False
        return p == config or p.is_relative_to(content) or p.is_relative_to(templates)
    return accept


def say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


def report_build(report: BuildReport, seconds: float, changed: int, quiet: bool) -> None:
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        for p in errors:
            print(format_plain(p), file=sys.stderr, flush=True)
        print(f"Build failed with {len(errors)} error(s); still serving the last good site.", file=sys.stderr, flush=True)
    else:
        what = f"{changed} change{'s' if changed != 1 else ''}" if changed else "initial build"
        say(quiet, f"Rebuilt in {seconds * 1000:.0f} ms ({what}; {report.written} file(s) written).")


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
    out = session.out
    state = LiveState()
    t = time.perf_counter()
    try:
        report = session.rebuild()
    except BuildError as exc:
        print(f"playbook: {exc}", file=sys.stderr)
        return 2
    report_build(report, time.perf_counter() - t, 0, quiet)
    state.publish(report)
    out.mkdir(parents=True, exist_ok=True)

    handler = type("BoundHandler", (Handler,), {"state": state})
    try:
        httpd = Server((host, port), partial(handler, directory=str(out)))
    except OSError as exc:
        print(f"playbook: cannot listen on {host}:{port} ({exc.strerror}); try --port 0 for a free one",
              file=sys.stderr)
        return 2
    url = f"http://{host if ':' not in host else f'[{host}]'}:{httpd.server_address[1]}/"
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
    try:
        # Every minute without changes, a look at the date: a playbook that does not pin
        # as_of moves to a new day at midnight, and its pages with it.
        for changes in watchfiles.watch(root, watch_filter=relevant(root, out), debounce=1600, step=50,
                                        stop_event=stop, raise_interrupt=False, yield_on_timeout=True,
                                        rust_timeout=60_000):
            if not changes:
                if resolve_as_of(as_of, None) == day:
                    continue
                day = resolve_as_of(as_of, None)
            t = time.perf_counter()
            try:
                report = session.rebuild()
            except BuildError as exc:
                print(f"playbook: {exc}", file=sys.stderr)
                continue
            report_build(report, time.perf_counter() - t, len(changes), quiet)
            state.publish(report)
    except KeyboardInterrupt:
        pass
    finally:
        with state.cond:
            state.stopping = True
            state.cond.notify_all()
        httpd.shutdown()
        httpd.server_close()
        say(quiet, "Stopped.")
    return 0
