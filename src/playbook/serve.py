"""`playbook serve`: build, serve on loopback, watch, rebuild, reload open tabs.

The server survives every content error: a failed rebuild keeps the last good site on
disk and shows the problems over it in the browser (and in the terminal) until the file
is fixed. Live reload uses Server-Sent Events; the script is injected into HTML as it is
served, so the built files stay exactly what `playbook build` writes. What is answered, to
whom and with how many threads is httpd.py's.
"""

from __future__ import annotations

import sys
import threading
import time
import webbrowser
from datetime import date
from functools import partial
from pathlib import Path

import watchfiles

from .build import BuildError, BuildReport, Session
from .config import resolve_as_of
from .httpd import Handler, LiveState, Server
from .load import IGNORED
from .problems import format_plain


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
        httpd = Server((host, port), partial(handler, directory=str(out)), state)
    except OSError as exc:
        print(f"playbook: cannot listen on {host}:{port} ({exc.strerror or exc}); try --port 0 for a free one",
              file=sys.stderr)
        return 2
    url = httpd.url
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
        state.stop()  # ends the live-reload streams, so open tabs see the server go
        httpd.shutdown()
        httpd.server_close()
        say(quiet, "Stopped.")
    return 0
