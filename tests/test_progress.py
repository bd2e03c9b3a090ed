"""Long operations show progress on a terminal and stay quiet in CI, in pipes and with --quiet."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli
from playbook.build import build
from playbook.cli import terminal_progress

ROOT = Path(__file__).resolve().parents[1]


def test_build_reports_its_phases(tmp_path):
    seen: list[str] = []
    report = build(ROOT, tmp_path / "site", use_cache=False, progress=seen.append)
    assert report.ok
    assert seen[0].startswith("Reading and analysing")
    assert seen[-1] == f"Writing the site… {report.files - 1:,} files"


def test_quiet_in_ci_and_pipes(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    shown: list[str] = []
    monkeypatch.setattr("sys.stderr.write", shown.append, raising=False)
    terminal_progress(False)("hello")
    assert shown == []
    code, out, err = run_cli(["build", str(ROOT), "--out", str(tmp_path / "s")])
    assert code == 0 and "\r" not in err and "\r" not in out
