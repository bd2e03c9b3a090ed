"""Hostile and careless inputs (issue 12), one row each, as Zola's `site/tests/invalid.rs` does:
what a contributor can put in a playbook must give `path:line` problems, never a traceback,
a hang, or a read outside the playbook.

Each row lays out a small valid playbook, adds or changes files (and may make links,
FIFOs or modes with `setup`), then runs the real `check` and `build` in-process: both must
agree on the exit code and print the expected problem lines, and nothing may print a
traceback. Rows whose input could block run in a subprocess with a timeout instead.
"""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pytest

from helpers import ACME, ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, note, run_cli, tree, write_playbook

NOTE = "---\ntype: call\nwith: Maria\n---\nTalked.\n\n- [ ] Send the quote (due 2026-12-01)\n"
CALL = note("2026-11-01-call.md")


@dataclass(frozen=True)
class Hostile:
    id: str
    files: Mapping[str, str | bytes]
    """Written over the valid playbook (playbook.yaml, acme's customer.yaml and one call)."""
    expect: tuple[str, ...] = ()
    """Lines check and build must print, each as 'path:line: words in the message'."""
    code: int = 1
    """The exit code of both commands."""
    setup: Callable[[Path], None] | None = None
    args: tuple[str, ...] = ()
    """Extra arguments for both commands."""
    blocks: bool = False
    """Could hang if mishandled: run in a subprocess with a timeout."""
    build_only: tuple[str, ...] = field(default=())
    """Lines only build prints (usage problems of build's own arguments)."""
    forbid: tuple[str, ...] = ()
    """Text that must appear nowhere: not in what is printed, not in the site."""


def lay_out(tmp_path: Path, case: Hostile) -> Path:
    root = write_playbook(tmp_path / "pb", {"playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML, CALL: NOTE,
                                             **case.files})
    if case.setup:
        case.setup(root)
    return root


def run(args: list[str], root: Path, blocks: bool) -> tuple[int, str]:
    """(exit code, everything printed) of `playbook ARGS` run in `root`."""
    if not blocks:
        code, out, err = run_cli(args, cwd=root)
        return code, out + err
    proc = subprocess.run([sys.executable, "-m", "playbook", *args], cwd=root, capture_output=True, text=True,
                          timeout=45)  # a hang guard, with room for a loaded CI machine
    return proc.returncode, proc.stdout + proc.stderr


def assert_reports(printed: str, expect: tuple[str, ...]) -> None:
    assert "Traceback" not in printed, printed
    for want in expect:
        where, _, words = want.partition(": ")
        hits = [ln for ln in printed.splitlines() if ln.startswith(f"{where}:") and words in ln]
        assert hits, f"expected a line at {where} saying {words!r}; got:\n{printed}"


def run_case(tmp_path: Path, case: Hostile) -> None:
    root = lay_out(tmp_path, case)
    site = tmp_path / "site"
    for command in (["check"], ["build", "--no-cache", "--out", str(site)]):
        code, printed = run([*command, *case.args], root, case.blocks)
        assert code == case.code, f"{command[0]} exited {code}:\n{printed}"
        assert_reports(printed, case.expect + (case.build_only if command[0] == "build" else ()))
        for secret in case.forbid:
            assert secret not in printed, printed
    assert (site / "index.html").exists() == (case.code == 0)
    for f in site.rglob("*") if site.exists() else ():
        if f.is_file():
            assert not any(secret.encode() in f.read_bytes() for secret in case.forbid), f


def customer(replace: str, by: str) -> dict[str, str]:
    assert replace in CUSTOMER_YAML
    return {ACME_YAML: CUSTOMER_YAML.replace(replace, by)}


# -- dates and numbers at the edge: check catches all that build would trip on ----------------------

