"""`playbook actions` on the example playbook: ranked, filtered, JSON, and usage errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers import ACME_YAML, CUSTOMER_YAML, REPO, note, run_cli, write_playbook
from playbook.actions_cli import Me, identify
from playbook.model import TeamMember

ROOT = str(REPO)
RANK = {"high": 0, "medium": 1, "low": 2}


@pytest.fixture(autouse=True)
def _no_user(monkeypatch):
    monkeypatch.delenv("PLAYBOOK_USER", raising=False)


def test_json_is_ranked_by_score_then_priority_and_due():
    code, out, _ = run_cli(["actions", ROOT, "--json"])
    assert code == 0
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-20"
    keys = [(-a["score"], RANK[a["priority"]], a["due"]) for a in doc["actions"]]
    assert keys == sorted(keys) and len(keys) > 30


def test_filters_combine():
    code, out, _ = run_cli(["actions", ROOT, "--json", "--owner", "maya", "--kind", "follow-up", "--due-within", "7"])
    assert code == 0
    acts = json.loads(out)["actions"]
    assert acts and all(a["kind"] == "follow-up" and a["due"] <= "2026-11-27" for a in acts)
    code, out, _ = run_cli(["actions", ROOT, "--json"])
    everyone = json.loads(out)["actions"]
    # "mine": actions I own, plus those on customers I (co-)own
    mine = json.loads(run_cli(["actions", ROOT, "--json", "--owner", "maya"])[1])["actions"]
    assert {a["title"] for a in mine} < {a["title"] for a in everyone}
    assert any(a["owner"] != "maya" for a in mine)  # a co-owned customer's action


def test_text_output_reads_at_a_glance():
    code, out, _ = run_cli(["actions", ROOT, "--owner", "tomas", "--kind", "repair"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1 action for @tomas, as of 20 Nov 2026"
    assert lines[1].startswith("HIGH ") and "repair" in lines[1] and "Northgate Logistics" in lines[1]
    assert lines[2].strip().startswith("Repair: talk to")
    assert lines[-1].strip().startswith("content/customers/northgate-logistics/interactions/")
    assert "\033[" not in out  # no colour when not a terminal


def test_usage_errors_exit_2_with_a_suggestion():
    assert run_cli(["actions", ROOT, "--kind", "folow-up"]) == (
        2, "", "playbook: unknown kind 'folow-up' (did you mean 'follow-up'?); use one of 'follow-up', "
               "'reach-out', 'personal', 'renewal', 'repair', 'broaden', 'answer', 'tell', 'prepare', 'play'\n")
    assert run_cli(["actions", ROOT, "--owner", "mya"]) == (
        2, "", "playbook: no one with the handle 'mya' (did you mean 'maya'?); known: jonas, lena, maya, priya, tomas\n")


# -- whose list: yours by default, when Playbook can tell who you are ---------------------------------

TEAM = (TeamMember("maya", "Maya Okafor", "Maya@Harbour.example"), TeamMember("tomas", "Tomás Reilly"))
HANDLES = {"maya", "tomas", "lena"}  # lena owns a customer but is not on the team


@pytest.mark.parametrize("user, email, me", [
    ("maya", None, Me("maya", "$PLAYBOOK_USER")),
    (" lena ", None, Me("lena", "$PLAYBOOK_USER")),
    ("maya", "tomas@harbour.example", Me("maya", "$PLAYBOOK_USER")),      # the variable wins over git
    (None, "maya@harbour.EXAMPLE", Me("maya", "git user.email maya@harbour.EXAMPLE")),
    ("", "maya@harbour.example", Me("maya", "git user.email maya@harbour.example")),
    (None, "someone@else.example", Me(None, "")),
    (None, None, Me(None, "")),
    ("mya", "maya@harbour.example", Me(None, "", "PLAYBOOK_USER=mya is not a handle in this playbook "
                                                  "(did you mean 'maya'?); showing everyone's actions")),
])
def test_identify(user, email, me):
    assert identify(user, email, TEAM, HANDLES) == me


@pytest.fixture
def team_root(tmp_path: Path) -> Path:
    root = write_playbook(tmp_path / "pb", {
        "playbook.yaml": "as_of: 2026-11-20\nteam:\n  - {handle: maya, email: maya@harbour.example}\n  - tomas\n",
        ACME_YAML: CUSTOMER_YAML,
        "content/customers/zeta/customer.yaml": "name: Zeta\nowner: tomas\nsince: 2025-01-01\n",
        note("2026-11-02-call.md"): "---\nby: maya\n---\nCalled.\n\n- [ ] Send the quote (due 2026-11-25)\n",
        "content/customers/zeta/interactions/2026-11-03-call.md": "---\nby: tomas\n---\nCalled.\n\n"
                                                                   "- [ ] Send the plan (due 2026-11-26)\n",
    })
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_actions_are_yours_by_git_email(team_root: Path):
    subprocess.run(["git", "-C", str(team_root), "config", "user.email", "Maya@Harbour.example"], check=True)
    code, out, err = run_cli(["actions", "--root", str(team_root)])
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == ("1 action for @maya (you, from git user.email Maya@Harbour.example; "
                                   "--all shows everyone's), as of 20 Nov 2026")
    assert "Send the quote" in out and "Send the plan" not in out
    code, out, _ = run_cli(["actions", "--root", str(team_root), "--all"])
    assert out.splitlines()[0] == "2 actions for the team, as of 20 Nov 2026"
    code, out, _ = run_cli(["actions", "--root", str(team_root), "--owner", "tomas"])
    assert out.splitlines()[0] == "1 action for @tomas, as of 20 Nov 2026"
    assert json.loads(run_cli(["actions", "--root", str(team_root), "--json"])[1])["for"] == "maya"
    assert json.loads(run_cli(["actions", "--root", str(team_root), "--json", "--all"])[1])["for"] is None


def test_actions_are_yours_by_playbook_user(team_root: Path, monkeypatch):
    monkeypatch.setenv("PLAYBOOK_USER", "tomas")
    code, out, err = run_cli(["actions", "--root", str(team_root)])
    assert out.splitlines()[0] == ("1 action for @tomas (you, from $PLAYBOOK_USER; --all shows everyone's), "
                                   "as of 20 Nov 2026")
    monkeypatch.setenv("PLAYBOOK_USER", "tom")
    code, out, err = run_cli(["actions", "--root", str(team_root)])
    assert code == 0 and out.splitlines()[0] == "2 actions for the team, as of 20 Nov 2026"
    assert err == ("playbook: warning: PLAYBOOK_USER=tom is not a handle in this playbook (did you mean "
                   "'tomas'?); showing everyone's actions\n")
    assert run_cli(["actions", "--root", str(team_root), "--all", "--owner", "maya"])[0] == 2


@pytest.mark.parametrize("command", ["actions", "asks", "digest"])
def test_commands_that_read_the_book_refuse_content_with_errors(command, tmp_path):
    """`actions`, `asks` and `digest` say nothing from a book with errors (check.load_clean):
    each error as `file:line`, then what to do; exit 1, no traceback."""
    root = write_playbook(tmp_path, {ACME_YAML: "name: Acme\nrenewal: not-a-date\n"})
    code, out, err = run_cli([command, str(root), "--as-of", "2026-11-20"])
    assert code == 1 and out == ""
    assert f"{ACME_YAML}:2" in err and "Traceback" not in err
    assert err.endswith("error(s) in the content; fix them first (run 'playbook check').\n")


def test_what_people_wrote_steers_no_terminal(tmp_path: Path):
    """A customer named with escapes that set the window's title and clear the screen, and a
    promise that writes to the clipboard (OSC 52), printed raw by `actions`, `done` and `log`'s
    suggestions (a probe). Each is shown escaped, as `check` shows them."""
    evil = "\x1b]0;pwned\x07\x1b[2J"
    root = write_playbook(tmp_path, {
        "playbook.yaml": "as_of: 2026-11-20\nteam:\n  - handle: maya\n    name: Maya Okafor\n",
        ACME_YAML: f'name: "Acme\\e]0;pwned\\a\\e[2J"\nowner: maya\nsince: 2025-01-01\n',
        note("2026-11-10-call.md"): f"- [ ] Send quote {evil}\x1b]52;c;Y3VybA==\x07 (due 2026-11-25)\n",
    })
    # `asks` too, an ask holding them (a fuzzing session: it printed them raw).
    (root / ACME_YAML).write_text((root / ACME_YAML).read_text() + 'asks:\n  - what: "Invoices \\e]0;pwned\\a\\e[2J"\n'
                                                                  "    since: 2026-10-01\n")
    for args in (["actions", "--all"], ["done", "acme"], ["log", "acmee", "Called"], ["asks"]):
        code, out, err = run_cli([*args], cwd=root)
        assert "\x1b" not in out + err and "\x07" not in out + err, (args, out, err)
        assert "Acme\\x1b]0;pwned\\x07\\x1b[2J" in out + err, (args, out, err)
