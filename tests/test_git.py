"""Git awareness: who changed a customer's files, authors for notes without `by`, --since."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import run_cli
from playbook.cli import main
from playbook.gitinfo import GitInfo, parse_log, read_git

CONFIG = "as_of: 2026-11-20\nteam:\n  - {handle: ana, name: Ana Silva, email: ana@example.com}\n"


def git(root: Path, *args: str, author: str = "Ana Silva <ana@example.com>", when: str = "2026-11-10T10:00:00") -> str:
    name, email = author[:-1].split(" <")
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def repo(tmp_path) -> Path:
    root = tmp_path / "pb"
    c = root / "content/customers/acme"
    (c / "interactions").mkdir(parents=True)
    (root / "playbook.yaml").write_text(CONFIG)
    (c / "customer.yaml").write_text("name: Acme\nowner: ana\nsince: 2025-01-01\ncontacts:\n  - name: Pat Lee\n")
    (c / "interactions/2026-11-09-call.md").write_text("Called Pat about the rollout.\n\n- [ ] Send the plan\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Acme: first notes")
    (c / "interactions/2026-11-15-visit.md").write_text("---\ntype: visit\nby: ana\n---\nVisited the site.\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Acme: site visit", author="Bo Outsider <bo@elsewhere.example>", when="2026-11-16T09:00:00")
    return root


def test_parse_log_is_pure():
    text = ("\x00abc123\t2026-11-16T09:00:00+00:00\tBo\tbo@x\tSecond\n\ncontent/a.md\ncontent/b.md\n"
            "\x00def456\t2026-11-10T10:00:00+00:00\tAna\tana@x\tFirst\n\ncontent/a.md\n")
    info = parse_log(text)
    assert info.last["content/a.md"].commit == "abc123"
    assert info.added["content/a.md"].author == "Ana"
    assert info.last_change(["content/a.md", "content/b.md"]).subject == "Second"
    assert [c.commit for c, _ in info.changes_after("def456")] == ["abc123"]
    assert info.changes_after("2026-11-11")[0][0].commit == "abc123"
    assert info.changes_after("nope") is None


def test_outside_a_work_tree_there_is_nothing(tmp_path):
    assert read_git(tmp_path) == GitInfo()


def test_site_shows_last_change_and_git_authors(repo):
    assert main(["build", str(repo), "--quiet"]) == 0
    page = (repo / "site/customers/acme/index.html").read_text()
    assert "Files last changed (git): <time datetime=\"2026-11-16\">16 Nov 2026</time> by Bo Outsider" in page
    # The call note has no `by`: it takes Ana, who committed it (matched by her email), marked as such.
    assert "by <a href=\"../../owners/ana.html\">Ana Silva</a> (from git)" in page
    # The visit note names `by: ana` itself, so nothing is marked.
    assert page.count("(from git)") == 1


def test_a_change_after_the_day_the_site_is_built_for_says_so(repo):
    """A site built `--as-of` a past day shows the notes up to it, but git's last change as it
    is: that change is said to come after the site's day, not shown as if from before it."""
    assert main(["build", str(repo), "--quiet", "--as-of", "2026-11-15"]) == 0
    page = (repo / "site/customers/acme/index.html").read_text()
    assert ("Files last changed (git): <time datetime=\"2026-11-16\">16 Nov 2026</time> by Bo Outsider, "
            "after 15 Nov 2026, the day this site is built for</span>") in page
    assert main(["build", str(repo), "--quiet", "--as-of", "2026-11-16"]) == 0
    page = (repo / "site/customers/acme/index.html").read_text()
    assert "by Bo Outsider</span>" in page and "the day this site is built for" not in page


def test_since_lists_changes_after_a_commit_or_date(repo):
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    assert main(["build", str(repo), "--quiet", "--since", first[:8]]) == 0
    home = (repo / "site/index.html").read_text()
    assert f"Changed since {first[:8]}" in home and "Acme: site visit" in home and "Acme: first notes" not in home
    assert main(["build", str(repo), "--quiet", "--since", "2026-11-01"]) == 0
    home = (repo / "site/index.html").read_text()
    assert "Acme: site visit" in home and "Acme: first notes" in home


def test_since_with_an_unknown_commit_is_a_usage_error(repo):
    code, out, err = run_cli(["build", str(repo), "--since", "deadbeef"])
    assert (code, out) == (2, "")
    assert err == "playbook: --since deadbeef: not a date (YYYY-MM-DD) nor a commit that changed content/\n"
    assert not (repo / "site").exists()


def test_every_fact_git_gives_a_page_keeps_the_memo_current(repo, tmp_path, monkeypatch):
    """A team's customer page may show the last commit's subject and id (the default shows its
    date and author): a second commit the same day by the same person changes only those, and
    a warm build still shows it as a cold build does (the analysis is keyed by all of git's
    facts on the folder: without the commit and subject in `inputs.git_digests` it kept the
    page of the commit before)."""
    from builds import cold, same
    from helpers import REPO, tree
    from playbook import manifest
    from playbook.build import build
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    page = (REPO / "templates" / "customer.html").read_text()
    shown = "by {{ changed.author }}"
    (repo / "templates").mkdir()
    (repo / "templates" / "customer.html").write_text(
        page.replace(shown, shown + " ({{ changed.subject }}, {{ changed.commit }})", 1))
    out = tmp_path / "site"
    assert build(repo, out).ok
    visit = repo / "content/customers/acme/interactions/2026-11-15-visit.md"
    visit.write_text(visit.read_text() + "\nThey showed us the new loading bay.\n")
    assert build(repo, out).ok  # the edit, before it is committed
    git(repo, "commit", "-qam", "Acme: the loading bay", author="Bo Outsider <bo@elsewhere.example>",
        when="2026-11-16T09:30:00")  # Bo again, the day of his last commit
    assert build(repo, out).ok
    assert "Acme: the loading bay" in (out / "customers/acme/index.html").read_text()
    same(tree(out), cold(repo), "after the commit")


def test_of_one_days_commits_the_page_names_the_latest():
    """Two commits on one day touch two files of a customer: 'Files last changed' names the
    later one (the first in the log), whatever their hashes (it was the larger hash)."""
    text = ("\x00111aaa\t2026-11-21T17:00:00+00:00\tTomas\ttomas@x\tEvening\n\ncontent/customers/c/b.md\n"
            "\x00fff999\t2026-11-21T09:00:00+00:00\tMaya\tmaya@x\tMorning\n\ncontent/customers/c/a.md\n")
    info = parse_log(text)
    assert info.last_change(["content/customers/c/a.md", "content/customers/c/b.md"]).subject == "Evening"
    assert info.last_change(["content/customers/c/a.md"]).subject == "Morning"