OUT_OF_RANGE = "is out of range; Playbook reads dates from 1900-01-01 to 2999-12-31"
EDGES = [
    Hostile("since-9999", customer("since: 2025-01-10", "since: 9999-12-31"),
            (f"{ACME_YAML}:3: 'since: 9999-12-31' {OUT_OF_RANGE}",)),
    Hostile("since-year-1", customer("since: 2025-01-10", "since: 0001-01-01"),
            (f"{ACME_YAML}:3: 'since: 0001-01-01' {OUT_OF_RANGE}",)),
    Hostile("renewal-9999", customer("tier: key", "tier: key\nrenewal: 9999-12-31"),
            (f"{ACME_YAML}:5: 'renewal: 9999-12-31' {OUT_OF_RANGE}",)),
    Hostile("birthday-9999", customer("role: CFO", "role: CFO\n    birthday: 9999-12-31"),
            (f"{ACME_YAML}:8: 'birthday: 9999-12-31' {OUT_OF_RANGE}",)),
    Hostile("ask-since-year-1", customer("tier: key", "tier: key\nasks:\n  - what: A quote\n    since: 0001-01-01"),
            (f"{ACME_YAML}:7: 'since: 0001-01-01' {OUT_OF_RANGE}",)),
    Hostile("note-date-9999", {CALL: NOTE.replace("type: call", "date: 9999-12-31\ntype: call")},
            (f"{CALL}:2: 'date: 9999-12-31' {OUT_OF_RANGE}",)),
    Hostile("file-name-date-year-1", {note("0001-01-01-call.md"): NOTE},
            (f"{note('0001-01-01-call.md')}:1: 'file name date: 0001-01-01' {OUT_OF_RANGE}",)),
    # Without a usable date, the rest of the note is still checked: every problem at once (a probe).
    Hostile("no-usable-date-and-more", {note("2026-02-30-call.md"): "---\ntype: cal\nsentiment: happy\n---\nHi\n"
                                        "- [ ] x (due 2026-02-30)\n"},
            (f"{note('2026-02-30-call.md')}:1: 'file name date: 2026-02-30' is not a real date",
             f"{note('2026-02-30-call.md')}:2: unknown type 'cal' (did you mean 'call'?)",
             f"{note('2026-02-30-call.md')}:3: unknown sentiment 'happy'",
             f"{note('2026-02-30-call.md')}:6: due date '2026-02-30' is not a real date")),
    # A due date out of range is a warning like any unusable due date: the promise stays, undated.
    Hostile("due-9999", {CALL: NOTE.replace("2026-12-01", "9999-12-31")},
            (f"{CALL}:7: due date '9999-12-31' is not a real date from 1900-01-01 to 2999-12-31",), code=0),
    Hostile("as-of-9999", {"playbook.yaml": PLAYBOOK_YAML.replace("2026-11-20", "9999-06-01")},
            (f"playbook.yaml:1: 'as_of: 9999-06-01' {OUT_OF_RANGE}",)),
    Hostile("single-thread-days-huge", {"playbook.yaml": PLAYBOOK_YAML + "thresholds:\n  single_thread_days: 99999999\n"},
            ("playbook.yaml:12: threshold 'single_thread_days' should be at most 36,500 days, not 99999999",)),
    Hostile("growth-window-huge", {"playbook.yaml": PLAYBOOK_YAML + "thresholds:\n  growth_window_days: 4000000\n"},
            ("playbook.yaml:12: threshold 'growth_window_days' should be at most 36,500 days, not 4000000",)),
    Hostile("multiple-huge", {"playbook.yaml": PLAYBOOK_YAML + "thresholds:\n  dormant_cadence_multiple: 1e300\n"},
            ("playbook.yaml:12: threshold 'dormant_cadence_multiple' should be at most 1,000 times the cadence",)),
    # Over 4,300 digits Python refuses to read a number: a traceback, which ended `serve` (a probe).
    Hostile("cadence-of-5000-digits", customer("tier: key", "tier: key\ncadence: " + "9" * 5000 + "d"),
            (f"{ACME_YAML}:5: 'cadence: 99999999999999999999…' is a number of 5,000 digits; a cadence can be at "
             "most 3650 days (10 years)",)),
    Hostile("renewal-lead-of-5000-digits", customer("tier: key", "tier: key\nrenewal: 2027-03-01\nrenewal_lead: "
                                                    + "9" * 5000),
            (f"{ACME_YAML}:6: 'renewal_lead: 99999999999999999999…' is a number of 5,000 digits",)),
    Hostile("tier-cadence-of-5000-digits", {"playbook.yaml": PLAYBOOK_YAML.replace("key: 14d", "key: " + "1" * 5000)},
            ("playbook.yaml:10: 'tiers.key: 11111111111111111111…' is a number of 5,000 digits",)),
    Hostile("value-of-5000-digits", customer("tier: key", "tier: key\nvalue: " + "9" * 5000),
            (f"{ACME_YAML}:5: 'value'",)),
    Hostile("growth-multiple-huge", {"playbook.yaml": PLAYBOOK_YAML + "thresholds:\n  growth_touches_multiple: 5000\n"},
            ("playbook.yaml:12: threshold 'growth_touches_multiple' should be at most 1,000 times, not 5000",)),
    # The bounds themselves are fine: every date at the first or last day, every threshold at its most.
    Hostile("everything-at-the-bounds", {
        "playbook.yaml": PLAYBOOK_YAML.replace("2026-11-20", "2999-12-31") + "thresholds:\n" + "".join(
            f"  {k}: 36500\n" for k in ("dormant_days", "negative_window_days", "overdue_days", "establishing_days",
                                       "growth_window_days", "renewal_days", "personal_days", "repair_days",
                                       "single_thread_days"))
        + "  dormant_cadence_multiple: 1000\n  silence_cadence_multiple: 1000\n  growth_touches_multiple: 1000\n"
        "plays:\n"
          "  - name: far\n    when: {days_since_contact: 100000}\n    do: Call\n    within: 3650\n",
        ACME_YAML: CUSTOMER_YAML.replace("since: 2025-01-10", "since: 1900-01-01\nrenewal: 2999-12-31\ncadence: 10y")
        .replace("role: CFO", "role: CFO\n    birthday: 1900-02-28\n    primary: true"),
        CALL: NOTE.replace("2026-12-01", "2999-12-31"),
        note("1900-01-01-call.md"): NOTE.replace("2026-12-01", "1900-01-01").replace("with: Maria", "with: Ben"),
        note("2999-12-31-call.md"): NOTE.replace("- [ ]", "- [x]"),
    }, code=0),
    Hostile("as-of-the-first-day", {note("1900-01-01-call.md"): NOTE}, code=0, args=("--as-of", "1900-01-01")),
    Hostile("as-of-the-last-day", {}, code=0, args=("--as-of", "2999-12-31")),
]

USAGE = [
    Hostile("cli-as-of-year-1", {}, ("playbook check: error: argument --as-of: '0001-01-01' is out of range",),
            code=2, args=("--as-of", "0001-01-01")),
    Hostile("cli-as-of-9999", {}, ("playbook check: error: argument --as-of: '9999-12-31' is out of range",),
            code=2, args=("--as-of", "9999-12-31")),
]


@pytest.mark.parametrize("case", EDGES, ids=lambda c: c.id)
def test_values_at_the_edge(tmp_path: Path, case: Hostile) -> None:
    run_case(tmp_path, case)


@pytest.mark.parametrize("case", USAGE, ids=lambda c: c.id)
def test_usage_problems_exit_2(tmp_path: Path, case: Hostile) -> None:
    root = lay_out(tmp_path, case)
    for command in ("check", "build"):
        code, printed = run([command, *case.args], root, case.blocks)
        assert code == 2, printed
        assert_reports(printed, tuple(w.replace("playbook check:", f"playbook {command}:") for w in case.expect))


# -- reads outside the playbook: only regular files inside it are read ----------------------------

SECRET = "s3cret-in-the-environment"


def link(target: str, at: str) -> Callable[[Path], None]:
    """Make `at` (in the playbook) a link to `target`: absolute, or relative to the playbook."""
    def make(root: Path) -> None:
        path = root / at
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target if target.startswith("/") else root / target)
    return make


def fifo(at: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / at
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        os.mkfifo(path)
    return make


def device(at: str) -> Callable[[Path], None]:
    """A character device like /dev/zero inside the playbook (root only: else the row is skipped)."""
    def make(root: Path) -> None:
        path = root / at
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))
        except PermissionError:
            pytest.skip("making a device needs root")
    return make


