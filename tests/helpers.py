"""Shared helpers for the loader and CLI tests.

`write_playbook` lays out a throw-away playbook from a dict of relative path → content;
`run_cli` calls the real entry point and captures what it prints.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from playbook.cli import main
from playbook.problems import Problem

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
