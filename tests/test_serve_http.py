"""`playbook serve` speaks HTTP/1.1 as a browser expects: connections kept alive (without
holding a worker), a length on every response, HEAD with GET's headers and no body, the site's
own 404 page, folders served by their index.html and never listed; and the terminal says what
happened: the first build and its warnings, and one line of goodbye on Ctrl+C."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from builds import copy_playbook
from helpers import REPO
from playbook import httpd
from playbook.check import check
from playbook.problems import format_plain
from playbook.serve import NOT_FOUND, serve


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real `serve` of a small playbook (nothing here edits content): (root, port)."""
    root = copy_playbook(REPO, tmp_path_factory.mktemp("http11") / "pb", ["loomwork", "kestrel-pay"])
    ready, stop = threading.Event(), threading.Event()
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("code", serve(root, port=0, quiet=True, ready=ready,
                                                                        stop=stop)), daemon=True)
    t.start()
    assert ready.wait(60), "server did not start"
    yield root, ready.port
    stop.set()
    t.join(10)
    assert not t.is_alive() and result["code"] == 0


def exchange(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    """Send `request` as it is and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def responses(data: bytes, methods: tuple[str, ...] = ()) -> list[tuple[str, dict[str, str], bytes]]:
    """Split what came back into (status line, headers, body) by each response's Content-Length
    (`methods`: of the requests, in order; an answer to HEAD has no body whatever its length)."""
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        method = methods[len(out)] if len(out) < len(methods) else "GET"
        n = 0 if method == "HEAD" else int(headers.get("content-length", len(rest)))
        out.append((lines[0], headers, rest[:n]))
        data = rest[n:]
    return out


def request(port: int, method: str, path: str, extra: str = "") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}".encode()


def test_one_connection_carries_many_requests(site):
    _, port = site
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    paths = ["/", "/customers/loomwork/index.html", "/playbook.json", "/assets/style.css", "/missing.html",
             "/customers/loomwork", "/feed.atom"] * 3
    socks = set()
    for path in paths:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        socks.add(id(c.sock))
        assert r.version == 11 and r.getheader("Connection") is None, path
        assert int(r.getheader("Content-Length")) == len(body), path
    assert len(socks) == 1  # never reconnected: kept alive throughout
    c.close()


def test_requests_sent_together_are_all_answered(site):
    """A client may send its next request before the answer (pipelining): none is lost."""
    _, port = site
    got = responses(exchange(port, request(port, "GET", "/playbook.json", "\r\n")
                             + request(port, "HEAD", "/index.html", "\r\n")
                             + request(port, "GET", "/nope", "Connection: close\r\n\r\n")), ("GET", "HEAD", "GET"))
    assert [status for status, _, _ in got] == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"]
    assert got[0][2].startswith(b"{") and got[1][2] == b"" and b"Page not found" in got[2][2]


@pytest.mark.parametrize("path", ["/", "/index.html", "/customers/loomwork/", "/customers/loomwork", "/playbook.json",
                                  "/feed.atom", "/assets/style.css", "/calendar/team.ics", "/nope", "/a/b/c.html",
                                  "/assets/", "/__playbook/live.js", "/__playbook/nope", "/__playbook/events"])
def test_head_gives_the_headers_of_get_and_no_body(site, path):
    _, port = site
    heads = {}
    for method in ("GET", "HEAD"):
        data = exchange(port, request(port, method, path, "Connection: close\r\n\r\n"), timeout=2) \
            if path != "/__playbook/events" or method == "HEAD" else _stream_head(port, path)
        head, _, body = data.partition(b"\r\n\r\n")
        heads[method] = re.sub(rb"\r\nDate: [^\r]*", b"", head)
        if method == "HEAD":
            assert body == b"", path
        elif path != "/__playbook/events":
            length = re.search(rb"\r\nContent-Length: (\d+)", head)
            assert length and int(length.group(1)) == len(body), f"{path}: every response says its length"
    assert heads["HEAD"] == heads["GET"], path


def _stream_head(port: int, path: str) -> bytes:
    """The headers of the live-reload stream, which never ends by itself."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request(port, "GET", path, "\r\n"))
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
    return data.partition(b"\r\n\r\n")[0] + b"\r\n\r\n"


def test_a_missing_page_is_the_sites_own_404_page(site):
    root, port = site
    page = (root / "site" / "404.html").read_bytes()
    for path in ["/no-such-page.html", "/customers/gone/index.html", "/a/b/c/d", "/assets/", "/__playbook/x"]:
        (status, headers, body), = responses(exchange(port, request(port, "GET", path, "Connection: close\r\n\r\n")))
        assert status == "HTTP/1.1 404 Not Found" and headers["content-type"] == "text/html; charset=utf-8", path
        assert headers["server"] == "Playbook", path  # not the library's name and version
        # the site's page, its links resolved from the site's root at any depth, and live reload
        assert body.startswith(page[:page.index(b"<head>") + 6] + b'\n<base href="/">'), path
        assert b"<h1>Page not found</h1>" in body and b"/__playbook/live.js" in body, path
    (root / "site" / "404.html").rename(root / "404.html.away")
    try:
        (status, _, body), = responses(exchange(port, request(port, "GET", "/x", "Connection: close\r\n\r\n")))
        assert status == "HTTP/1.1 404 Not Found" and body.startswith(NOT_FOUND[:-len(b"</body></html>")])
    finally:
        (root / "404.html.away").rename(root / "site" / "404.html")


def test_a_folder_serves_its_index_and_is_never_listed(site):
    root, port = site
    got = responses(exchange(port, request(port, "GET", "/customers/loomwork/", "\r\n")
                             + request(port, "GET", "/customers/loomwork/index.html", "\r\n")
                             + request(port, "GET", "/customers/loomwork", "\r\n")
                             + request(port, "GET", "/calendar/", "Connection: close\r\n\r\n")))
    (s1, _, folder), (s2, _, index), (s3, moved, empty), (s4, _, listing) = got
    assert (s1, s2) == ("HTTP/1.1 200 OK",) * 2 and folder == index
    assert (s3, moved["location"], moved["content-length"], empty) == (
        "HTTP/1.1 301 Moved Permanently", "/customers/loomwork/", "0", b"")
    # calendar/ has no index.html: the 404 page, and none of its files named
    assert s4 == "HTTP/1.1 404 Not Found" and b"<h1>Page not found</h1>" in listing
    assert not [f.name for f in (root / "site/calendar").iterdir() if f.name.encode() in listing.replace(
        b'href="calendar/team.ics"', b"")]


def test_errors_are_short_text_with_a_length(site):
    _, port = site
    for raw, status in [(request(port, "DELETE", "/index.html", "\r\n"), "HTTP/1.1 501 Unsupported method ('DELETE')"),
                        (b"GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad request syntax ('GARBAGE')")]:
        (line, headers, body), = responses(exchange(port, raw))
        assert line == status and headers["content-type"] == "text/plain; charset=utf-8"
        assert int(headers["content-length"]) == len(body) and b"<" not in body and headers["connection"] == "close"


def test_kept_alive_connections_hold_no_worker_and_close_quietly(site, monkeypatch):
    _, port = site
    before = threading.active_count()
    kept = []
    for _ in range(httpd.WORKERS * 3):  # more open connections than workers, each between requests
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/playbook.json")
        c.getresponse().read()
        kept.append(c)
    t = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/")
    assert c.getresponse().status == 200 and time.monotonic() - t < 2
    assert threading.active_count() <= before
    for k in kept:  # each is still usable
        k.request("GET", "/feed.atom")
        assert k.getresponse().read().startswith(b"<?xml")
        k.close()
    c.close()
    monkeypatch.setattr(httpd, "IDLE_SECONDS", 0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request(port, "GET", "/index.html", "\r\n"))
        data = b""
        while chunk := s.recv(65536):  # the page, then nothing: closed with no 408 after it
            data += chunk
    (status, _, _), = responses(data)
    assert status == "HTTP/1.1 200 OK"


def _as_in_a_terminal() -> None:
    """Ctrl+C as a terminal delivers it: a test run started as a script's background job
    (CI's lowest-versions run) inherits SIGINT ignored, which its children would keep."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_the_terminal_shows_the_first_build_its_warnings_and_one_goodbye(tmp_path, stop):
    root = copy_playbook(REPO, tmp_path / "pb", ["loomwork"])
    (root / "content/customers/notes.txt").write_text("a stray file\n")  # a warning
    proc = subprocess.Popen([sys.executable, "-m", "playbook", "serve", str(root), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
                            preexec_fn=_as_in_a_terminal)
    try:
        first = proc.stdout.readline()
        serving = proc.stdout.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", serving).group(1)
        assert http.client.HTTPConnection(url[7:-1].split(":")[0], int(url[:-1].rsplit(":", 1)[1]),
                                          timeout=5).request("GET", "/") is None
        proc.send_signal(stop)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # say where every thread of it stands (faulthandler)
            proc.send_signal(signal.SIGABRT)
            out, err = proc.communicate(timeout=30)
            pytest.fail(f"serve did not stop on {stop!r}:\n{out}\n{err}")
    finally:
        proc.kill()
    assert re.fullmatch(r"Built 1 customer, \d+ files in [\d,]+ ms as of 2026-11-20\.\n", first), first
    assert serving.startswith(f"Serving {root / 'site'} at {url}")
    assert out == f"Stopped serving {url}\n"  # one line, though Ctrl+C came mid-watch
    warnings = [format_plain(p) + "\n" for p in check(root)[0]]
    assert len(warnings) == 1 and "content/customers/notes.txt" in warnings[0]
    assert err == warnings[0], err  # as `playbook check` says it, and nothing else
    assert proc.returncode == 0
