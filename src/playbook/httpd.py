"""The preview server's connections: whom it answers, and with how many threads.

- Only the host it was started on. A page on another site can make the browser send requests
  to 127.0.0.1 under its own name (DNS rebinding); the browser then sends that name in `Host:`.
  So a request is answered only when `Host:` names an address the server listens on
  (127.0.0.1, localhost, [::1] or `--host`) with its port; any other, or none, gets a short
  403. On a wildcard `--host` (0.0.0.0, ::) any IP address is accepted too: a rebinding page
  always comes by name, never by number.
- A fixed number of threads. Connections wait in one selector until they have sent something,
  then go to a small pool of workers; a connection that stays silent is closed after
  `IDLE_SECONDS`, and the oldest silent one when too many wait. Live-reload streams are handed
  to a single thread that writes to all of them (livereload.py), so open tabs never hold a worker.
- HTTP/1.1: every response says its length (Content-Length), so a connection is kept alive
  between requests. A kept-alive connection goes back to the selector after each answer, never
  holding a worker while the browser thinks; one that stays silent is closed quietly.
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
from typing import Callable

from .livereload import Live, LiveState

#: Threads answering requests; connections beyond them wait, up to `READY_MAX`.
WORKERS = 16
#: Connections that have sent a request and wait for a worker; more are answered 503.
READY_MAX = 1024
#: Connections accepted but silent; beyond this the oldest silent one is closed.
WAITING_MAX = 512
#: A connection that sends nothing for this long, or stalls mid-request, is closed.
IDLE_SECONDS = 10.0
#: A request's line and headers must all come within this long of its first byte: each read
#: waiting `IDLE_SECONDS` at most, 16 clients sending a header line every 8 s held every
#: worker for as long as they liked (slowloris; a fuzzing session).
HEAD_SECONDS = 10.0

#: Errors of a client that went away: not worth a line in the terminal.
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


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
        # ASCII digits, a port's few: "²" is a digit to `isdigit` and not to `int`, and 5,000
        # digits are more than `int` reads (both dropped the connection without an answer).
        if given and not (given.isascii() and given.isdigit() and len(given) <= 5):
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
    """HTTP/1.1 requests, answered only when their `Host:` names this server; one worker
    answers those a connection has sent, then hands it back to the server's selector."""

    server: Server
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # a request line with no version: answered with headers, not as 0.9
    timeout = IDLE_SECONDS  # per read and write on the socket
    detached = False
    """Set when the connection was handed to the live-reload thread: the worker keeps it open."""
    keep = False
    """Set when the connection stays open for another request (the selector waits for it)."""
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s.\n"  # the stdlib's is an HTML page of its own

    def version_string(self) -> str:
        return "Playbook"

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds, not hits
        pass

    def handle(self) -> None:
        """The requests the client has sent so far on this connection, then back to the server:
        `keep` when it stays open. A request already read into our buffer is answered here,
        since the buffer is gone once this handler is."""
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection and not self.detached and self._sent_more():
            self.handle_one_request()
        self.keep = not self.close_connection and not self.detached

    def _sent_more(self) -> bool:
        """Is there more of a request to read now (buffered, or on the socket), without waiting?"""
        sock = self.connection
        try:
            sock.settimeout(0)
            return bool(self.rfile.peek(1))  # type: ignore[attr-defined]
        except (OSError, ValueError):
            return False
        finally:
            try:
                sock.settimeout(self.timeout)
            except OSError:
                pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def handle_one_request(self) -> None:
        self.server.reading_from(self.connection)
        try:
            super().handle_one_request()
        finally:
            self.server.read_done(self.connection)

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.server.read_done(self.connection)  # the head is read: what follows is ours to write
        if not ok:
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
        """A whole response (the body left out for HEAD, Content-Length kept)."""
        f = self.head(code, ctype, body)
        if self.command != "HEAD":
            self.wfile.write(f.getvalue())


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
        self.waiting: OrderedDict[socket.socket, tuple[tuple, float, bool]] = OrderedDict()
        """Connections the selector waits on: address, since when, and whether it was kept alive."""
        self.returned: queue.SimpleQueue = queue.SimpleQueue()
        """Kept-alive connections the workers hand back; `_wake` tells the selector."""
        self._wake_r, self._wake = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake.setblocking(False)
        self.reading: dict[socket.socket, float] = {}
        """Connections a worker reads a request's head from, and by when it must be read (`HEAD_SECONDS`)."""
        self._reading_lock = threading.Lock()
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
        try:  # whatever happens here, `shutdown` must not wait for ever
            if self._stop.is_set():
                return  # stopped before this thread got going (Ctrl+C as it started)
            try:
                self.socket.setblocking(False)
            except OSError:
                if self._stop.is_set():  # closed meanwhile, for the same reason
                    return
                raise
            with selectors.DefaultSelector() as sel:
                sel.register(self.socket, selectors.EVENT_READ)
                sel.register(self._wake_r, selectors.EVENT_READ)
                while not self._stop.is_set():
                    for key, _ in sel.select(poll_interval):
                        if key.fileobj is self.socket:
                            self._accept(sel)
                        elif key.fileobj is self._wake_r:
                            self._take_back(sel)
                        else:
                            sock = key.fileobj
                            sel.unregister(sock)
                            addr, _, _ = self.waiting.pop(sock)  # type: ignore[call-overload]
                            self._hand_over(sock, addr)  # type: ignore[arg-type]
                    self._expire(sel)
                    self._cut_slow()
                for sock in list(self.waiting):
                    sel.unregister(sock)
                    self._close(sock)
                self.waiting.clear()
                self._drain_returned()
        finally:
            self._stopped.set()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop `serve_forever` and wait for it, a few seconds at most: a Ctrl+C always ends
        `serve` (the loop looks at the flag every poll interval, so this is only a bound)."""
        self._stop.set()
        self._stopped.wait(timeout)

    def server_close(self) -> None:
        self._stop.set()  # a loop not yet started must not start on a closed socket
        super().server_close()
        for end in (self._wake_r, self._wake):
            self._close(end)
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
        self._drain_returned()

    def keep_alive(self, sock: socket.socket, addr: tuple) -> None:
        """From a worker: `sock` stays open; the selector waits for its next request."""
        self.returned.put((sock, addr))
        try:
            self._wake.send(b"\0")
        except OSError:  # full (the selector has a wake-up pending anyway) or closed (stopping)
            pass

    def _take_back(self, sel: selectors.BaseSelector) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except OSError:
            pass
        while True:
            try:
                sock, addr = self.returned.get_nowait()
            except queue.Empty:
                return
            if len(self.waiting) >= WAITING_MAX:
                self._evict(sel)
            self.waiting[sock] = (addr, time.monotonic(), True)
            sel.register(sock, selectors.EVENT_READ)

    def _drain_returned(self) -> None:
        while True:
            try:
                sock, _ = self.returned.get_nowait()
            except queue.Empty:
                return
            self._close(sock)

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
            self.waiting[sock] = (addr, time.monotonic(), False)
            sel.register(sock, selectors.EVENT_READ)

    def _evict(self, sel: selectors.BaseSelector) -> None:
        """Close the connection that has waited longest: a new one that sent nothing is told so;
        a kept-alive one is closed quietly, as HTTP/1.1 allows between requests."""
        sock, (_, _, kept) = self.waiting.popitem(last=False)
        sel.unregister(sock)
        if kept:
            self._close(sock)
        else:
            self._refuse(sock, b"408 Request Timeout", b"Sent nothing.\n")

    def _expire(self, sel: selectors.BaseSelector) -> None:
        limit = time.monotonic() - IDLE_SECONDS
        while self.waiting:
            sock, (_, since, _) = next(iter(self.waiting.items()))
            if since > limit:
                return
            self._evict(sel)

    def reading_from(self, sock: socket.socket) -> None:
        """From a worker: it starts reading a request's head from `sock`."""
        with self._reading_lock:
            self.reading[sock] = time.monotonic() + HEAD_SECONDS

    def read_done(self, sock: socket.socket) -> None:
        with self._reading_lock:
            self.reading.pop(sock, None)

    def _cut_slow(self) -> None:
        """Shut the connections whose request head is overdue: the worker's read then ends at
        once, and it moves on (closing is the worker's: the socket is still in its hands)."""
        now = time.monotonic()
        with self._reading_lock:
            late = [sock for sock, by in self.reading.items() if by < now]
            for sock in late:
                del self.reading[sock]
        for sock in late:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _hand_over(self, sock: socket.socket, addr: tuple) -> None:
        try:
            self.ready.put_nowait((sock, addr))
        except queue.Full:
            self._refuse(sock, b"503 Service Unavailable", b"Too busy; try again.\n")

    def _refuse(self, sock: socket.socket, status: bytes, text: bytes) -> None:
        """A short answer and the connection closed, from the accepting thread: never waits."""
        try:
            sock.setblocking(False)
            sock.send(b"HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n"
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
            if getattr(handler, "detached", False):
                continue
            if getattr(handler, "keep", False) and not self._stop.is_set():
                self.keep_alive(sock, addr)
            else:
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