def outside(tmp: str, files: Mapping[str, str]) -> Callable[[Path], None]:
    """Write `files` in a folder next to the playbook, for links to point at."""
    def make(root: Path) -> None:
        write_playbook(root.parent / tmp, files)
    return make


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        for step in steps:
            step(root)
    return make


LEADS_OUT = "this link points outside the playbook folder, and Playbook reads only what is inside it"
SKIPPED = "points outside the playbook folder; skipped"
LOOP = "this link leads back to itself (a symbolic link loop)"
FIFO = "this is a FIFO (named pipe), not a file; Playbook reads only regular files"
DEVICE = "this is a device, not a file; Playbook reads only regular files"
NOTE2 = note("2026-11-02-x.md")
READS = [
    Hostile("playbook-yaml-links-to-etc-passwd", {}, (f"playbook.yaml:1: {LEADS_OUT}",),
            setup=link("/etc/passwd", "playbook.yaml"), forbid=("root:",)),
    Hostile("template-links-to-proc-environ", {}, (f"templates/base.html:1: {LEADS_OUT}",),
            setup=link("/proc/self/environ", "templates/base.html"), forbid=(SECRET,)),
    Hostile("partial-links-outside", {}, (f"templates/partials/macros.html:1: {LEADS_OUT}",),
            setup=both(outside("out", {"m.html": SECRET}), link("../out/m.html", "templates/partials/macros.html")),
            forbid=(SECRET,)),
    Hostile("templates-folder-links-outside", {}, (f"templates/base.html:1: {LEADS_OUT}",),
            setup=both(outside("out", {"base.html": SECRET}), link("../out", "templates")), forbid=(SECRET,)),
    Hostile("asset-links-to-dev-zero", {}, (f"templates/assets/x.css:1: {SKIPPED}",), code=0,
            setup=link("/dev/zero", "templates/assets/x.css"), blocks=True),
    Hostile("asset-links-outside", {}, (f"templates/assets/leak.txt:1: {SKIPPED}",), code=0,
            setup=both(outside("out", {"leak.txt": SECRET}), link("../out/leak.txt", "templates/assets/leak.txt")),
            forbid=(SECRET,)),
    Hostile("template-folder-links-to-the-root-folder", {}, code=0, setup=link("/", "templates/everything"),
            blocks=True),
    Hostile("note-links-outside", {}, (f"{NOTE2}:1: {SKIPPED}",), code=0,
            setup=both(outside("out", {"x.md": SECRET}), link("../out/x.md", NOTE2)), forbid=(SECRET,)),
    Hostile("interactions-folder-links-to-etc", {}, (f"{ACME}/interactions:1: {SKIPPED}",), code=0,
            setup=both(lambda root: (root / CALL).unlink(), lambda root: (root / ACME / "interactions").rmdir(),
                       link("/etc", f"{ACME}/interactions")), forbid=("passwd",)),
    Hostile("content-links-outside", {}, (f"content/customers:1: {LEADS_OUT}",),
            setup=both(outside("out", {"customers/evil/customer.yaml": f"name: {SECRET}\n"}),
                       lambda root: __import__("shutil").rmtree(root / "content"), link("../out", "content")),
            forbid=(SECRET, "evil")),
    # FIFOs and devices: opening a FIFO waits for a writer, /dev/zero never ends.
    Hostile("fifo-note", {}, (f"{NOTE2}:1: {FIFO}",), setup=fifo(NOTE2), blocks=True),
    Hostile("fifo-customer-yaml", {}, (f"{ACME_YAML}:1: {FIFO}",), setup=fifo(ACME_YAML), blocks=True),
    Hostile("fifo-playbook-yaml", {}, (f"playbook.yaml:1: {FIFO}",), setup=fifo("playbook.yaml"), blocks=True),
    Hostile("fifo-template", {}, (f"templates/base.html:1: {FIFO}",), setup=fifo("templates/base.html"),
            blocks=True),
    Hostile("fifo-asset", {}, (f"templates/assets/y.css:1: {FIFO}",), setup=fifo("templates/assets/y.css"),
            blocks=True),
    Hostile("fifo-among-customers", {}, ("content/customers/pipe:1: stray file among customer folders",),
            code=0, setup=fifo("content/customers/pipe"), blocks=True),
    Hostile("fifo-as-interactions", {}, (f"{ACME}/interactions:1: 'interactions' should be a folder",), code=0,
            setup=both(lambda root: (root / CALL).unlink(), lambda root: (root / ACME / "interactions").rmdir(),
                       fifo(f"{ACME}/interactions")), blocks=True),
    Hostile("device-note", {}, (f"{NOTE2}:1: {DEVICE}",), setup=device(NOTE2), blocks=True),
    Hostile("device-asset", {}, (f"templates/assets/z.css:1: {DEVICE}",), setup=device("templates/assets/z.css"),
            blocks=True),
    # Links that loop or lead nowhere.
    Hostile("note-links-to-itself", {}, (f"{NOTE2}:1: {LOOP}",), setup=link(NOTE2, NOTE2)),
    Hostile("customer-folder-links-to-itself", {}, (f"content/customers/loop:1: {LOOP}",),
            setup=link("content/customers/loop", "content/customers/loop")),
    Hostile("customer-yaml-links-to-itself", {}, (f"{ACME_YAML}:1: {LOOP}",), setup=link(ACME_YAML, ACME_YAML)),
    Hostile("interactions-links-to-itself", {}, (f"{ACME}/interactions:1: {LOOP}",),
            setup=both(lambda root: (root / CALL).unlink(), lambda root: (root / ACME / "interactions").rmdir(),
                       link(f"{ACME}/interactions", f"{ACME}/interactions"))),
    Hostile("playbook-yaml-links-to-itself", {}, (f"playbook.yaml:1: {LOOP}",),
            setup=link("playbook.yaml", "playbook.yaml")),
    Hostile("templates-links-to-itself", {}, (f"templates:1: {LOOP}",), setup=link("templates", "templates")),
    Hostile("asset-links-to-itself", {}, (f"templates/assets/a.css:1: {LOOP}",),
            setup=link("templates/assets/a.css", "templates/assets/a.css")),
    Hostile("note-link-to-nothing", {}, (f"{NOTE2}:1: this link leads to a file that does not exist",),
            setup=link("content/gone.md", NOTE2)),
]


