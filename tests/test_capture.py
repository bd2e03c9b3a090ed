"""`playbook log`, `new`, `done` and `init`: every file they write is read back with the
project's own loader, and the commands are run through the real CLI entry point."""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec.structs import fields

from helpers import ACME, ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, run_cli, write_playbook
from playbook import capture
from playbook.check import check
from playbook.config import Thresholds, _TOP, parse_config
from playbook.load import load

TODAY = date.today()
REQUIREMENTS = "playbook-crm==0.1.0\n"


@pytest.fixture(autouse=True)
def _today():
    """TODAY is the day each test starts, as the command's own clock reads it, not the day
    the module was imported: in a run that crossed midnight the notes the command wrote were
    dated a day after TODAY, and four tests failed."""
    global TODAY
    TODAY = date.today()


@pytest.fixture(autouse=True)
def _no_user(monkeypatch):
    monkeypatch.delenv("PLAYBOOK_USER", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A playbook with acme (Acme Bakery: Maria Lopez, Ben Ortiz) and Acme Tools."""
    return write_playbook(tmp_path / "pb", {
        "playbook.yaml": PLAYBOOK_YAML,
        ACME_YAML: CUSTOMER_YAML,
        "content/customers/acme-tools/customer.yaml": "name: Acme Tools\nsince: 2025-01-01\n",
        "content/customers/zorro/customer.yaml": "name: Zorro & Söhne\nsince: 2025-01-01\n",
    })


def interactions(root: Path, slug: str = "acme") -> list[Path]:
    folder = root / "content/customers" / slug / "interactions"
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def loaded_interaction(root: Path, path: Path, slug: str = "acme"):
    loaded = load(root)
    (customer,) = [c for c in loaded.playbook.customers if c.slug == slug]
    (it,) = [i for i in customer.interactions if i.source.path.endswith("/" + path.name)]
    return it, loaded.problems


def no_temp_files(root: Path) -> None:
    left = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert not left, left


# -- log ----------------------------------------------------------------------------------

def test_log_writes_an_interaction_that_loads_back(root: Path):
    code, out, err = run_cli(["log", "acme", "Called Maria, she is happy with the rollout.\n\n"
                              "- [ ] Send the usage report (due 2026-12-05)",
                              "--type", "call", "--with", "maria", "--by", "maya", "--sentiment", "positive",
                              "--direction", "out", "--summary", "Rollout check-in", "--date", "2026-11-18",
                              "--root", str(root)])
    assert code == 0, err
    path = Path(out.strip())
    assert path.name == "2026-11-18-call.md"
    assert path.parent == (root / ACME / "interactions").resolve()
    it, problems = loaded_interaction(root, path)
    assert problems == []
    assert (it.date, it.type, it.with_, it.by, it.sentiment, it.direction, it.summary) == (
        date(2026, 11, 18), "call", ("Maria Lopez",), "maya", 1, "out", "Rollout check-in")
    assert [(c.text, c.done, c.due) for c in it.commitments] == [
        ("Send the usage report", False, date(2026, 12, 5))]
    text = path.read_bytes().decode("utf-8")
    assert "\r" not in text and text.endswith("\n")
    no_temp_files(root)


def test_log_writes_only_the_fields_given(root: Path):
    code, out, err = run_cli(["log", "Acme Bakery", "Quick note about the invoice.", "--root", str(root)])
    assert code == 0, err
    path = Path(out.strip())
    assert path.name == f"{TODAY.isoformat()}-quick-note-about-the-invoice.md"
    assert path.read_text() == (f"---\ndate: {TODAY.isoformat()}\ntype: note\n---\n"
                                "Quick note about the invoice.\n")
    it, problems = loaded_interaction(root, path)
    assert problems == [] and it.by is None and it.sentiment is None and it.with_ == ()


def test_log_by_defaults_to_playbook_user(root: Path, monkeypatch):
    monkeypatch.setenv("PLAYBOOK_USER", "tomas")
    code, out, _ = run_cli(["log", "acme", "Hello.", "--root", str(root)])
    assert code == 0
    it, _ = loaded_interaction(root, Path(out.strip()))
    assert it.by == "tomas"
    code, out, _ = run_cli(["log", "acme", "Hello again.", "--by", "maya", "--root", str(root)])
    assert loaded_interaction(root, Path(out.strip()))[0].by == "maya"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_log_in_a_git_work_tree_leaves_by_out(root: Path):
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    code, out, _ = run_cli(["log", "acme", "In a repository.", "--root", str(root)])
    assert code == 0
    assert "by:" not in Path(out.strip()).read_text()


def test_log_reads_the_note_from_stdin(root: Path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Met Ben at the fair.\r\n\r\n- [ ] Send the brochure\r\n"))
    code, out, err = run_cli(["log", "acme", "-", "--type", "event", "--root", str(root)])
    assert code == 0, err
    path = Path(out.strip())
    it, problems = loaded_interaction(root, path)
    assert problems == []
    assert it.body == "Met Ben at the fair.\n\n- [ ] Send the brochure\n"
    assert [c.text for c in it.commitments] == ["Send the brochure"]
    assert b"\r" not in path.read_bytes()


def test_log_reads_stdin_through_the_real_command(root: Path):
    env = {k: v for k, v in os.environ.items() if k != "PLAYBOOK_USER"}
    proc = subprocess.run([sys.executable, "-m", "playbook", "log", "acme", "-", "--type", "email",
                           "--root", str(root)], input="Sent the quote.\n".encode(), capture_output=True, env=env)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.decode().strip())
    assert loaded_interaction(root, path)[0].body == "Sent the quote.\n"


def test_log_never_overwrites(root: Path):
    first = ["log", "acme", "One.", "--type", "call", "--date", "2026-11-18", "--root", str(root)]
    paths = [Path(run_cli(first)[1].strip()) for _ in range(3)]
    assert [p.name for p in paths] == ["2026-11-18-call.md", "2026-11-18-call-2.md", "2026-11-18-call-3.md"]
    loaded = load(root)
    assert loaded.problems == []
    assert len(loaded.playbook.customers[0].interactions) == 3
    # A file already there, written by hand, is never touched.
    mine = root / ACME / "interactions/2026-11-19-call.md"
    mine.write_bytes(b"my own notes\r\n")
    code, out, _ = run_cli(["log", "acme", "Two.", "--type", "call", "--date", "2026-11-19", "--root", str(root)])
    assert code == 0 and Path(out.strip()).name == "2026-11-19-call-2.md"
    assert mine.read_bytes() == b"my own notes\r\n"


HOSTILE_SUMMARY = "Re: renewal — \"quoted\", 'single' # not a comment --- <script>alert(1)</script> & {x: [y]}"
HOSTILE_BODY = ("---\ntitle: not front matter\n---\n\n<script>alert('x')</script>\n\n"
                "key: value\n...\n- [ ] Reply to \"Re: renewal\" (due 2026-12-01)\n")


def test_hostile_text_round_trips(root: Path):
    code, out, err = run_cli(["log", "acme", HOSTILE_BODY, "--summary", HOSTILE_SUMMARY, "--by", "No",
                              "--with", "Ben Ortiz", "--type", "email", "--root", str(root)])
    assert code == 0, err
    it, problems = loaded_interaction(root, Path(out.strip()))
    assert [p for p in problems if p.severity == "error"] == []
    assert it.summary == HOSTILE_SUMMARY
    assert it.by == "No"
    assert it.body == HOSTILE_BODY
    assert [(c.text, c.due) for c in it.commitments] == [('Reply to "Re: renewal"', date(2026, 12, 1))]


@pytest.mark.parametrize("name", ["No", "yes", "null", "~", "- dash", "[x, y]", "a, b", "O'Brien: CEO",
                                  "#hash", "@at", "'quoted'", "2026-11-20", "0612", "Ünïcødé 東京"])
def test_hostile_contact_names_round_trip(tmp_path: Path, name: str):
    root = write_playbook(tmp_path / "pb", {
        ACME_YAML: "name: Acme\nsince: 2025-01-01\ncontacts:\n  - name: " + capture.yaml_value(name) + "\n",
    })
    code, out, err = run_cli(["log", "acme", "Hi.", "--with", name, "--with", "Other", "--root", str(root)])
    assert code == 0, err
    assert "'Other' is not among this customer's contacts" in err  # a warning, not a refusal
    it, problems = loaded_interaction(root, Path(out.strip()))
    assert it.with_ == (name, "Other")
    assert [p.severity for p in problems] == ["warning"]


_line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=_line, body=_line, by=_line)
def test_any_text_round_trips(tmp_path_factory, summary: str, body: str, by: str):
    root = write_playbook(tmp_path_factory.mktemp("pb"), {ACME_YAML: "name: Acme\nsince: 2025-01-01\n"})
    one_line = " ".join(summary.split())
    note = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    who = " ".join(by.split())
    if not note and not one_line:
        return
    w = capture.log(root, "acme", body, today=TODAY, summary=summary, by=by)
    it, problems = loaded_interaction(root, w.path)
    assert [p for p in problems if p.severity == "error"] == []
    if one_line:
        assert it.summary == one_line
    assert it.by == (who or None)
    assert it.body == (note + "\n" if note else "")


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(st.characters(blacklist_categories=("Cs",))),
                       st.lists(st.text(st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=4)))
def test_yaml_value_reads_back_exactly(value):
    from playbook.yamlio import Scalar, parse
    out = capture.yaml_value(value)
    assert "\n" not in out
    node, problems = parse(f"k: {out}\n", "t")
    assert problems == []
    got = node.items["k"]
    texts = [got.text] if isinstance(got, Scalar) else [g.text for g in got.items]
    assert texts == ([value] if isinstance(value, str) else value)


def test_log_refuses_bad_values_before_writing(root: Path):
    for args, words in [(["--type", "cal"], "did you mean 'call'"),
                        (["--sentiment", "happy"], "--sentiment 'happy'"),
                        (["--sentiment", "3"], "--sentiment '3'"),
                        (["--direction", "sideways"], "--direction 'sideways'")]:
        code, out, err = run_cli(["log", "acme", "Hello.", *args, "--root", str(root)])
        assert code == 2 and words in err and out == "", (args, err)
    code, _, err = run_cli(["log", "acme", "--root", str(root)])
    assert code == 2 and "'-' to read it from standard input" in err
    code, _, err = run_cli(["log", "acme", "   ", "--root", str(root)])
    assert code == 2 and "empty" in err
    code, _, err = run_cli(["log", "acme", "x", "--date", "2026-02-30", "--root", str(root)])
    assert code == 2 and "YYYY-MM-DD" in err
    assert interactions(root) == []


def test_log_accepts_sentiment_numbers_and_direction_aliases(root: Path):
    code, out, _ = run_cli(["log", "acme", "Hm.", "--sentiment", "-2", "--direction", "inbound", "--root", str(root)])
    assert code == 0
    it, problems = loaded_interaction(root, Path(out.strip()))
    assert (it.sentiment, it.direction, problems) == (-2, "in", [])
    assert "sentiment: very negative" in Path(out.strip()).read_text()


def test_log_warns_on_unknown_contact_and_handle(root: Path):
    code, out, err = run_cli(["log", "acme", "Hi.", "--with", "Mariah", "--by", "zed", "--root", str(root)])
    assert code == 0
    assert "'Mariah' is not among this customer's contacts (Maria Lopez, Ben Ortiz)" in err
    assert "'by: zed' is not a team member" in err
    assert len(interactions(root)) == 1


def test_log_warns_on_a_future_date(root: Path):
    later = (TODAY + timedelta(days=3)).isoformat()
    code, _, err = run_cli(["log", "acme", "Plan.", "--date", later, "--root", str(root)])
    assert code == 0 and "in the future" in err
    pinned = TODAY - timedelta(days=10)
    (root / "playbook.yaml").write_text(f"as_of: {pinned.isoformat()}\n")
    day = (TODAY - timedelta(days=1)).isoformat()
    code, _, err = run_cli(["log", "acme", "After the pin.", "--date", day, "--root", str(root)])
    assert code == 0 and err == (
        f"playbook: warning: this note is dated {day}, after the date playbook.yaml pins as 'as_of: "
        f"{pinned.isoformat()}', so the site, which shows the playbook as of that day, leaves it out. To see it: "
        f"playbook build --as-of {day} (or serve --as-of {day}), or remove 'as_of' from playbook.yaml to "
        "follow today\n")


# -- customer matching ----------------------------------------------------------------------

@pytest.mark.parametrize("query, slug", [
    ("acme", "acme"), ("ACME", "acme"), ("Acme Bakery", "acme"), ("acme bak", "acme"), ("Acmé  BAKERY", "acme"),
    ("acme-tools", "acme-tools"), ("Acme T", "acme-tools"), ("zorro", "zorro"), ("zorro & sohne", "zorro"),
    ("ZORRO SÖHNE", "zorro"), ("zo", "zorro"),
])
def test_customer_matching_is_forgiving(root: Path, query: str, slug: str):
    assert capture.match_customer(root, query).slug == slug


def test_ambiguous_customer_lists_candidates(root: Path):
    code, out, err = run_cli(["log", "ac", "Hi.", "--root", str(root)])
    assert code == 1 and out == ""
    assert "matches 2 customers" in err
    assert "acme  (Acme Bakery)" in err and "acme-tools  (Acme Tools)" in err and "zorro" not in err
    assert interactions(root) == [] and interactions(root, "acme-tools") == []


def test_unknown_customer_lists_candidates(root: Path):
    code, _, err = run_cli(["log", "acme bakry", "Hi.", "--root", str(root)])
    assert code == 1 and "did you mean" in err and "acme  (Acme Bakery)" in err
    code, _, err = run_cli(["done", "qqq", "x", "--root", str(root)])
    assert code == 1 and "The customers are:" in err
    assert all(s in err for s in ("acme", "acme-tools", "zorro")) and "playbook new" in err


def test_root_is_found_from_a_subfolder(root: Path):
    code, out, err = run_cli(["log", "acme", "From below."], cwd=root / ACME)
    assert code == 0, err
    assert Path(out.strip()).name.endswith("from-below.md")
    assert not (root / ACME / "content").exists()


def test_no_playbook_found(tmp_path: Path):
    code, _, err = run_cli(["log", "acme", "Hi.", "--root", str(tmp_path)])
    assert code == 2 and "playbook init" in err


def test_never_writes_outside_the_root(root: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    (outside / "interactions").mkdir(parents=True)
    (outside / "customer.yaml").write_text("name: Elsewhere\n")
    (root / "content/customers/elsewhere").symlink_to(outside, target_is_directory=True)
    code, _, err = run_cli(["log", "elsewhere", "Hi.", "--root", str(root)])
    assert code == 1 and "outside the playbook folder" in err
    assert list((outside / "interactions").iterdir()) == []


# -- edit ---------------------------------------------------------------------------------

def _editor(tmp_path: Path, code: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import sys\npath = sys.argv[1]\n" + code)
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def test_log_edit_opens_the_editor(root: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "open(path, 'a').write('Added in the editor.\\n')\n"))
    code, out, err = run_cli(["log", "acme", "--type", "call", "--edit", "--root", str(root)])
    assert code == 0, err
    it, problems = loaded_interaction(root, Path(out.strip()))
    assert problems == [] and it.body == "Added in the editor.\n"


def test_log_edit_left_empty_writes_nothing(root: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "pass\n"))
    code, _, err = run_cli(["log", "acme", "--edit", "--root", str(root)])
    assert code == 1 and "no interaction logged" in err
    assert interactions(root) == []


def test_log_edit_needs_an_editor_before_writing(root: Path):
    code, _, err = run_cli(["log", "acme", "Hi.", "--edit", "--root", str(root)])
    assert code == 2 and "$EDITOR" in err
    assert interactions(root) == []


# -- new ----------------------------------------------------------------------------------

def test_new_creates_a_commented_customer(root: Path):
    code, out, err = run_cli(["new", "Müller & Söhne GmbH", "--owner", "maya", "--tier", "key", "--root", str(root)])
    assert code == 0, err
    path = Path(out.strip())
    assert path == (root / "content/customers/muller-sohne-gmbh/customer.yaml").resolve()
    assert (path.parent / "interactions/.gitkeep").is_file()
    loaded = load(root)
    assert loaded.problems == []
    (c,) = [c for c in loaded.playbook.customers if c.slug == "muller-sohne-gmbh"]
    assert (c.name, c.owners, c.tier, c.since, c.contacts) == ("Müller & Söhne GmbH", ("maya",), "key", TODAY, ())
    text = path.read_text(encoding="utf-8")
    assert "# contacts:" in text and "# renewal:" in text and "\r" not in text
    assert check(root, as_of=TODAY)[0] == []
    no_temp_files(root)


def test_new_examples_are_valid_once_uncommented(root: Path):
    run_cli(["new", "Plain Co", "--root", str(root)])
    text = (root / "content/customers/plain-co/customer.yaml").read_text()
    uncommented = "\n".join(line[2:] if re.match(r"^# ( *)([a-z_]+:( |$)|- )", line) else line
                            for line in text.split("\n"))
    (root / "content/customers/plain-co/customer.yaml").write_text(uncommented)
    loaded = load(root)
    (c,) = [c for c in loaded.playbook.customers if c.slug == "plain-co"]
    assert [p for p in loaded.problems if "plain-co" in p.path and p.severity == "error"] == []
    assert c.contacts[0].name == "Maria Lopez" and c.renewal and c.asks and c.tags and c.cadence == 14


@pytest.mark.parametrize("name", ["No", "Re: Acme", "'Quoted' Ltd", "Null Corp", "#1 Widgets"])
def test_new_quotes_the_name(root: Path, name: str):
    code, out, err = run_cli(["new", name, "--root", str(root)])
    assert code == 0, err
    loaded = load(root)
    assert loaded.problems == []
    assert name in [c.name for c in loaded.playbook.customers]


def test_new_refuses_an_existing_slug(root: Path):
    before = (root / ACME_YAML).read_bytes()
    code, out, err = run_cli(["new", "ACME", "--root", str(root)])
    assert code == 1 and out == "" and "already exists" in err
    assert (root / ACME_YAML).read_bytes() == before
    assert not (root / ACME / "interactions").exists()


def test_new_needs_a_slug_for_names_without_latin_letters(root: Path):
    code, _, err = run_cli(["new", "東京商事", "--root", str(root)])
    assert code == 2 and "--slug" in err
    code, _, err = run_cli(["new", "東京商事", "--slug", "Tokyo Trading", "--root", str(root)])
    assert code == 2 and "tokyo-trading" in err
    code, out, err = run_cli(["new", "東京商事", "--slug", "tokyo-trading", "--root", str(root)])
    assert code == 0, err
    assert "東京商事" in [c.name for c in load(root).playbook.customers]


def test_new_warns_on_unknown_owner_and_tier(root: Path):
    code, _, err = run_cli(["new", "Beta", "--owner", "mayaa", "--tier", "gold", "--root", str(root)])
    assert code == 0
    assert "owner 'mayaa' is not a team member" in err and "did you mean 'maya'" in err
    assert "tier 'gold' has no cadence" in err


def test_new_in_a_playbook_without_customers_yet(tmp_path: Path):
    root = write_playbook(tmp_path / "pb", {"playbook.yaml": "title: T\n"})
    code, out, err = run_cli(["new", "First One"], cwd=root)
    assert code == 0, err
    assert load(root).problems == []


# -- done ---------------------------------------------------------------------------------

NOTE = ("---\ndate: 2026-11-10\ntype: call\n---\nNotes.\n\n"
        "- [ ] Send the usage report (due 2026-12-05)\n"
        "- [ ] Send the deck\n"
        "- [x] Book the venue\n"
        "```\n- [ ] Send inside a code block\n```\n"
        "* [ ] Ask Ben about SSO\n")


def _done_root(tmp_path: Path, note: bytes) -> tuple[Path, Path]:
    root = write_playbook(tmp_path / "pb", {
        "playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML,
        f"{ACME}/interactions/2026-11-10-call.md": note,
        f"{ACME}/interactions/2026-11-12-email.md": "---\ndate: 2026-11-12\ntype: email\n---\n- [ ] Send the contract\n",
    })
    return root, root / ACME / "interactions/2026-11-10-call.md"


@pytest.mark.parametrize("encoding", ["lf", "crlf", "crlf+bom", "cr"])
def test_done_ticks_one_box_and_changes_nothing_else(tmp_path: Path, encoding: str):
    text = NOTE if encoding == "lf" else NOTE.replace("\n", "\r") if encoding == "cr" else NOTE.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if "bom" in encoding else b"") + text.encode("utf-8")
    root, path = _done_root(tmp_path, data)
    code, out, err = run_cli(["done", "acme", "USAGE report", "--root", str(root)])
    assert code == 0, err
    assert "2026-11-10-call.md:7: Send the usage report" in out
    after = path.read_bytes()
    assert after == data.replace(b"- [ ] Send the usage", b"- [x] Send the usage")
    assert sum(a != b for a, b in zip(after, data)) == 1 and len(after) == len(data)
    loaded = load(root)
    assert loaded.problems == []
    it = loaded.playbook.customers[0].interactions[0]
    assert [(c.text, c.done) for c in it.commitments][:2] == [("Send the usage report", True), ("Send the deck", False)]
    no_temp_files(root)


def test_done_keeps_the_file_mode(tmp_path: Path):
    root, path = _done_root(tmp_path, NOTE.encode())
    path.chmod(0o640)
    assert run_cli(["done", "acme", "deck", "--root", str(root)])[0] == 0
    assert path.stat().st_mode & 0o777 == 0o640


def test_done_ticks_other_list_markers(tmp_path: Path):
    root, path = _done_root(tmp_path, NOTE.encode())
    assert run_cli(["done", "acme", "sso", "--root", str(root)])[0] == 0
    assert b"* [x] Ask Ben about SSO\n" in path.read_bytes()


def test_done_with_several_matches_lists_them_and_writes_nothing(tmp_path: Path):
    root, path = _done_root(tmp_path, NOTE.encode())
    before = {p: p.read_bytes() for p in interactions(root)}
    code, out, err = run_cli(["done", "acme", "send", "--root", str(root)])
    assert code == 1 and out == ""
    assert err == (
        "playbook: 'send' matches 3 open items of Acme Bakery; give more of the text or the number:\n"
        "Promises to Acme Bakery not kept yet:\n"
        "  1. Send the usage report (due 5 Dec 2026)\n     content/customers/acme/interactions/2026-11-10-call.md:7\n"
        "  2. Send the deck\n     content/customers/acme/interactions/2026-11-10-call.md:8\n"
        "  3. Ask Ben about SSO\n     content/customers/acme/interactions/2026-11-10-call.md:13\n"
        "  4. Send the contract\n     content/customers/acme/interactions/2026-11-12-email.md:5\n")
    assert "code block" not in err  # not a commitment, as the loader sees it
    assert {p: p.read_bytes() for p in interactions(root)} == before


def test_done_with_no_match_lists_the_open_ones(tmp_path: Path):
    root, path = _done_root(tmp_path, NOTE.encode())
    before = path.read_bytes()
    code, _, err = run_cli(["done", "acme", "invoice", "--root", str(root)])
    assert code == 1 and err.startswith("playbook: nothing open with Acme Bakery contains 'invoice'.\n"
                                        "Promises to Acme Bakery not kept yet:\n")
    assert "  2. Send the deck\n     content/customers/acme/interactions/2026-11-10-call.md:8\n" in err
    code, out, err = run_cli(["done", "acme", "venue", "--root", str(root)])  # ticked twice: fine
    assert (code, err) == (0, "") and out == f"already done: {path}:9: Book the venue\n"
    code, _, err = run_cli(["done", "acme", "inside a code block", "--root", str(root)])
    assert code == 1
    assert path.read_bytes() == before


def test_done_prefers_an_exact_text(tmp_path: Path):
    note = "---\ndate: 2026-11-10\n---\n- [ ] Send deck\n- [ ] Send deck to Ben\n"
    root, path = _done_root(tmp_path, note.encode())
    assert run_cli(["done", "acme", "send deck", "--root", str(root)])[0] == 0
    assert path.read_text() == "---\ndate: 2026-11-10\n---\n- [x] Send deck\n- [ ] Send deck to Ben\n"


def test_done_ticks_a_file_without_front_matter(tmp_path: Path):
    data = "\ufeff- [ ] First line task\r\nmore\r\n".encode()
    root, path = _done_root(tmp_path, data)
    assert run_cli(["done", "acme", "first line", "--root", str(root)])[0] == 0
    assert path.read_bytes() == data.replace(b"[ ]", b"[x]")


def test_tick_bytes_refuses_a_line_that_changed():
    with pytest.raises(capture.CaptureError):
        capture.tick_bytes(b"- [x] done\n", 1)


# -- init ---------------------------------------------------------------------------------

def test_init_creates_a_playbook_that_checks_clean(tmp_path: Path):
    target = tmp_path / "our-playbook"
    code, out, err = run_cli(["init", str(target), "--title", "Acme: Sales Playbook"])
    assert code == 0, err
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    day1, day2 = (TODAY - timedelta(days=28)).isoformat(), (TODAY - timedelta(days=3)).isoformat()
    assert files == sorted([
        ".github/workflows/playbook.yml", ".github/workflows/digest.yml", ".gitignore", ".gitlab-ci.yml",
        "README.md", "playbook.yaml", "requirements.txt", "content/customers/example-co/customer.yaml",
        f"content/customers/example-co/interactions/{day1}-kickoff.md",
        f"content/customers/example-co/interactions/{day2}-call.md",
    ])
    for rel in files:
        data = (target / rel).read_bytes()
        assert b"\r" not in data and data.endswith(b"\n") and b"@@" not in data, rel
        data.decode("utf-8")
    assert run_cli(["check", str(target), "--strict"])[0] == 0
    loaded = load(target)
    assert loaded.problems == []
    assert loaded.config.title == "Acme: Sales Playbook"
    (c,) = loaded.playbook.customers
    assert c.slug == "example-co" and len(c.interactions) == 2 and len(c.contacts) == 2
    assert [cm.done for i in c.interactions for cm in i.commitments] == [True, False]
    assert "created playbook.yaml" in out and "git init" in out


def test_init_playbook_yaml_documents_every_setting(tmp_path: Path):
    capture.init(tmp_path / "pb", today=TODAY, requirements=REQUIREMENTS)
    text = (tmp_path / "pb/playbook.yaml").read_text()
    for key in _TOP:
        assert re.search(rf"^(# )?{key}:", text, re.M), key
    for f in fields(Thresholds):
        assert re.search(rf"^#   {f.name}: {f.default}\b", text, re.M), f.name
    # Every commented example is valid once uncommented, and the thresholds are the defaults.
    uncommented = "\n".join(line[2:] if re.match(r"^# ( *)([a-z_]+:( |$)|- )", line) else line
                            for line in text.split("\n"))
    config, problems = parse_config(uncommented)
    assert problems == []
    assert config.thresholds == Thresholds()
    assert config.team and config.plays and config.tier_cadence and config.as_of and config.repo_url and config.site_url
    assert config.branch == "main" and config.robots_noindex


def test_init_ci_files(tmp_path: Path):
    capture.init(tmp_path / "pb", today=TODAY, requirements=REQUIREMENTS)
    gh_text = (tmp_path / "pb/.github/workflows/playbook.yml").read_text()
    gh = yaml.safe_load(gh_text)
    on = gh.get("on", gh.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert "push" in on
    steps = gh["jobs"]["build"]["steps"]
    runs = [s.get("run") for s in steps if "run" in s]
    assert runs == ["pip install -r requirements.txt", "playbook check --format github", "playbook build"]
    uses = [s["uses"].split("@")[0] for job in gh["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/cache/restore", "actions/cache/save",
                    "actions/upload-pages-artifact", "actions/deploy-pages"]
    assert gh["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    gl = yaml.safe_load((tmp_path / "pb/.gitlab-ci.yml").read_text())
    scripts = {name: job["script"] for name, job in gl.items() if isinstance(job, dict) and "script" in job}
    assert scripts == {"check": ["playbook check"], "build": ["playbook build"],
                       "pages": ["playbook build --out public"],
                       "digest": ['playbook digest --all --format "$PLAYBOOK_DIGEST_FORMAT" --post -']}
    assert gl["pages"]["artifacts"]["paths"] == ["public"]
    assert gl["default"]["before_script"] == ["pip install -r requirements.txt"]
    assert (tmp_path / "pb/requirements.txt").read_text() == REQUIREMENTS
    ignored = (tmp_path / "pb/.gitignore").read_text().split("\n")
    assert "site/" in ignored and ".playbook-cache/" in ignored


def test_init_refuses_a_non_empty_folder(tmp_path: Path):
    target = tmp_path / "pb"
    target.mkdir()
    (target / "README.md").write_text("ours\r\n")
    code, out, err = run_cli(["init", str(target)])
    assert code == 1 and "not empty" in err and "--force" in err
    assert sorted(p.name for p in target.iterdir()) == ["README.md"]
    code, out, err = run_cli(["init", str(target), "--force"])
    assert code == 0, err
    assert (target / "README.md").read_bytes() == b"ours\r\n"
    assert "kept    README.md" in out and "created playbook.yaml" in out
    assert run_cli(["init", str(target), "--force"])[0] == 0  # again: nothing to add, nothing touched
    assert (target / "README.md").read_bytes() == b"ours\r\n"


def test_init_force_leaves_existing_customers_alone(tmp_path: Path):
    root = write_playbook(tmp_path / "pb", {ACME_YAML: CUSTOMER_YAML})
    assert run_cli(["init", str(root), "--force"])[0] == 0
    assert [c.slug for c in load(root).playbook.customers] == ["acme"]
    assert (root / ".github/workflows/playbook.yml").is_file()


def test_init_accepts_a_fresh_git_folder(tmp_path: Path):
    target = tmp_path / "pb"
    (target / ".git").mkdir(parents=True)
    assert run_cli(["init", str(target)])[0] == 0
    assert (target / "playbook.yaml").is_file()


def test_init_then_the_daily_loop(tmp_path: Path):
    target = tmp_path / "pb"
    capture.init(target, today=TODAY, requirements=REQUIREMENTS)
    assert run_cli(["new", "Acme Corp", "--root", str(target)])[0] == 0
    code, out, _ = run_cli(["log", "acme", "Kickoff.\n\n- [ ] Send the plan", "--with", "x", "--root", str(target)])
    assert code == 0
    assert run_cli(["done", "acme corp", "plan", "--root", str(target)])[0] == 0
    assert run_cli(["done", "example", "quote", "--root", str(target)])[0] == 0
    problems, _ = check(target, as_of=TODAY)
    assert [p.message for p in problems] == [
        "'x' is not among this customer's contacts (none listed); add them to customer.yaml or fix the spelling"]


def test_scaffold_ships_as_package_data():
    """pyproject's package-data globs skip hidden files, so templates carry no leading dot;
    every file init writes must be readable through importlib.resources."""
    base = resources.files("playbook") / "scaffold"
    seen = []

    def walk(node, prefix=""):
        for child in node.iterdir():
            assert not child.name.startswith("."), f"hidden template {prefix}{child.name} would not ship"
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            else:
                seen.append(f"{prefix}{child.name}")
    walk(base)
    wanted = {f"init/{src}" for src, _ in capture.INIT_FILES} | {"customer.yaml"}
    assert wanted <= set(seen)


# -- help -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["log", "new", "done", "init"])
def test_help_has_an_example(command: str):
    code, out, _ = run_cli([command, "--help"])
    assert code == 0 and f"playbook {command} " in out and "example" in out


def test_this_repository_carries_the_same_ci_files():
    """The repo is itself an example playbook: its CI files are the scaffold's, installing
    from the checkout, and they run the commands the README documents."""
    import yaml as _yaml
    repo = Path(__file__).resolve().parents[1]
    scaffold = repo / "src/playbook/scaffold/init"
    readme = (repo / "README.md").read_text()
    for ours, theirs in ((".github/workflows/playbook.yml", "dot-github/workflows/playbook.yml"),
                         (".gitlab-ci.yml", "dot-gitlab-ci.yml")):
        text = (repo / ours).read_text()
        _yaml.safe_load(text)
        assert "pip install ." in text and "pip install playbook" not in text
        strip = lambda t: [ln for ln in t.splitlines() if "pip install" not in ln and not ln.strip().startswith("#")]
        assert strip(text) == strip((scaffold / theirs).read_text())
        for command in ("playbook check", "playbook build"):
            assert command in text and command in readme
