"""Live reload: what the HTTP threads know of the latest build, and the one thread that writes
to every open tab's stream (Server-Sent Events), so open tabs never hold a worker."""

from __future__ import annotations

import selectors
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .problems import Problem

if TYPE_CHECKING:
    from .build import BuildReport

#: Live-reload streams (one per open tab); more are answered 503.
LIVE_MAX = 64
#: A comment on every live stream this often: keeps it open and finds closed tabs.
PING_SECONDS = 15.0


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

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()


class Live:
    """The live-reload streams: a `reload` event to each after every build, a comment every
    `PING_SECONDS`, and closed tabs dropped, all from one thread."""

    def __init__(self, state: LiveState):
        self.state = state
        self.lock = threading.Lock()
        self.streams: dict[socket.socket, int] = {}
        """Each stream's socket and the build version it last heard of."""
        self.thread = threading.Thread(target=self._run, name="playbook-live", daemon=True)
        self.thread.start()

    def room(self) -> bool:
        with self.lock:
            return len(self.streams) < LIVE_MAX and not self.state.stopping

    def add(self, sock: socket.socket) -> bool:
        """Take over `sock` (True), or leave it to the caller to close (False)."""
        with self.state.cond:
            seen = self.state.version
        with self.lock:
            if len(self.streams) >= LIVE_MAX or self.state.stopping:
                return False
            sock.settimeout(2.0)  # a tab that stops reading is dropped, not waited for
            self.streams[sock] = seen
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
                behind = [s for s, seen in self.streams.items() if seen != version]
                for s in behind:
                    self.streams[s] = version
            for s in behind:
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