@pytest.mark.parametrize("case", READS, ids=lambda c: c.id)
def test_only_regular_files_inside_the_playbook_are_read(tmp_path: Path, case: Hostile, monkeypatch) -> None:
    monkeypatch.setenv("PLAYBOOK_TEST_SECRET", SECRET)  # what /proc/self/environ would show
    run_case(tmp_path, case)


def test_a_template_cannot_include_a_file_outside_its_folders(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("include", {"templates/base.html": '{% include "../../../../etc/passwd" %}'}))
    code, printed = run(["build"], root, False)
    assert code == 1 and "templates/base.html" in printed and "root:" not in printed, printed


# -- unreadable files and folders -----------------------------------------------------------------

NOBODY = 65534


def as_someone_else(args: list[str], root: Path) -> tuple[int, str]:
    """Run `playbook ARGS` as a user the permissions apply to: root ignores them, so as root
    the command runs in a forked child that drops to 'nobody' (modules are imported already:
    nobody may not read this Python's files); otherwise in-process."""
    if os.geteuid() != 0:
        return run(args, root, False)
    warm = root.parent / "warm"  # every module a run imports, imported while root can read them
    if not warm.exists():
        warm_root = lay_out(warm, Hostile("warm", {"templates/base.html": "{% block main %}{% endblock %}\n"}))
        for command in (["check"], ["build", "--no-cache"], ["check", "--format", "github"]):
            run_cli(command, cwd=warm_root)
    for folder, dirs, files in os.walk(root.parent):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, NOBODY, NOBODY)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            code, out, err = run_cli(args, cwd=root)
            result = (code, out + err)
        except BaseException as exc:  # noqa: BLE001 - anything the child meets is the test's failure
            result = (99, f"Traceback: {exc!r}")
        os.write(write_end, pickle.dumps(result))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


CANNOT_READ = "cannot read this file: permission denied"
CANNOT_LIST = "cannot list this folder: permission denied"
UNREADABLE = [
    # id, path made unreadable, its mode, the line check and build print
    ("interactions", f"{ACME}/interactions", 0, f"{ACME}/interactions:1: {CANNOT_LIST}"),
    ("customer-folder", ACME, 0, f"{ACME}:1: {CANNOT_LIST}"),
    ("customer-folder-not-searchable", ACME, 0o644, f"{ACME_YAML}:1: cannot reach this file: permission denied"),
    ("customers", "content/customers", 0, f"content/customers:1: {CANNOT_LIST}"),
    ("content", "content", 0, "content/customers:1: cannot reach this folder: permission denied"),
    ("playbook-yaml", "playbook.yaml", 0, f"playbook.yaml:1: {CANNOT_READ}"),
    ("customer-yaml", ACME_YAML, 0, f"{ACME_YAML}:1: {CANNOT_READ}"),
    ("note", CALL, 0, f"{CALL}:1: {CANNOT_READ}"),
    ("template", "templates/base.html", 0, f"templates/base.html:1: {CANNOT_READ}"),
    ("asset", "templates/assets/a.css", 0, f"templates/assets/a.css:1: {CANNOT_READ}"),
]


@pytest.mark.parametrize("what, mode, expect", [r[1:] for r in UNREADABLE], ids=[r[0] for r in UNREADABLE])
def test_unreadable_files_and_folders_are_problems(tmp_path: Path, what: str, mode: int, expect: str) -> None:
    files = {"templates/base.html": "{% block main %}{% endblock %}\n", "templates/assets/a.css": "a {}\n"}
    # Not under pytest's own folder, which only its owner may enter.
    import tempfile
    top = Path(tempfile.mkdtemp(dir=tmp_path.anchor + "tmp" if os.path.isdir("/tmp") else None))
    try:
        top.chmod(0o755)
        root = lay_out(top, Hostile("unreadable", {k: v for k, v in files.items() if k == what}))
        (root / what).chmod(mode)
        for command in (["check"], ["build", "--no-cache"]):
            code, printed = as_someone_else(command, root)
            assert code == 1, printed
            assert_reports(printed, (expect,))
    finally:
        for folder, dirs, _ in os.walk(top):
            for d in dirs:
                os.chmod(os.path.join(folder, d), 0o755)
        __import__("shutil").rmtree(top, ignore_errors=True)


# -- inputs that hung: every input costs time about linear in its size --------------------------

def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# Each ran for half a minute or more at 400 KB when the search text was cut out by patterns
# (issue 12). It is now the note's parse, linear: a note at the size limit is parsed in about
# a second at worst (image openers), and the search text costs nothing more. Each is a unit
# repeated, then a tail: (name, unit, times, tail).
SLOW_TEXT = [
    ("search-link-openers", "[a](", 25_000, ""),
    ("search-image-openers", "![a](", 20_000, ""),
    ("search-brackets-then-a-reference", "[", 99_990, "][x]"),
    ("search-autolink-openers", "<http:", 16_000, ""),
    ("search-nested-parentheses", "[a](b(", 16_000, ""),
]


def best(fn: Callable[[], object], runs: int) -> float:
    return min(seconds(fn) for _ in range(runs))


