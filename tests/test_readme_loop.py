"""The README's daily loop works as written: every `playbook …` command in its table runs,
in order, on a copy of the example playbook, and does what the table says."""

from __future__ import annotations

import re
import shlex
import shutil
from datetime import date
from pathlib import Path

import pytest

from helpers import REPO, run_cli
from playbook.load import load


def table_commands() -> list[str]:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## The daily loop", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [c for row in rows for c in re.findall(r"`(playbook [^`]+)`", row)]


@pytest.fixture
def example(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("PLAYBOOK_USER", raising=False)
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "playbook.yaml", root / "playbook.yaml")
    shutil.copytree(REPO / "docs/mail", root / "docs/mail")  # the saved email `log --eml` imports
    return root


def test_every_command_of_the_daily_loop_works(example: Path, tmp_path: Path):
    commands = table_commands()
    assert len(commands) >= 12 and "playbook done rosalind" in commands
    for command in commands:
        args = shlex.split(command)[1:]
        if args[0] == "serve":
            continue  # it runs until stopped; test_serve.py starts it
        if args[0] == "init":
            args[1] = str(tmp_path / args[1])
        code, out, err = run_cli(args, cwd=example)
        assert code == 0, (command, out, err)
    (rosalind,) = [c for c in load(example).playbook.customers if c.slug == "rosalinds-bakery"]
    assert rosalind.asks[-1].what == "A card reader for the stall" and rosalind.asks[-1].from_ == "Rosalind Baptiste"
    assert rosalind.contacts[-1].name == "Priya Shah"
    (mail,) = [i for i in rosalind.interactions if i.message_id]
    assert (mail.type, mail.with_, mail.by, mail.direction, mail.summary) == (
        "email", ("Rosalind Baptiste",), "maya", "in", "Christmas hours")
    assert [(o.what, o.status) for o in rosalind.opportunities][-1] == ("Fit-out of a third shop", "won")
    assert not [cm for i in rosalind.interactions for cm in i.commitments if not cm.done]
    assert (tmp_path / "my-playbook/requirements.txt").is_file()


@pytest.mark.skipif(date.today() <= date(2026, 11, 20), reason="today is not after the example's pinned as_of")
def test_a_note_after_the_pinned_as_of_says_how_to_see_it(example: Path):
    code, out, err = run_cli(["log", "rosalind", "Called Ros, the ovens are in", "--sentiment", "positive"],
                             cwd=example)
    assert code == 0
    day = out.strip().rsplit("/", 1)[1][:10]
    assert err == (f"playbook: warning: this note is dated {day}, after the date playbook.yaml pins as 'as_of: "
                   f"2026-11-20', so the site, which shows the playbook as of that day, leaves it out. To see it: "
                   f"playbook build --as-of {day} (or serve --as-of {day}), or remove 'as_of' from playbook.yaml "
                   "to follow today\n")
    code, out, _ = run_cli(["actions", "--all", "--json", "--as-of", "today"], cwd=example)
    assert code == 0 and f'"as_of": "{day}"' in out
