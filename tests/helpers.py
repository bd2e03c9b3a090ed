"""Shared helpers and data for the tests.

`write_playbook` lays out a throw-away playbook from a dict of relative path → content;
`run_cli` calls the real entry point and captures what it prints; `tree` reads a built
site back. Test modules share data through this module (and conftest.py's fixtures),
never by importing each other.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from playbook.cli import main
from playbook.problems import Problem

#: The repository: its example playbook (content/, playbook.yaml), templates and benchmarks.
REPO = Path(__file__).resolve().parents[1]

#: A small valid playbook.yaml most tests can build on.
PLAYBOOK_YAML = """\
as_of: 2026-11-20
team:
  - handle: maya
    name: Maya Okafor
  - handle: tomas
    name: Tomás Reilly
defaults:
  cadence: 30d
  tiers:
    key: 14d
"""

#: A valid customer.yaml with two contacts (one 'Maria', for the first-name shortcut).
CUSTOMER_YAML = """\
name: Acme Bakery
owner: maya
since: 2025-01-10
tier: key
contacts:
  - name: Maria Lopez
    role: CFO
  - name: Ben Ortiz
    role: Head of IT
"""


#: The customer most tests put their files in, and paths inside it.
ACME = "content/customers/acme"
ACME_YAML = f"{ACME}/customer.yaml"


def note(name: str) -> str:
    """Relative path of an interaction file of the acme customer."""
    return f"{ACME}/interactions/{name}"


#: Faults in a customer sorted *after* acme, added to every loader test: if a bad file
#: stopped the loader early, or raised, these would go missing.
SENTINEL_DIR = "content/customers/zeta"
SENTINEL = {
    f"{SENTINEL_DIR}/customer.yaml": "name: Zeta\nstatus: paused\n",
    f"{SENTINEL_DIR}/interactions/2026-01-05-call.md": "---\ntype: cal\n---\nShort call.\n",
}
SENTINEL_PROBLEMS = [
    Problem(f"{SENTINEL_DIR}/customer.yaml", 2, 9, "error",
            "unknown status 'paused'; use one of 'active', 'ended'"),
    Problem(f"{SENTINEL_DIR}/interactions/2026-01-05-call.md", 2, 7, "error",
            "unknown type 'cal' (did you mean 'call'?); use one of 'call', 'meeting', 'email', "
            "'visit', 'message', 'support', 'purchase', 'event', 'note'"),
]


#: A playbook whose every free-text field tries to break out of its format.
HOSTILE_PLAYBOOK = """\
title: Hostile <b>&</b> "Co"
as_of: 2026-11-20
team:
  - handle: maya
    name: Maya, "the; boss" \\ Okafor
"""
HOSTILE_CUSTOMER = """\
name: "Evil <script>alert(1)</script> & Sons; Ltd, \\\\ Co"
owner: maya
since: 2020-11-25
tier: key
tags: [x]
renewal: 2027-01-10
notes: |
  <script>window.__pwned=1</script> and ]]> and &amp; and more.
contacts:
  - name: "Zoë Ångström-Łukasiewicz 東京 <img src=x onerror=alert(1)>"
    role: CFO
    birthday: "11-30"
    notes: "<script>window.__pwned=1</script>"
"""
HOSTILE_NOTE = """\
---
date: 2026-11-10
type: call
with: "Zoë Ångström-Łukasiewicz 東京 <img src=x onerror=alert(1)>"
by: maya
summary: "Summary with <b>bold</b>, semi; colon\\\\ and ]]> end"
---
<script>window.__pwned=1</script>

<img src=x onerror="window.__pwned=1">

[click](javascript:window.__pwned=1) control \x01\x1b char

- [ ] Send the <script>quote</script>, please; now \\ (due 2026-11-25)
"""
HOSTILE_FILES = {
    "playbook.yaml": HOSTILE_PLAYBOOK,
    "content/customers/evil/customer.yaml": HOSTILE_CUSTOMER,
    "content/customers/evil/interactions/2026-11-10-call.md": HOSTILE_NOTE,
    # after as_of: never in the feed or the index
    "content/customers/evil/interactions/2026-12-01-future.md": "---\ntype: note\n---\nFuture secret.\n",
}


def write_playbook(tmp_path: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `files` (relative path → text or bytes) under `tmp_path` and return the root.

    Text is written exactly as given (no newline translation), so tests control CRLF,
    BOMs and trailing newlines; bytes are written verbatim.
    """
    root = Path(tmp_path)
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    return root


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    # contextlib.chdir is Python 3.11+; the package supports 3.10.
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(args: Sequence[str], cwd: Path | str | None = None) -> tuple[int, str, str]:
    """Run `playbook.cli.main(args)` and return (exit code, stdout, stderr).

    With `cwd`, the command runs from that folder (and the previous one is restored).
    """
    out, err = io.StringIO(), io.StringIO()
    chdir = _chdir(Path(cwd)) if cwd is not None else contextlib.nullcontext()
    with chdir, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # main() should not exit, but never let it end the test run
            code = exc.code if isinstance(exc.code, int) else 1
    return int(code), out.getvalue(), err.getvalue()


def only(problems: Sequence[Problem], path: str | None = None, severity: str | None = None) -> list[Problem]:
    """The problems for one file and/or severity."""
    return [p for p in problems
            if (path is None or p.path == path) and (severity is None or p.severity == severity)]


def one(problems: Sequence[Problem], path: str | None = None, contains: str = "",
        severity: str | None = None) -> Problem:
    """The single problem matching; fails listing every problem otherwise."""
    found = [p for p in only(problems, path, severity) if contains in p.message]
    assert len(found) == 1, (
        f"expected exactly one problem in {path!r} containing {contains!r}, found {len(found)}:\n"
        + "\n".join(map(str, problems))
    )
    return found[0]


def tree(out: Path) -> dict[str, bytes]:
    """Every file under `out` (a built site) by its relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def shape(out: Path) -> list[str]:
    """Every folder and link under `out`, never followed (what `tree` does not show: an empty
    folder, a link to a file or folder), as 'd path' and 'l path'."""
    found = []
    for folder, dirs, files in os.walk(out):
        for name in [*dirs, *files]:
            p = Path(folder, name)
            if p.is_symlink():
                found.append(f"l {p.relative_to(out).as_posix()}")
            elif p.is_dir():
                found.append(f"d {p.relative_to(out).as_posix()}")
    return sorted(found)
