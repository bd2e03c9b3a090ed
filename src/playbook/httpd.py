"""The preview server's connections: whom it answers, and with how many threads.

- Only the host it was started on. A page on another site can make the browser send requests
  to 127.0.0.1 under its own name (DNS rebinding); the browser then sends that name in `Host:`.
  So a request is answered only when `Host:` names an address the server listens on
  (127.0.0.1, localhost, [::1] or `--host`) with its port; any other, or none, gets a short
  403. On a wildcard `--host` (0.0.0.0, ::) any IP address is accepted too: a rebinding page
  always comes by name, never by number.
- A fixed number of threads. Connections wait in one selector until they have sent something,
  then go to a small pool of workers (one request per connection); a connection that stays
  silent is closed after `IDLE_SECONDS`, and the oldest silent one when too many wait.
  Live-reload streams are handed to a single thread that writes to all of them, so open tabs
  never hold a worker.
"""

from __future__ import annotations

import errno
import http.server
import io
import ipaddress
import queue
import selectors
import socket
import socketserver
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .problems import Problem

if TYPE_CHECKING:
    from .build import BuildReport

#: Threads answering requests; connections beyond them wait, up to `READY_MAX`.
WORKERS = 16
#: Connections that have sent a request and wait for a worker; more are answered 503.
READY_MAX = 1024
#: Connections accepted but silent; beyond this the oldest silent one is closed.
WAITING_MAX = 512
#: A connection that sends nothing for this long, or stalls mid-request, is closed.
IDLE_SECONDS = 10.0
#: Live-reload streams (one per open tab); more are answered 503.
LIVE_MAX = 64
#: A comment on every live stream this often: keeps it open and finds closed tabs.
PING_SECONDS = 15.0

#: Errors of a client that went away: not worth a line in the terminal.
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


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


# -- which Host: is answered --------------------------------------------------------------------

WILDCARDS = ("", "0.0.0.0", "::")


def _norm(name: str) -> str:
    """A host name or address as compared: lower case, IP addresses in one spelling."""
    name = name.lower()
    bare = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        return ipaddress.ip_address(bare).compressed
    except ValueError:
        return name if bare == name else "\0"  # brackets around a name: never allowed


def host_checker(host: str, port: int) -> Callable[[str | None], bool]:
    """Whether a `Host:` header value names this server: one of its addresses, with its port
    (or no port when that is 80, as browsers send it)."""
    names = {_norm(n) for n in ("127.0.0.1", "localhost", "::1", host) if n not in WILDCARDS}
    any_ip = host in WILDCARDS

    def allowed(value: str | None) -> bool:
        value = (value or "").strip()
        if not value or any(c in value for c in " \t,/\\@"):
            return False
        name, sep, given = value.rpartition(":") if not value.endswith("]") else (value, "", "")
        if not sep:
            name, given = value, ""
        if given and not given.isdigit():
            return False
        if (int(given) if given else 80) != port:
            return False
        n = _norm(name)
        if n in names:
            return True
        return any_ip and n != "\0" and _is_ip(n)
    return allowed


def _is_ip(name: str) -> bool:
    """An address a client can connect to (0.0.0.0 and :: name none)."""
    try:
        return not ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


# -- one request --------------------------------------------------------------------------------

class BaseHandler(http.server.SimpleHTTPRequestHandler):
    """One request per connection (HTTP/1.0), answered only when its `Host:` names this server."""

    server: Server
    timeout = IDLE_SECONDS  # per read and write on the socket
    detached = False
    """Set when the connection was handed to the live-reload thread: the worker keeps it open."""

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds, not hits
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not self.server.host_ok(hosts[0]):
            self.close_connection = True
            self.reply(403, "text/plain; charset=utf-8",
                       f"Forbidden: this server answers only {self.server.url}\n".encode())
            return False
        return True

    def head(self, code: int, ctype: str, body: bytes) -> io.BytesIO:
        """Send the headers of a response of `body`; the body to copy (send_head's way)."""
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def reply(self, code: int, ctype: str, body: bytes) -> None:
        """A whole response (the body left out for HEAD)."""
        f = self.head(code, ctype, body)
        if self.command != "HEAD":
            self.wfile.write(f.getvalue())


# -- live reload: one thread for every open tab ------------------------------------------------

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


# -- the server ---------------------------------------------------------------------------------

