"""`playbook check` end to end: output format, exit codes, GitHub annotations, no tracebacks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, note, run_cli, write_playbook
from playbook.problems import Problem, format_github, format_plain, sorted_problems, summary

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good" / "minimal"
MIXED = FIXTURES / "bad" / "mixed"
WARNINGS_ONLY = FIXTURES / "bad" / "warnings-only"

#: Every fault planted in tests/fixtures/bad/mixed, in the order check prints them.
MIXED_EXPECTED = [
    "content/customers/acme/customer.yaml:3:9: error: unknown status 'paused'; use one of 'active', 'ended'",
    "content/customers/acme/customer.yaml:4:8: error: 'since: 2026-02-30' is not a real date "
    "(day is out of range for month); check the day and month",
    "content/customers/acme/interactions/2026-11-01-call.md:3:12: error: YAML syntax: mapping values are not "
    "allowed in this context — a value containing ': ' needs quotes, e.g. summary: \"Re: renewal\"",
    "content/customers/acme/interactions/2026-11-05-visit.md:2:7: error: unknown type 'vist' (did you mean "
    "'visit'?); use one of 'call', 'meeting', 'email', 'visit', 'message', 'support', 'purchase', 'event', 'note'",
    "content/customers/acme/interactions/2026-11-05-visit.md:3:7: warning: 'Joe' is not among this customer's "
    "contacts (Maria Lopez); add them to customer.yaml or fix the spelling",
    "content/customers/acme/interactions/2026-11-05-visit.md:4:1: warning: 'by: bob' is not a team member in "
    "playbook.yaml (known: maya)",
    "content/customers/acme/interactions/notes.txt:1:1: warning: not an interaction: interaction files end in "
    ".md; rename or move it",
    "content/customers/beta/customer.yaml:1:1: error: missing customer.yaml; every customer folder needs one "
    "with at least 'name: …'",
    "content/customers/gamma/customer.yaml:1:1: error: customer.yaml has no 'name'; add a line like 'name: ...'",
    "content/customers/gamma/interactions/2026-11-10-call.md:1:1: error: front matter opened with '---' on "
    "line 1 is never closed; add a line with only '---' after the last field",
    "playbook.yaml:7:1: error: unknown stage 'growng' (did you mean 'growing'?); use one of 'establishing', "
    "'growing', 'steady', 'at-risk', 'dormant', 'ended'",
    "playbook.yaml:7:27: error: unknown field 'days_snice_contact' in the 'when' of play 'Check in' (did you "
    "mean 'days_since_contact'?); expected one of 'stage', 'at_risk_for', 'tier', 'tags', 'owner', "
    "'days_since_contact', 'health_below', 'no_touch_with_role', 'no_win_within', 'no_open_opportunity'",
]
MIXED_SUMMARY = "9 errors, 3 warnings in 6 files checked."

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.+)$")


# -- plain output ------------------------------------------------------------------------------

def test_problems_sort_the_same_whatever_order_they_came_in():
    """The order is total (path, line, column, message, severity): two problems that differ
    only in severity come out in one order, not in the order of a set of them."""
    a = Problem("content/customers/acme/customer.yaml", 3, 1, "error", "same words")
    b = Problem("content/customers/acme/customer.yaml", 3, 1, "warning", "same words")
    c = Problem("content/customers/acme/customer.yaml", 2, 1, "warning", "other words")
    assert a.sort_key() != b.sort_key()
    assert sorted_problems([a, b, c]) == sorted_problems([b, c, a]) == sorted_problems([c, a, b, a]) == [c, a, b]


def test_bad_fixture_lists_every_fault_then_a_summary():
    code, out, err = run_cli(["check", str(MIXED)])
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines == MIXED_EXPECTED + [MIXED_SUMMARY]
    for line in lines[:-1]:
        m = LINE.match(line)
        assert m, line
        assert not Path(m["path"]).is_absolute()
        assert (MIXED / m["path"]).parent.exists()


def test_paths_are_relative_to_the_root_not_the_working_folder(tmp_path):
    # From the fixture itself, and from an unrelated folder with a relative root.
    assert run_cli(["check", "."], cwd=MIXED)[1].splitlines() == MIXED_EXPECTED + [MIXED_SUMMARY]
    copy = shutil.copytree(MIXED, tmp_path / "work" / "pb")
    code, out, _ = run_cli(["check", os.path.join("work", "pb")], cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == MIXED_EXPECTED + [MIXED_SUMMARY]
    assert str(copy) not in out


def test_clean_fixture_exits_0():
    code, out, err = run_cli(["check", str(GOOD)])
    assert (code, out, err) == (0, "No problems in 4 files.\n", "")


def test_clean_fixture_is_clean_with_strict_too():
    assert run_cli(["check", str(GOOD), "--strict"])[0] == 0


def test_warnings_alone_exit_0_but_1_with_strict():
    expected = [
        "content/customers/acme/interactions/2026-11-01-call.md:4:1: warning: 'by: bob' is not a team member in "
        "playbook.yaml (known: maya)",
        "content/customers/acme/interactions/photo.jpg:1:1: warning: not an interaction: interaction files end "
        "in .md; rename or move it",
        "0 errors, 2 warnings in 3 files checked.",
    ]
    code, out, _ = run_cli(["check", str(WARNINGS_ONLY)])
    assert (code, out.splitlines()) == (0, expected)
    code, out, _ = run_cli(["check", "--strict", str(WARNINGS_ONLY)])
    assert (code, out.splitlines()) == (1, expected)


def test_as_of_option_overrides_the_pinned_date(tmp_path):
    root = write_playbook(tmp_path, {
        "playbook.yaml": PLAYBOOK_YAML,  # as_of: 2026-11-20
        ACME_YAML: CUSTOMER_YAML,
        note("2026-12-24-call.md"): "Christmas call.\n",
    })
    code, out, _ = run_cli(["check", str(root), "--strict"])
    assert code == 1
    assert out.splitlines()[0] == (
        "content/customers/acme/interactions/2026-12-24-call.md:1:1: warning: dated 2026-12-24, after the as-of "
        "date 2026-11-20; the analysis ignores it until then (check the year?)")
    assert run_cli(["check", str(root), "--strict", "--as-of", "2026-12-31"]) == (
        0, "No problems in 3 files.\n", "")


def test_problems_in_every_file_of_a_tmp_playbook_are_listed(tmp_path):
    root = write_playbook(tmp_path, {
        "playbook.yaml": "titel: X\n",
        ACME_YAML: b"name: Caf\xe9\n",
        note("2026-11-01-call.md"): "---\nsentiment: happy\n---\nx\n",
        "content/customers/zeta/customer.yaml": "name: Zeta\nsince: 2025-01-01\nname: Zeta again\n",
    })
    code, out, _ = run_cli(["check", str(root)])
    assert code == 1
    assert [line.split(": ", 1)[0] for line in out.splitlines()] == [
        "content/customers/acme/customer.yaml:1:10",
        "content/customers/acme/interactions/2026-11-01-call.md:2:12",
        "content/customers/zeta/customer.yaml:3:1",
        "playbook.yaml:1:1",
        "4 errors, 0 warnings in 4 files checked.",
    ]


# -- usage errors -----------------------------------------------------------------------------

def test_unknown_option_exits_2():
    code, out, err = run_cli(["check", "--bogus", str(GOOD)])
    assert code == 2 and out == ""
    assert "unrecognized arguments: --bogus" in err


def test_nonexistent_root_exits_2(tmp_path):
    missing = tmp_path / "nowhere"
    code, out, err = run_cli(["check", str(missing)])
    assert (code, out) == (2, "")
    assert err == f"playbook: {missing}: no such folder\n"


def test_root_that_is_a_file_exits_2():
    code, _, err = run_cli(["check", str(GOOD / "playbook.yaml")])
    assert code == 2 and "not a folder" in err


def test_bad_as_of_exits_2():
    code, _, err = run_cli(["check", str(GOOD), "--as-of", "2026-02-30"])
    assert code == 2 and "'2026-02-30' is not a date; write YYYY-MM-DD" in err


def test_bad_format_exits_2():
    code, _, err = run_cli(["check", str(GOOD), "--format", "json"])
    assert code == 2 and "invalid choice: 'json'" in err


def test_no_command_shows_help_and_exits_2():
    code, out, _ = run_cli([])
    assert code == 2 and "check" in out and "usage:" in out


def test_help_exits_0():
    code, out, _ = run_cli(["check", "--help"])
    assert code == 0 and "--strict" in out and "--format" in out


# -- GitHub annotations -----------------------------------------------------------------------

def test_github_format_prints_annotations():
    code, out, err = run_cli(["check", str(MIXED), "--format", "github"])
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(MIXED_EXPECTED)
    assert lines[0] == ("::error file=content/customers/acme/customer.yaml,line=3,col=9::unknown status "
                        "'paused'; use one of 'active', 'ended'")
    assert lines[4] == ("::warning file=content/customers/acme/interactions/2026-11-05-visit.md,line=3,col=7::"
                        "'Joe' is not among this customer's contacts (Maria Lopez); add them to customer.yaml "
                        "or fix the spelling")
    # Whole-file problems carry no line; unknown columns carry no col.
    assert lines[7] == ("::error file=content/customers/beta/customer.yaml::missing customer.yaml; every "
                        "customer folder needs one with at least 'name: …'")
    assert lines[10].startswith("::error file=playbook.yaml,line=7::unknown stage 'growng'")
    annotation = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+)?(,col=\d+)?::\S.*$")
    assert all(annotation.match(line) for line in lines), lines
    # The summary goes to stderr so it does not become an annotation.
    assert err == MIXED_SUMMARY + "\n"


def test_github_format_on_a_clean_playbook_prints_nothing():
    assert run_cli(["check", str(GOOD), "--format", "github"]) == (0, "", "")


def test_github_escaping():
    p = Problem("a,b:c%.md", 2, 3, "error", "50% off\nnext line, really: yes")
    assert format_github(p) == "::error file=a%2Cb%3Ac%25.md,line=2,col=3::50%25 off%0Anext line, really: yes"


def test_plain_format_points_whole_file_problems_at_1_1():
    assert format_plain(Problem("x.yaml", 0, 0, "warning", "m")) == "x.yaml:1:1: warning: m"
    assert format_plain(Problem("x.yaml", 7, 0, "error", "m")) == "x.yaml:7:1: error: m"


@pytest.mark.parametrize("problems,files,text", [
    ([], 1, "No problems in 1 file."),
    ([], 3, "No problems in 3 files."),
    ([Problem("a", 1, 1, "error", "m")], 1, "1 error, 0 warnings in 1 file checked."),
    ([Problem("a", 1, 1, "warning", "m")] * 2 + [Problem("b", 1, 1, "error", "m")], 2,
     "1 error, 2 warnings in 2 files checked."),
])
def test_summary_wording(problems, files, text):
    assert summary(problems, files) == text


# -- the real command, in its own process -----------------------------------------------------

def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "playbook", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


def test_console_command_reports_nasty_input_without_a_traceback(tmp_path):
    bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    root = write_playbook(tmp_path, {
        "playbook.yaml": "thresholds:\n  dormant_days: nan\n",
        ACME_YAML: "\n".join(bomb) + "\nname: Acme\n",
        note("2026-11-01-call.md"): b"\xff\xfe\x00binary",
        note("2026-11-02-call.md"): "---\ntype: call\nnever closed\n",
        # 100,000 levels of '[' crashed libyaml's composer (a segfault) before the depth check.
        "content/customers/deep/customer.yaml": "name: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "content/customers/zeta/customer.yaml": "name: Zeta\nsince: 2026-02-30\n",
        "content/customers/zeta/interactions/2025-06-01-call.md": "Called.\n",
    })
    proc = _run("check", str(root))
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(": ", 2)[:2] for line in lines[:-1]] == [
        ["content/customers/acme/customer.yaml:1:1", "error"],
        ["content/customers/acme/interactions/2026-11-01-call.md:1:1", "error"],
        ["content/customers/acme/interactions/2026-11-02-call.md:1:1", "error"],
        # where the 200th '[' opens level 201 (the root mapping is level 1), whatever limit
        # the installed libyaml has of its own
        ["content/customers/deep/customer.yaml:1:206", "error"],
        ["content/customers/zeta/customer.yaml:2:8", "error"],
        ["playbook.yaml:2:17", "error"],
    ]
    assert "aliases" in lines[0]
    assert "not UTF-8" in lines[1]
    assert "never closed" in lines[2]
    assert "nests too deeply" in lines[3]
    assert "not a real date" in lines[4]
    assert "should be a number, not 'nan'" in lines[5]
    assert lines[-1] == "6 errors, 0 warnings in 7 files checked."


def test_console_command_on_the_bad_fixture():
    proc = _run("check", str(MIXED))
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == MIXED_EXPECTED + [MIXED_SUMMARY]


def test_console_command_usage_error_is_exit_2_without_traceback():
    proc = _run("check", "--bogus")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unrecognized arguments" in proc.stderr


# -- docs/content.md stays true ----------------------------------------------------------------

DOCS = Path(__file__).parent.parent / "docs" / "content.md"


def _doc_example_files() -> dict[str, str]:
    """The files of the worked example: each fenced block after a '<!-- file: PATH -->' line."""
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- file: (\S+) -->\n```[a-z]*\n(.*?)\n```\n", text, re.S)
    return {path: body + "\n" for path, body in blocks}


def _doc_mistakes() -> list[tuple[str, str]]:
    """(what you wrote, what check says) from the 'Common mistakes' table."""
    section = DOCS.read_text(encoding="utf-8").split("## Common mistakes and what check says", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| You wrote") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        said = cells[1]
        assert said.startswith("`") and said.endswith("`"), line
        rows.append((cells[0], said[1:-1]))
    return rows


def test_docs_worked_example_is_a_valid_playbook(tmp_path):
    files = _doc_example_files()
    assert sorted(files) == [
        "content/customers/acme-bakery/customer.yaml",
        "content/customers/acme-bakery/interactions/2026-11-02-call.md",
        "content/customers/acme-bakery/interactions/2026-11-20-visit.md",
        "playbook.yaml",
    ]
    root = write_playbook(tmp_path, files)
    assert run_cli(["check", str(root), "--strict", "--as-of", "2026-11-20"]) == (
        0, "No problems in 4 files.\n", "")
    from playbook.load import load
    loaded = load(root)
    (acme,) = loaded.playbook.customers
    call, visit = acme.interactions
    assert call.with_ == ("Maria Lopez", "Ben Ortiz") and call.sentiment == 1
    assert [(c.text, c.due.isoformat() if c.due else None, c.done) for c in call.commitments] == [
        ("Send the renewal quote", "2026-11-16", False),
        ("Ask product about offline mode", "2026-11-30", False),
        ("Share the case study from Harbour Café", None, True),
    ]
    assert (visit.type, visit.summary) == ("note", "Dropped off the new rye samples; Maria loved them.")
    assert acme.contacts[0].phone == "0612 345 678" and acme.value == 18500
    assert [m.handle for m in loaded.config.team] == ["maya", "tomas", "priya"]
    assert loaded.config.tier_cadence == {"key": 14, "growth": 21, "small": 60, "public": 21}
    assert {k: v.days for k, v in loaded.config.tier_renewal_lead.items()} == {"public": 56}
    assert len(loaded.config.plays) == 3


def test_docs_common_mistakes_table_quotes_real_messages(tmp_path):
    base = _doc_example_files()
    C = "content/customers"
    A = f"{C}/acme-bakery/interactions"
    content_mistakes = {
        **base,
        f"{A}/2026-11-03-a.md": "---\nsummary: Re: renewal\n---\nx\n",
        f"{A}/2026-11-03-b.md": '---\nsummary: "Unclosed\ntype: call\n---\nx\n',
        f"{A}/2026-11-03-c.md": "---\ntype: call\n\twith: Maria\n---\nx\n",
        f"{A}/2026-11-03-d.md": "---\ntype: cal\nsentiment: happy\nwith: Joe\nby: bob\n---\n"
                                "- [ ] Send it (due 2026-02-30)\n",
        f"{A}/2026-11-03-e.md": "---\ntype: call\n\nNever closed.\n",
        f"{A}/2026-11-03-f.md": b"Caf\xe9\n",
        f"{A}/2026-11-03-g.md": "",
        f"{A}/call.md": "Called.\n",
        f"{A}/2027-11-02-call.md": "Called.\n",
        f"{A}/contract.docx": b"PK\x03\x04",
        f"{C}/tags/customer.yaml": "name: T\ntags: [retail, bakery\n",
        f"{C}/colon/customer.yaml": "name: C\ncontacts:\n  - name: Y\n    role CFO\n    email: y@x.org\n",
        f"{C}/nmae/customer.yaml": "name: N\nnmae: Acme\n",
        f"{C}/dup/customer.yaml": "name: D\nowner: maya\nowner: tomas\n",
        f"{C}/noname/customer.yaml": "tier: key\n",
        f"{C}/empty/customer.yaml": "",
        f"{C}/missing/interactions/2026-11-01-call.md": "Called.\n",
        f"{C}/Acme Corp/customer.yaml": "name: Acme Corp\n",
        f"{C}/contacts/customer.yaml": "name: K\ncontacts:\n  name: Maria\n",
        f"{C}/fields/customer.yaml": "name: F\nstatus: paused\nowner: bob\ncadence: fortnight\n"
                                     "contacts:\n  - name: Z\n    birthday: 02-30\n",
        f"{C}/since1/customer.yaml": "name: S\nsince: 2026-02-30\n",
        f"{C}/people/customer.yaml": "name: Q\ncontacts:\n  - name: A\n    prefers: pigeon\n    decision: boss\n"
                                     "    keep_in_touch: maybe\nopportunities:\n  - what: X\n    closed: 2026-10-27\n",
        f"{C}/paused/customer.yaml": "name: P\npause: {why: Not before April}\nasks:\n  - what: A\n    status: parkd\n"
                                     "  - what: B\n    until: 2027-01-01\n  - what: C\n    done: true\n    status: parked\n"
                                     "  - what: D\n    about: [the]\n",
        f"{C}/since2/customer.yaml": "name: S\nsince: 20/11/2026\n",
    }
    config_mistakes = {
        "playbook.yaml": "team: [maya]\ndefaults:\n  tiers:\n    key: fortnight\nplays:\n"
                         "  - name: P\n    when: {stage: growng, days_snice_contact: 10}\n    do: X\n    within: 3\n"
                         "  - name: Q\n    when: {stage: growing}\n    do: Y\n"
                         "currency: 12 pounds\nholidays:\n  - {from: 2027-01-02, to: 2027-01-01}\n  - {from: 2026-12-24}\n"
                         "available:\n  - what: No date\n    about: [x]\n"
                         "  - what: Spanish edition\n    on: 2026-11-18\n    about: [spansh]\n",
        f"{C}/acme/customer.yaml": "name: Acme\nsince: 2025-01-01\n",
    }
    said: list[str] = []
    for name, files in (("content", content_mistakes), ("config", config_mistakes)):
        root = write_playbook(tmp_path / name, files)
        code, out, err = run_cli(["check", str(root), "--as-of", "2026-11-20"])
        assert code == 1 and err == ""
        said += [line.split(": ", 1)[1] for line in out.splitlines()[:-1]]
    rows = _doc_mistakes()
    assert len(rows) >= 30
    for wrote, quoted in rows:
        parts = [p for p in quoted.split("…") if p.strip()]

        def matches(line: str) -> bool:
            at = 0
            for part in parts:
                at = line.find(part, at)
                if at < 0:
                    return False
                at += len(part)
            return line.startswith(parts[0])

        assert any(matches(line) for line in said), f"row {wrote!r}: {quoted!r} is not what check says:\n" + \
            "\n".join(said)


@pytest.mark.parametrize("finish", ["nothing", "a thread"])
def test_the_command_leaves_at_once_only_when_nothing_is_left_to_finish(finish):
    """`playbook` (cli.console) ends its process without tearing the interpreter down (freeing
    a large book's model took up to 150 ms), its output flushed first and its exit code kept;
    with a thread still running it exits the usual way, which waits for it (and runs atexit)."""
    code = (
        "import atexit, sys, threading, time\n"
        "from playbook.cli import console\n"
        "atexit.register(lambda: print('torn down', flush=True))\n"
        # Running until the main thread is done, however long the command takes (a thread
        # that waited 0.2 s was gone before a build command on a loaded CI machine ended).
        "def wait():\n"
        "    while threading.main_thread().is_alive():\n"
        "        time.sleep(0.01)\n"
        "if sys.argv[1] == 'a thread':\n"
        "    threading.Thread(target=wait).start()\n"
        "console(sys.argv[2:])\n"
    )
    for args, status, out in [(["--version"], 0, "playbook "), (["build", "/no/such/playbook"], 2, "")]:
        proc = subprocess.run([sys.executable, "-c", code, finish, *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == status, proc.stderr
        assert proc.stdout.startswith(out) and ("torn down" in proc.stdout) == (finish == "a thread")
        assert "Traceback" not in proc.stderr and (status == 0 or "playbook:" in proc.stderr)


def test_a_play_with_nobody_of_that_role_or_job_is_a_warning(tmp_path):
    """A play's `with` that no contact answers to names nobody and joins no meeting: most likely
    misspelt ("Head of Procurment"). A decision role written "decision-maker" is that role."""
    plays = ("plays:\n"
             "  - name: Sponsor\n    when: {stage: at-risk}\n    do: Book a sponsor call\n    within: 7\n"
             "    with: decision-maker\n"
             "  - name: Buyer\n    when: {stage: at-risk}\n    do: Meet procurement\n    within: 7\n"
             "    with: Head of Procurment\n")
    root = write_playbook(tmp_path, {
        "playbook.yaml": PLAYBOOK_YAML + plays,
        ACME_YAML: ("name: Acme\ncontacts:\n  - name: Ann Lee\n    role: Head of Procurement\n"
                    "    decision: decision maker\n"),
    })
    code, out, _ = run_cli(["check", str(root)])
    lines = [l for l in out.splitlines() if "play '" in l]
    assert lines == [f"playbook.yaml:{PLAYBOOK_YAML.count(chr(10)) + 7}:1: warning: play 'Buyer' is with 'Head of "
                     "Procurment', which is no contact's decision role or job (did you mean 'Head of Procurement'?): "
                     "its action will name nobody; check 'with'"], out
    assert code == 0  # a warning


def test_a_promise_due_before_its_note_is_a_warning(tmp_path):
    """A reader's "(due 2026-11-10)" in a note of 25 Nov read "24 days overdue" from the moment
    it was written: most likely a mistyped date. A ticked one, or one due later, says nothing."""
    body = ("---\ndate: 2026-11-25\ntype: call\nwith: Maria Lopez\n---\n"
            "- [ ] Send the badge logs (due 2026-11-10)\n"
            "- [x] Send the rota (due 2026-11-01)\n"
            "- [ ] Send the plan (due 2026-12-01)\n")
    root = write_playbook(tmp_path, {"playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML,
                                     note("2026-11-25-call.md"): body})
    code, out, _ = run_cli(["check", str(root)])
    assert [l for l in out.splitlines() if "due date" in l] == [
        f"{note('2026-11-25-call.md')}:6:1: warning: due date 2026-11-10 is before this note's date (2026-11-25), "
        "so the promise was late when made; check the date"], out
    assert code == 0


def test_a_day_no_calendar_has_in_a_promise_is_a_warning(tmp_path):
    """"Send the deck by 31 November" named no day the engine could read, and nothing said so:
    the promise was never tied to the day it was for. A ticked one, and a real day, say nothing."""
    body = ("---\ndate: 2026-11-25\ntype: call\nwith: Maria Lopez\n---\n"
            "- [ ] Order laptops for the 31 November starters (due 2026-11-27)\n"
            "- [ ] Book the visit for the 30th of February\n"
            "- [x] Send the rota for 31 Nov\n"
            "- [ ] Send the plan for 1 December, before which 5 may need chargers\n"
            "- [ ] Book the room for 29 Feb 2028\n")
    root = write_playbook(tmp_path, {"playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML,
                                     note("2026-11-25-call.md"): body})
    code, out, _ = run_cli(["check", str(root)])
    assert [l for l in out.splitlines() if "no real day" in l] == [
        f"{note('2026-11-25-call.md')}:6:1: warning: '31 November' is no real day, so the day this promise is for "
        "is not read; correct the day or the month",
        f"{note('2026-11-25-call.md')}:7:1: warning: '30th of February' is no real day, so the day this promise is "
        "for is not read; correct the day or the month"], out
    assert code == 0
