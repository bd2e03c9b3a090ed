"""Hostile and careless inputs (issue 12), one row each, as Zola's `site/tests/invalid.rs` does:
what a contributor can put in a playbook must give `path:line` problems, never a traceback,
a hang, or a read outside the playbook.

Each row lays out a small valid playbook, adds or changes files (and may make links,
FIFOs or modes with `setup`), then runs the real `check` and `build` in-process: both must
agree on the exit code and print the expected problem lines, and nothing may print a
traceback. Rows whose input could block run in a subprocess with a timeout instead.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pytest

from helpers import ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, note, run_cli, write_playbook

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
                          timeout=20)
    return proc.returncode, proc.stdout + proc.stderr


def assert_reports(printed: str, expect: tuple[str, ...]) -> None:
    assert "Traceback" not in printed, printed
    for want in expect:
        where, _, words = want.partition(": ")
        hits = [ln for ln in printed.splitlines() if ln.startswith(f"{where}:") and words in ln]
        assert hits, f"expected a line at {where} saying {words!r}; got:\n{printed}"


def run_case(tmp_path: Path, case: Hostile) -> None:
    root = lay_out(tmp_path, case)
    for command in (["check"], ["build", "--no-cache", "--out", str(tmp_path / "site")]):
        code, printed = run([*command, *case.args], root, case.blocks)
        assert code == case.code, f"{command[0]} exited {code}:\n{printed}"
        assert_reports(printed, case.expect + (case.build_only if command[0] == "build" else ()))


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
    # The bounds themselves are fine: every date at the first or last day, every threshold at its most.
    Hostile("everything-at-the-bounds", {
        "playbook.yaml": PLAYBOOK_YAML.replace("2026-11-20", "2999-12-31") + "thresholds:\n" + "".join(
            f"  {k}: 36500\n" for k in ("dormant_days", "negative_window_days", "overdue_days", "establishing_days",
                                       "growth_window_days", "renewal_days", "personal_days", "repair_days",
                                       "single_thread_days"))
        + "  dormant_cadence_multiple: 1000\n  silence_cadence_multiple: 1000\nplays:\n"
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
