"""Long operations show progress on a terminal and stay quiet in CI, in pipes and with --quiet."""

from __future__ import annotations

import io
import re
import sys

from helpers import run_cli
from playbook.build import build
from playbook.cli import terminal_progress


class Terminal(io.StringIO):
    """stderr as an interactive terminal."""

    def isatty(self) -> bool:
        return True


def test_build_reports_its_phases(example_root, tmp_path):
    seen: list[str] = []
    report = build(example_root, tmp_path / "site", use_cache=False, progress=seen.append)
    assert report.ok
    assert seen[0].startswith("Reading and analysing")
    assert seen[-1] == f"Writing the site… {report.files - 1:,} files"


def test_progress_shows_on_a_terminal_only(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    terminal_progress(False)("Reading and analysing…")
    assert term.getvalue() == "\r\033[KReading and analysing…"  # one line, rewritten in place
    terminal_progress(True)("quiet")
    monkeypatch.setenv("CI", "true")
    terminal_progress(False)("in CI")
    assert term.getvalue() == "\r\033[KReading and analysing…"
    monkeypatch.delenv("CI")
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    terminal_progress(False)("in a pipe")
    assert pipe.getvalue() == ""


def test_a_build_in_ci_prints_only_its_result(example_root, tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    out_dir = tmp_path / "s"
    code, out, err = run_cli(["build", str(example_root), "--out", str(out_dir), "--no-cache"])
    assert (code, err) == (0, "")
    written = sum(1 for p in out_dir.rglob("*") if p.is_file())
    assert re.fullmatch(rf"Built 15 customers, {written} files in \d+\.\d\ds as of 2026-11-20\.\n"
                        rf"Open {re.escape((out_dir / 'index.html').as_uri())}\n", out), out
