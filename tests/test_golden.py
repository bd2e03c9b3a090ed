"""The golden example site: a few representative files of the example playbook, byte for byte.

The repository's own example (content/ and playbook.yaml, which pins as_of) is built cold
into a temporary folder and each file named in GOLDEN_FILES is compared with its copy
under tests/golden/site/. After a deliberate change to what the site says, refresh them
and review the diff before committing:

    PLAYBOOK_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

The example is built from a copy outside the repository (conftest.py's `example_site`):
in the work tree the customer pages would carry this repository's git history ("Files
last changed (git) … by …"), which changes with every commit to content/.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from helpers import REPO

GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
UPDATE = os.environ.get("PLAYBOOK_UPDATE_GOLDEN") == "1"
REFRESH_COMMAND = "PLAYBOOK_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"

#: One of each kind of page and every output whose exact bytes other tools read.
GOLDEN_FILES = (
    "index.html",
    "customers/northgate-logistics/index.html",
    "customers/northgate-logistics/brief.html",
    "actions.html",
    "stages/at-risk.html",
    "feed.atom",
    "playbook.json",
    "calendar/team.ics",
)

#: How much of a mismatch the failure shows: enough to see the change, not the whole page.
DIFF_LINES = 40
LINE_CHARS = 200


@pytest.fixture(scope="module")
def built(example_site: Path) -> Path:
    return example_site


def short_diff(want: bytes, got: bytes, name: str) -> str:
    """A unified diff of the two texts, cut to DIFF_LINES lines of at most LINE_CHARS."""
    diff = list(difflib.unified_diff(
        want.decode("utf-8", "replace").splitlines(), got.decode("utf-8", "replace").splitlines(),
        f"golden/{name}", f"built/{name}", n=2, lineterm=""))
    shown = [line if len(line) <= LINE_CHARS else line[:LINE_CHARS] + "…" for line in diff[:DIFF_LINES]]
    if len(diff) > DIFF_LINES:
        shown.append(f"… and {len(diff) - DIFF_LINES} more diff lines")
    if not diff:  # same lines, different bytes: line endings or a final newline
        shown.append(f"same lines, different bytes ({len(want)} golden, {len(got)} built): line endings?")
    return "\n".join(shown)


@pytest.mark.parametrize("rel", GOLDEN_FILES)
def test_built_file_matches_its_golden(built: Path, rel: str):
    got = (built / rel).read_bytes()
    golden = GOLDEN / rel
    if UPDATE:
        if not golden.is_file() or golden.read_bytes() != got:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(got)
        return
    if not golden.is_file():
        pytest.fail(f"no golden file {golden.relative_to(REPO)}; create it with: {REFRESH_COMMAND}",
                    pytrace=False)
    want = golden.read_bytes()
    if got != want:
        pytest.fail(f"{rel} differs from its golden file:\n{short_diff(want, got, rel)}\n\n"
                    f"If the change is intended: {REFRESH_COMMAND}, then review the diff.", pytrace=False)


def test_every_golden_file_is_still_built_and_compared(built: Path):
    """No orphan goldens: each file under tests/golden/site/ is named in GOLDEN_FILES (so it
    is compared) and the build still writes it. Refreshing deletes files no longer named."""
    stored = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())
    orphans = [rel for rel in stored if rel not in GOLDEN_FILES]
    if UPDATE:
        for rel in orphans:
            (GOLDEN / rel).unlink()
        orphans = []
    assert not orphans, f"golden files never compared (delete them, or name them in GOLDEN_FILES): {orphans}"
    gone = [rel for rel in GOLDEN_FILES if not (built / rel).is_file()]
    assert not gone, f"the build no longer writes {gone}: update GOLDEN_FILES"


def test_short_diff_shows_the_change_not_the_file():
    want = "".join(f"line {n}\n" for n in range(5000)).encode()
    got = want.replace(b"line 2500\n", b"line 2500 changed\n").replace(b"line 10\n", b"x" * 1000 + b"\n")
    text = short_diff(want, got, "page.html")
    assert "-line 2500\n+line 2500 changed" in text and "+" + "x" * (LINE_CHARS - 1) + "…" in text
    assert len(text.splitlines()) <= DIFF_LINES + 1 and len(text) < 5000
    assert "line endings" in short_diff(b"a\nb\n", b"a\r\nb\r\n", "x.ics")