class Server(http.server.HTTPServer):
    """One thread accepts and waits on connections; `WORKERS` threads answer them."""

    request_queue_size = 1024  # the listen backlog: a burst of connections is not turned away
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler, state: LiveState, workers: int = WORKERS):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__(address, handler)
        port = self.server_address[1]
        self.host_ok = host_checker(host, port)
        shown = "127.0.0.1" if host in WILDCARDS else host
        self.url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"
        self.live = Live(state)
        self.ready: queue.Queue = queue.Queue(READY_MAX)
        self.waiting: OrderedDict[socket.socket, tuple[tuple, float]] = OrderedDict()
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()
        self.workers = [threading.Thread(target=self._work, name=f"playbook-http-{i}", daemon=True)
                        for i in range(workers)]
        for t in self.workers:
            t.start()

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # "::" takes IPv4 too
        # TCPServer's bind, without HTTPServer's reverse DNS look-up of the address.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._stopped.clear()
        self.socket.setblocking(False)
        try:
            with selectors.DefaultSelector() as sel:
                sel.register(self.socket, selectors.EVENT_READ)
                while not self._stop.is_set():
                    for key, _ in sel.select(poll_interval):
                        if key.fileobj is self.socket:
                            self._accept(sel)
                        else:
                            sock = key.fileobj
                            sel.unregister(sock)
                            addr, _ = self.waiting.pop(sock)  # type: ignore[call-overload]
                            self._hand_over(sock, addr)  # type: ignore[arg-type]
                    self._expire(sel)
                for sock in list(self.waiting):
                    sel.unregister(sock)
                    self._close(sock)
                self.waiting.clear()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._stop.set()
        self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()
        self.live.state.stop()
        while True:
            try:
                item = self.ready.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self._close(item[0])
        for _ in self.workers:
            self.ready.put(None)
        end = time.monotonic() + 2.0  # a worker still reading from a slow client ends by its timeout
        for t in [*self.workers, self.live.thread]:
            t.join(max(0.0, end - time.monotonic()))

    def _accept(self, sel: selectors.BaseSelector) -> None:
        for _ in range(256):  # take the whole backlog, but let the loop look around now and then
            try:
                sock, addr = self.socket.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE) and self.waiting:
                    self._evict(sel)  # out of file descriptors: the oldest silent connection goes
                    continue
                if exc.errno in (errno.EMFILE, errno.ENFILE):
                    time.sleep(0.05)  # the backlog waits until a worker frees one
                return
            if len(self.waiting) >= WAITING_MAX:
                self._evict(sel)
            self.waiting[sock] = (addr, time.monotonic())
            sel.register(sock, selectors.EVENT_READ)

    def _evict(self, sel: selectors.BaseSelector) -> None:
        sock, _ = self.waiting.popitem(last=False)
        sel.unregister(sock)
        self._refuse(sock, b"408 Request Timeout", b"Sent nothing.\n")

    def _expire(self, sel: selectors.BaseSelector) -> None:
        limit = time.monotonic() - IDLE_SECONDS
        while self.waiting:
            sock, (_, since) = next(iter(self.waiting.items()))
            if since > limit:
                return
            self._evict(sel)

    def _hand_over(self, sock: socket.socket, addr: tuple) -> None:
        try:
            self.ready.put_nowait((sock, addr))
        except queue.Full:
            self._refuse(sock, b"503 Service Unavailable", b"Too busy; try again.\n")

    def _refuse(self, sock: socket.socket, status: bytes, text: bytes) -> None:
        """A short answer and the connection closed, from the accepting thread: never waits."""
        try:
            sock.setblocking(False)
            sock.send(b"HTTP/1.0 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n"
                      b"Connection: close\r\n\r\n%s" % (status, len(text), text))
        except OSError:
            pass
        self._close(sock)

    def _work(self) -> None:
        while True:
            item = self.ready.get()
            if item is None:
                return
            sock, addr = item
            handler = None
            try:
                handler = self.RequestHandlerClass(sock, addr, self)
            except Exception:
                self.handle_error(sock, addr)
            if not getattr(handler, "detached", False):
                self.shutdown_request(sock)

    def _close(self, sock: socket.socket) -> None:
        try:
            sock.close()
        except OSError:
            pass

    def handle_error(self, request, client_address) -> None:
        """A client that went away is no news; anything else gets one line, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, GONE) or isinstance(exc, OSError) and exc.errno in (errno.EPIPE, errno.ECONNRESET):
            return
        print(f"playbook serve: could not answer a request ({type(exc).__name__}: {exc})", file=sys.stderr,
              flush=True)