@pytest.mark.parametrize("unit,times,tail", [t[1:] for t in SLOW_TEXT], ids=[t[0] for t in SLOW_TEXT])
def test_the_search_text_of_a_hostile_note_is_linear(unit: str, times: int, tail: str) -> None:
    """At the note's size limit, under a second, or else no more than twice what a linear
    parse would take over the same text cut to a quarter, timed in the same run (best of a
    few each): a machine busy with other work slows both (CI once took 3.6 s here beside a
    benchmark), and a quadratic parse takes sixteen times its quarter's time, not four."""
    from playbook.limits import MAX_NOTE_BYTES
    from playbook.outputs.search import plain
    text = unit * times + tail
    assert len(text.encode()) <= MAX_NOTE_BYTES
    whole = best(lambda: plain(text), 2)
    if whole >= 1:
        quarter = best(lambda: plain(unit * (times // 4) + tail), 3)
        assert whole < 8 * quarter, f"{whole:.2f} s for the note, {quarter:.2f} s for its quarter"


def test_a_cadence_padded_with_spaces_is_linear() -> None:
    from playbook.fields import parse_cadence
    from playbook.yamlio import Scalar
    problems: list = []
    # The old pattern backtracked between two runs of spaces: 40,000 took 16 s.
    took = seconds(lambda: parse_cadence(Scalar("1" + " " * 400_000 + "x", 2, 10, False), "c.yaml", problems,
                                         "cadence"))
    assert took < 1 and len(problems) == 1


WORST_NOTE = "![" * 49_000  # markdown-it-py's slowest input we know, just under the note limit
HANGS = [
    Hostile("task-line-of-spaces", {NOTE2: "- [ ] " + " " * 40_000 + "x (due 2026-12-01)\n"}, code=0, blocks=True),
    Hostile("note-of-link-openers", {NOTE2: "[a](" * 24_000}, code=0, blocks=True),
    Hostile("note-of-image-openers", {NOTE2: WORST_NOTE}, code=0, blocks=True),
    Hostile("note-over-the-limit", {NOTE2: "[a](" * 100_000},
            (f"{NOTE2}:1: this file is 400,000 bytes; Playbook reads notes up to 100,000 bytes",), blocks=True),
    Hostile("cadence-of-spaces", customer("tier: key", 'tier: key\ncadence: "1' + " " * 40_000 + 'x"'),
            (f"{ACME_YAML}:5: 'cadence' should be a number of days",), blocks=True),
    Hostile("thousands-of-open-promises", {
        note(f"2026-10-{d:02d}-call.md"): "---\ntype: call\nwith: Maria\n---\nNotes.\n\n" + "".join(
            f"- [ ] Send {w}{d}x{k} {w}{k}y{d} item (due 2026-12-01)\n" for k in range(200)
            for w in ("quote",))
        for d in range(1, 21)}, code=0, blocks=True),
    # customer.yaml's notes are Markdown too: 300 KB of '![' took 10 s to render, 2 MB a minute.
    Hostile("customer-notes-of-image-openers", customer("tier: key", 'tier: key\nnotes: "' + "![" * 150_000 + '"'),
            (f"{ACME_YAML}:5: the notes in this file come to 300,000 bytes; Playbook renders up to 100,000",),
            blocks=True),
    # Each owner and tag gets a page listing its customers: the site grew with the list's square.
    Hostile("many-owners", customer("owner: maya", "owners: [" + ", ".join(f"o{k}" for k in range(100_000)) + "]"),
            (f"{ACME_YAML}:2: a customer can have at most 25 owners; this one has 100,000",), blocks=True),
    Hostile("many-tags", customer("tier: key", "tier: key\ntags: [" + ", ".join(f"t{k}" for k in range(100_000)) + "]"),
            (f"{ACME_YAML}:5: a customer can have at most 50 tags; this one has 100,000",), blocks=True),
]


@pytest.mark.parametrize("case", HANGS, ids=lambda c: c.id)
def test_inputs_that_hung(tmp_path: Path, case: Hostile) -> None:
    run_case(tmp_path, case)


def test_a_customer_with_25000_contacts_is_no_alias_bomb_and_builds(tmp_path: Path) -> None:
    contacts = "".join(f"  - name: Person{k} Last{k}\n    role: R{k}\n" for k in range(25_000))
    notes = {note(f"2026-10-{k % 28 + 1:02d}-n{k}.md"): f"---\ntype: call\nwith: [Person{k}]\n---\nCalled.\n"
             for k in range(100)}
    case = Hostile("contacts", {ACME_YAML: "name: Acme\nowner: maya\nsince: 2025-01-10\ncontacts:\n" + contacts,
                                **notes}, code=0, blocks=True)
    assert len(case.files[ACME_YAML].splitlines()) > 50_000
    run_case(tmp_path, case)  # 16 s for check and over a minute for build before (pairwise name matching)


def test_16000_contacts_with_birthdays_build_in_linear_time(tmp_path: Path) -> None:
    """Each contact's line on the People list scanned all the key dates, and the greetings were
    each compared with all the others: 16,000 contacts with birthdays in November took 55 s
    (4,000: 3.3 s; a fuzzing session), now about 5 s."""
    contacts = "".join(f"  - name: Person{k} Name{k}\n    birthday: 11-{k % 28 + 1:02d}\n" for k in range(16_000))
    # As the session had it: a promise late on the day (the greetings wait on it) and a call
    # with Maria on the 2nd.
    late = ("---\ndate: 2026-11-02\ntype: call\nwith: [Maria Lopez]\nby: maya\nsentiment: positive\n---\n"
            "Walked Maria through the renewal.\n\n- [ ] Send the renewal quote (due 2026-11-16)\n")
    case = Hostile("birthdays", {ACME_YAML: CUSTOMER_YAML + contacts, note("2026-11-02-call.md"): late},
                   code=0, blocks=True)
    run_case(tmp_path, case)


def test_an_alias_bomb_is_still_refused(tmp_path: Path) -> None:
    bomb = 'name: Acme\na: &a ["x","x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))
    run_case(tmp_path, Hostile("bomb", {ACME_YAML: bomb}, (f"{ACME_YAML}:1: this YAML expands to more than 50,000 "
                                                           "values through aliases",)))


EMPTY_CONTACT = [
    Hostile("contact-with-no-name-and-a-note-naming-another",
            customer("  - name: Ben Ortiz", "  - ''\n  - name: Nadia Kim"),
            (f"{ACME_YAML}:8: a contact with no name",)),
]


@pytest.mark.parametrize("case", EMPTY_CONTACT, ids=lambda c: c.id)
def test_an_empty_contact(tmp_path: Path, case: Hostile) -> None:
    run_case(tmp_path, Hostile(case.id, {**case.files, NOTE2: "---\ntype: call\nwith: Nadia\n---\nHi.\n"}, case.expect))


# -- the machine, not the content: exit 2 with 'playbook: …', the previous site untouched -------

def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A playbook built once into site/: (root, site, the site's files)."""
    root = lay_out(tmp_path, Hostile("env", {}))
    code, printed = run(["build", "--no-cache"], root, False)
    assert code == 0, printed
    return root, root / "site", tree(root / "site")


def test_out_below_a_file(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("env", {}))
    code, printed = run(["build", "--out", "playbook.yaml/site"], root, False)
    assert code == 2 and "Traceback" not in printed
    assert printed.startswith("playbook: ") and "playbook.yaml: a file is in the way where a folder is needed" in printed


def test_a_full_disk(tmp_path: Path, monkeypatch) -> None:
    import errno
    from playbook import write
    root, site, before = built(tmp_path)
    (root / NOTE2).write_text(NOTE, "utf-8")

    def full(target, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(write, "_dump", full)
    code, printed = run(["build", "--no-cache"], root, False)
    assert (code, printed.splitlines()[-1]) == (2, "playbook: the disk is full; free some space and run it again")
    assert tree(site) == before


def test_a_real_full_disk(tmp_path: Path) -> None:
    """The same on a 200 KB tmpfs, where this machine lets us mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        root = lay_out(tmp_path, Hostile("env", {}))
        code, printed = run(["build", "--no-cache", "--out", str(disk / "site")], root, True)
        assert code == 2 and printed.startswith("playbook: the disk is full"), printed
        assert os.listdir(disk) == []  # the half-written site was removed
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_an_output_folder_that_is_a_mount_point(tmp_path: Path, monkeypatch) -> None:
    import errno
    root, site, before = built(tmp_path)
    real_replace = os.replace

    def busy(src, dst, *a, **k):
        if Path(src) == site:  # renaming a mount point: EBUSY
            raise OSError(errno.EBUSY, "Device or resource busy", str(src))
        return real_replace(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", busy)
    code, printed = run(["build", "--no-cache"], root, False)
    assert code == 2 and printed.splitlines()[-1] == (
        f"playbook: cannot replace {site}: it is a mount point or on another disk; build into a folder inside "
        f"it, such as --out {site}/site")
    assert tree(site) == before


def test_a_read_only_parent(tmp_path: Path) -> None:
    import tempfile
    top = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        top.chmod(0o755)
        root = lay_out(top, Hostile("env", {}))
        (root / "ro").mkdir()
        (root / "ro").chmod(0o555)
        code, printed = as_someone_else(["build", "--no-cache", "--out", "ro/site"], root)
        assert code == 2 and "permission denied for" in printed and "Traceback" not in printed, printed
        assert printed.startswith("playbook: ")
    finally:
        (top / "pb" / "ro").chmod(0o755)
        __import__("shutil").rmtree(top, ignore_errors=True)


def test_serve_into_a_folder_with_other_files(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("env", {"mine/keep.txt": "not Playbook's\n"}))
    code, printed = run(["serve", "--out", "mine", "--port", "0"], root, True)
    assert code == 2 and printed.startswith("playbook: ") and "holds files Playbook did not write" in printed
    assert (root / "mine/keep.txt").read_text() == "not Playbook's\n"


def test_arguments_and_input_that_are_not_utf8(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("env", {}))
    before = sorted(os.listdir(root / ACME / "interactions"))
    cmd = [sys.executable, "-m", "playbook", "log", "acme"]
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}
    proc = subprocess.run([*cmd, b"bad \xff"], cwd=root, capture_output=True, timeout=20, env=env)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert proc.stderr.startswith(b"playbook: the text argument 'bad \\xff' is not UTF-8 text"), proc.stderr
    proc = subprocess.run([*cmd, "-"], cwd=root, input=b"bad \xff\n", capture_output=True, timeout=20, env=env)
    assert proc.returncode == 2 and proc.stderr.startswith(b"playbook: standard input is not UTF-8 text"), proc.stderr
    assert sorted(os.listdir(root / ACME / "interactions")) == before  # nothing written


# -- smaller: control characters, line separators, NUL ------------------------------------------

SMALLER = [
    Hostile("nul-in-playbook-yaml", {"playbook.yaml": PLAYBOOK_YAML + "title: a\x00b\n"},
            ("playbook.yaml:11: file contains NUL bytes",)),
    # YAML 1.1 takes U+2028, U+2029 and U+0085 for line breaks: every line number after one moved.
    *(Hostile(f"line-separator-{ord(ch):04x}-in-a-value",
              customer("name: Acme Bakery", f'name: "Acme{ch}Bakery"\nnotes: one{ch}two\nstatus: paused'),
              (f"{ACME_YAML}:3: unknown status 'paused'",)) for ch in "\u2028\u2029\x85"),
    # A file that is no YAML mapping at all is quoted in part, not echoed whole into CI logs.
    Hostile("playbook-yaml-that-is-a-key-file", {"playbook.yaml": "-----BEGIN KEY----- " + "A" * 200 + " SECRET-END\n"},
            ("playbook.yaml:1: playbook.yaml should hold 'key: value' settings, not '-----BEGIN KEY----- AAAA",),
            forbid=("SECRET-END",)),
    Hostile("line-separator-in-front-matter",
            {NOTE2: "---\nsummary: a\u2028b\u2029c\ntype: cal\n---\nHi.\n"}, (f"{NOTE2}:3: unknown type 'cal'",)),
]


@pytest.mark.parametrize("case", SMALLER, ids=lambda c: c.id)
def test_smaller(tmp_path: Path, case: Hostile) -> None:
    run_case(tmp_path, case)
    code, printed = run(["check"], lay_out(tmp_path / "again", case), False)
    assert len(printed.splitlines()) == 2, printed  # one problem, one summary: nothing split in two


FORGED = "\n::error file=forged.md::forged\x1b[31m"


def test_a_newline_in_a_folder_name_or_a_value_forges_no_output_line(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("forge", {
        f"content/customers/evil{FORGED}/customer.yaml": "name: Evil\n",
        ACME_YAML: CUSTOMER_YAML.replace("tier: key", 'tier: "gold\\n::error file=forged.md::forged\\e[31m"'),
    }))
    for fmt in ("plain", "github"):
        code, printed = run(["check", "--format", fmt], root, False)
        lines = printed.splitlines()
        assert code == 1 and len(lines) == 3, printed  # two problems and the summary
        assert not any(line.startswith("::error file=forged.md") for line in lines), printed
        assert "\x1b" not in printed


# -- capture: done edits in place; init --force never writes through a link out ------------------

def test_done_keeps_the_files_owner_mode_and_hard_links(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("done", {}))
    path = root / CALL
    twin = root / "elsewhere.md"
    os.link(path, twin)
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)  # a teammate's file, ticked by root (a CI job, sudo)
    before = os.stat(path)
    code, printed = run(["done", "acme", "quote"], root, False)
    assert code == 0, printed
    after = os.stat(path)
    assert (after.st_ino, after.st_uid, after.st_gid, after.st_mode, after.st_nlink) == (
        before.st_ino, before.st_uid, before.st_gid, before.st_mode, 2)
    assert "- [x] Send the quote (due 2026-12-01)" in twin.read_text("utf-8")


def test_init_force_with_content_linked_outside_creates_nothing(tmp_path: Path) -> None:
    target, elsewhere = tmp_path / "pb", tmp_path / "elsewhere"
    target.mkdir()
    elsewhere.mkdir()
    (target / "content").symlink_to(elsewhere)
    code, printed = run(["init", str(target), "--force"], tmp_path, False)
    assert code == 1 and "leads outside the playbook folder" in printed and "Traceback" not in printed, printed
    assert os.listdir(elsewhere) == [] and os.listdir(target) == ["content"]


def test_data_addresses_are_never_links_nor_images(tmp_path: Path) -> None:
    run_case(tmp_path, Hostile("data", {NOTE2: "[x](data:text/html;base64,PHNjcmlwdD4=) and "
                                               "![y](data:image/png;base64,iVBORw0KGgo=) and [z][r]\n\n"
                                               "[r]: DATA:text/html,hi\n"},
                               code=0, forbid=('href="data:', "href='data:", 'src="data:', 'href="DATA:')))


def test_log_refuses_a_note_the_loader_would_refuse(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("log", {}))
    before = sorted(os.listdir(root / ACME / "interactions"))
    code, printed = run(["log", "acme", "x" * 100_001], root, False)
    assert code == 2 and "Playbook reads notes up to 100,000" in printed, printed
    assert sorted(os.listdir(root / ACME / "interactions")) == before


# -- found by a fuzzing session (6 Dec 2026) -----------------------------------------------------

def bytes_named(rel_folder: str, name: bytes, text: bytes) -> Callable[[Path], None]:
    """A file whose name is not UTF-8 (as a system with another encoding saves one)."""
    def make(root: Path) -> None:
        with open(os.path.join(os.fsencode(root / rel_folder), name), "wb") as f:
            f.write(text)
    return make


FRONT = "---\ndate: 2026-11-02\ntype: call\nwith: Maria\nsentiment: negative\n---\nTalked.\n"
FUZZED = [
    # `owner: [maya, '']` made a page for nobody: the build failed with a KeyError.
    Hostile("an-empty-owner-entry", customer("owner: maya", "owner: [maya, '']"),
            (f"{ACME_YAML}:2: an empty entry in 'owner' is left out",), code=0),
    Hostile("an-empty-tag", customer("tier: key", "tier: key\ntags: [' ', shop]"),
            (f"{ACME_YAML}:5: an empty entry in 'tags' is left out",), code=0),
    # A note named in another encoding: the build failed writing playbook.json.
    Hostile("a-note-name-that-is-not-utf8", {}, (f"{ACME}/interactions/2026-11-05-\\udcff\\udcfe.md: this file name "
                                                 "is not UTF-8 text",),
            setup=bytes_named(f"{ACME}/interactions", b"2026-11-05-\xff\xfe.md", NOTE.encode())),
    # A tag or owner of 251 letters: "File name too long", with no file:line.
    Hostile("a-tag-longer-than-a-file-name", customer("tier: key", "tier: key\ntags: [" + "a" * 251 + "]"), code=0),
    Hostile("an-owner-longer-than-a-file-name", customer("owner: maya", "owner: [maya, " + "m" * 300 + "]"),
            (f"{ACME_YAML}:2: owner '{'m' * 300}' is not a team member",), code=0),
    # Front matter below a blank line, or after a second byte-order mark, was read as text with no word.
    Hostile("front-matter-after-a-blank-line", {NOTE2: "\n" + FRONT},
            (f"{NOTE2}:2: this looks like front matter, but it does not start on the first line",), code=0),
    Hostile("front-matter-after-two-byte-order-marks", {NOTE2: "\ufeff\ufeff".encode() + FRONT.encode()},
            (f"{NOTE2}:1: this looks like front matter, but it does not start on the first line",), code=0),
    Hostile("a-folder-named-like-a-note", {NOTE2.replace(".md", ".md/x.md"): NOTE},
            (f"{NOTE2}: a folder inside interactions/ is not read",), code=0),
    # Control characters by escape reached the pages raw; tags Playbook does not read passed quietly.
    Hostile("control-characters-by-escape", customer("name: Acme Bakery", 'name: "Acme\\x01\\e[31m\\0 Bakery"'),
            code=0, forbid=("\x01", "\x1b", "\x00")),
    Hostile("a-python-tag", customer("tier: key", "tier: key\nnotes: !!python/name:os.system"),
            (f"{ACME_YAML}:5: the tag '!!python/name:os.system' is not read",), code=0),
    Hostile("a-tag-of-its-own", customer("tier: key", "tier: !mine key"),
            (f"{ACME_YAML}:4: the tag '!mine' is not read",), code=0),
    Hostile("a-repo-url-with-a-newline", {"playbook.yaml": PLAYBOOK_YAML + 'repo_url: "https://x.example\\n/x"\n'},
            ("playbook.yaml:11: repo_url should have no spaces or control characters",)),
    # A third session: amounts out of reason passed (1.7e308 read "GBP inf" at risk; a negative
    # one counted as growth), and a newline in a note's name forged a line of `done`'s list.
    Hostile("a-value-beyond-reason", customer("tier: key", "tier: key\nvalue: 1.7e308"),
            (f"{ACME_YAML}:5: 'value' should be an amount from 0 to 1,000,000,000,000",)),
    Hostile("a-negative-value", customer("tier: key", "tier: key\nvalue: -18500"),
            (f"{ACME_YAML}:5: 'value' should be an amount from 0",)),
    Hostile("a-note-name-with-a-newline", {}, (f"{ACME}/interactions/2026-11-03-x\\n::error file=a::pwned.md: this "
                                               "file name holds a control character",),
            setup=bytes_named(f"{ACME}/interactions", b"2026-11-03-x\n::error file=a::pwned.md", NOTE.encode())),
    # A value pasted in by mistake is quoted in part, not repeated whole on one line.
    Hostile("a-huge-unknown-status", customer("tier: key", "tier: key\nstatus: " + "x" * 200_000),
            (f"{ACME_YAML}:5: unknown status",), forbid=("x" * 1_000,)),
]


@pytest.mark.parametrize("case", FUZZED, ids=lambda c: c.id)
def test_what_a_fuzzing_session_found(tmp_path: Path, case: Hostile) -> None:
    run_case(tmp_path, case)


def test_a_template_cannot_reach_the_system(tmp_path: Path) -> None:
    """A team template runs in Jinja's sandbox: `cycler.__init__.__globals__.os.popen(…)` ran
    a command and wrote outside the output folder (a fuzzing session)."""
    made = tmp_path / "made"
    attack = f'{{{{ cycler.__init__.__globals__.os.popen("touch {made}").read() }}}}'
    root = lay_out(tmp_path, Hostile("ssti", {"templates/base.html": attack}))
    code, printed = run(["build", "--no-cache", "--out", str(tmp_path / "site")], root, False)
    assert code == 1 and "Traceback" not in printed, printed
    assert_reports(printed, ("templates/base.html:1: template error while rendering", ))
    assert "is unsafe" in printed and not made.exists() and not (tmp_path / "site").exists()


def test_a_template_that_includes_itself(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("loop", {"templates/404.html": '{% include "404.html" %}'}))
    code, printed = run(["build", "--no-cache", "--out", str(tmp_path / "site")], root, False)
    assert code == 1, printed
    assert_reports(printed, ("templates/404.html: rendering 404.html never ends: a template includes or extends "
                             "itself",))


def test_a_folder_where_a_template_goes(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("folder", {"templates/base.html/x": "x"}))
    for command in (["check"], ["build", "--no-cache", "--out", str(tmp_path / "site")]):
        code, printed = run(command, root, False)
        assert code == 1, printed
        assert_reports(printed, ("templates/base.html: this is a folder, not a file",))


def test_notes_whose_names_slug_alike_keep_their_own_anchors(tmp_path: Path) -> None:
    """"2026-11-03-a b", "…-a-b" and "…-A_B" had one id: every link to them led to the first,
    and the feed's id held a space (a fuzzing session)."""
    names = ("2026-11-03-a b.md", "2026-11-03-a-b.md", "2026-11-03-A_B.md")
    root = lay_out(tmp_path, Hostile("alike", {note(n): f"Note {k}.\n" for k, n in enumerate(names)}))
    site = tmp_path / "site"
    code, printed = run(["build", "--no-cache", "--out", str(site)], root, False)
    assert code == 0, printed
    page = (site / "customers" / "acme" / "index.html").read_text()
    ids = [i for i in __import__("re").findall(r'id="(i-2026-11-03-a-b[^"]*)"', page)]
    assert len(ids) == 3 and len(set(ids)) == 3 and "i-2026-11-03-a-b" in ids, ids
    feed = (site / "feed.atom").read_text()
    assert not any(" " in line.strip() for line in feed.splitlines() if "<id>" in line)


def test_out_inside_the_build_cache(tmp_path: Path) -> None:
    root = lay_out(tmp_path, Hostile("cache", {}))
    for out in (root / ".playbook-cache", root / ".playbook-cache" / "site"):
        code, printed = run(["build", "--out", str(out)], root, False)
        assert code == 2 and "is inside the build cache .playbook-cache" in printed, printed


def test_new_makes_folder_names_a_file_system_takes(tmp_path: Path) -> None:
    """A 5,000-character name made a folder name the file system refused, quoted whole; a
    300-character --slug was taken as valid (a fuzzing session)."""
    root = lay_out(tmp_path, Hostile("new", {}))
    code, out, err = run_cli(["new", "Acme " * 1000], cwd=root)
    assert code == 0, err
    made = [p.name for p in (root / "content/customers").iterdir() if p.name != "acme"]
    assert len(made) == 1 and len(made[0]) <= 80, made
    code, out, err = run_cli(["new", "X", "--slug", "a" * 300], cwd=root)
    assert code == 2 and "use at most 80 lower-case letters" in err and len(err) < 600, err


def test_init_quotes_the_folder_it_suggests_to_cd_into(tmp_path: Path) -> None:
    """A folder named with a terminal's escape codes, or a newline, printed them raw in "Next:
    cd …" and split the command (a fuzzing session)."""
    code, out, err = run_cli(["init", "q\x1b]0;pwn\x07 x\nrm -rf ~"], cwd=tmp_path)
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if ln.startswith("Next: cd "))
    assert "\x1b" not in out and "\x07" not in out
    assert line.startswith("Next: cd 'q\\x1b]0;pwn\\x07 x\\nrm -rf ~' && git init"), line


def test_a_newline_in_a_note_name_forges_no_line_of_done(tmp_path: Path) -> None:
    """`done CUSTOMER` listed a note named "…-x\\n::error file=a::pwned.md" over two lines, the
    second a CI command (a fuzzing session)."""
    root = lay_out(tmp_path, Hostile("done", {}))
    bytes_named(f"{ACME}/interactions", b"2026-11-03-x\n::error file=a::pwned.md", NOTE.encode())(root)
    code, out, err = run_cli(["done", "acme"], cwd=root)
    assert not any(line.lstrip().startswith("::error") for line in (out + err).splitlines()), out + err
