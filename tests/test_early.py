"""`serve` writes an edited customer's pages ahead of the rebuild (early.py): only when they are
the pages the rebuild makes, and never when the rebuild would write nothing (an error)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builds import cold, copy_playbook, same
from helpers import REPO, tree
from playbook import config, manifest
from playbook.build import Session
from playbook.early import changed_folders
from playbook.livereload import LiveState

CUSTOMERS = ["loomwork", "kestrel-pay", "calder-wren"]
NOTE = "content/customers/loomwork/interactions/2026-11-18-early.md"
PAGE = "customers/loomwork/index.html"


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A playbook of three customers and a `serve` session over it that has built it once. Its
    customers folder is older than the tick a change could hide in (the test's is not)."""
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    root = copy_playbook(REPO, tmp_path / "pb", CUSTOMERS)
    session = Session(root, root / "site")
    ahead: dict[str, bytes] = {}
    # What was on disk when the pages written ahead were announced.
    session.carried.announce = lambda changed, early=False: ahead.update(
        {rel: (root / "site" / rel).read_bytes() for rel in changed} if early else {})
    assert session.rebuild().ok
    session.ahead = ahead  # type: ignore[attr-defined]
    yield root, session
    session.close()


def rebuild(session: Session, *paths: Path):
    session.ahead.clear()  # type: ignore[attr-defined]
    return session.rebuild(set(paths))


def note(root: Path, text: str, rel: str = NOTE) -> Path:
    path = root / rel
    path.write_text(text)
    return path


def test_an_edited_note_s_pages_go_first_as_the_rebuild_makes_them(served):
    root, session = served
    path = note(root, "---\ndate: 2026-11-18\ntype: call\n---\nAisha asked for the 30/60/90 plan by Friday.\n")
    report = rebuild(session, path)
    assert report.ok and "early" in report.phases
    assert PAGE in session.ahead and b"30/60/90 plan by Friday" in session.ahead[PAGE]
    site = tree(root / "site")
    for rel, data in session.ahead.items():
        assert data == site[rel], rel
    same(site, cold(root), "serve after a page written ahead")
    # The rebuild found the page as it makes it: not written twice (its tabs were told), and
    # counted once among the files written ("Rebuilt in … (1 change; 2 files written)").
    assert PAGE not in report.changed and PAGE in report.ahead
    assert report.written == len(report.ahead) + len(report.changed) - len(set(report.ahead) & set(report.changed))
    # Saved again unchanged (an editor's save): nothing to write ahead.
    report = rebuild(session, note(root, path.read_text()))
    assert "early" not in report.phases and not session.ahead


def test_an_edit_beside_a_change_elsewhere_is_left_to_the_rebuild(served):
    root, session = served
    path = note(root, "---\ndate: 2026-11-18\ntype: call\n---\nShort call.\n")
    # Along with it, something outside the customers' folders: the config, a template, git.
    for other in (root / "playbook.yaml", root / "templates/customer.html", root / ".git/HEAD"):
        report = rebuild(session, path, other)
        assert report.ok and "early" not in report.phases and not session.ahead, other


@pytest.mark.parametrize("case", ["new tag", "tag gone", "new person", "error", "new customer"])
def test_pages_are_left_to_the_rebuild_when_more_than_the_customer_changes(served, case):
    root, session = served
    before = tree(root / "site")
    profile = root / "content/customers/loomwork/customer.yaml"
    if case == "new tag":  # a tag page's name on every page that has the tag: made by the rebuild
        changed = [profile]
        profile.write_text(profile.read_text().replace("tags: [saas, tech, scale-up]",
                                                        "tags: [saas, tech, fintech-ish]"))
    elif case == "tag gone":  # scale-up is Loomwork's alone: its page goes, and every link to it
        changed = [profile]
        profile.write_text(profile.read_text().replace("tags: [saas, tech, scale-up]", "tags: [saas, tech]"))
    elif case == "new person":  # a new owner: a new person's page, and every page's menu
        changed = [profile]
        profile.write_text(profile.read_text().replace("owner: priya", "owner: zoe"))
    elif case == "error":
        changed = [note(root, "---\ndate: 2026-13-45\ntype: call\n---\nA date that is none.\n")]
    else:
        folder = root / "content/customers/new-co"
        folder.mkdir()
        (folder / "customer.yaml").write_text("name: New Co\nowner: priya\nsince: 2026-11-01\n")
        changed = [folder / "customer.yaml", folder]
    report = rebuild(session, *changed)
    assert "early" not in report.phases and not session.ahead
    if case == "error":
        assert not report.ok
        assert tree(root / "site") == before  # nothing written: the site stays the last good one
    else:
        assert report.ok
        same(tree(root / "site"), cold(root), case)


def test_a_new_day_is_left_to_the_rebuild(served, monkeypatch):
    root, session = served
    cfg = root / "playbook.yaml"
    cfg.write_text(cfg.read_text().replace("as_of: 2026-11-20\n", ""))
    assert session.rebuild({cfg}).ok

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.today() + (date(2026, 1, 2) - date(2026, 1, 1))
    monkeypatch.setattr(config, "date", Tomorrow)
    report = rebuild(session, note(root, "---\ndate: 2026-11-18\ntype: call\n---\nShort call.\n"))
    assert report.ok and "early" not in report.phases and not session.ahead


def test_an_error_after_a_failed_rebuild_keeps_pages_back_until_one_succeeds(served):
    root, session = served
    path = note(root, "---\ndate: 2026-11-18\ntype: call\n---\nShort call.\n")
    assert rebuild(session, path).ok
    broken = note(root, "---\ndate: 2026-11-18\ntype: [call\n---\nBroken front matter.\n",
                  "content/customers/kestrel-pay/interactions/2026-11-18-broken.md")
    assert not rebuild(session, broken).ok
    # Loomwork's edit is fine, but the site is the last good one: nothing of it is written
    # while the book cannot be built.
    before = tree(root / "site")
    report = rebuild(session, note(root, "---\ndate: 2026-11-18\ntype: call\n---\nA longer call.\n"))
    assert not report.ok and not session.ahead and tree(root / "site") == before
    broken.unlink()
    assert rebuild(session, broken).ok
    report = rebuild(session, note(root, "---\ndate: 2026-11-18\ntype: call\n---\nThe longest call.\n"))
    assert report.ok and "early" in report.phases


def test_changed_folders(tmp_path):
    root = tmp_path / "pb"
    customers = root / "content/customers"
    assert changed_folders(root, [customers / "a/interactions/x.md", customers / "b/customer.yaml",
                                  customers / "a"]) == ({"a", "b"}, True)
    assert changed_folders(root, []) == (set(), True)
    assert changed_folders(root, None) == (None, False)  # a new day: every folder looked at
    for other in (root / "playbook.yaml", root / "templates/x.html", root / ".git/HEAD", tmp_path / "elsewhere.md"):
        assert changed_folders(root, [customers / "a/customer.yaml", other]) == ({"a"}, False), other
    for holding in (customers, root / "content", root):
        assert changed_folders(root, [customers / "a/customer.yaml", holding]) == (None, False), holding


def test_a_page_announced_ahead_is_told_again_when_the_rebuild_writes_it_again():
    state = LiveState()
    state.announce(("customers/a/index.html",), True)
    assert state.version == 1 and state.history[-1][1] == {"customers/a/index.html"}

    class Report:  # what `publish` reads of a build report
        ok, problems, changed = True, [], ("customers/a/index.html",)
    state.publish(Report())  # type: ignore[arg-type]
    assert state.history[-1][1] == {"customers/a/index.html"}
    # A page the build itself announced first is not told twice.
    state.announce(("customers/b/index.html",))
    Report.changed = ("customers/b/index.html",)
    state.publish(Report())  # type: ignore[arg-type]
    assert state.history[-1][1] == frozenset()


def test_the_page_written_ahead_comes_before_anything_over_all_customers(served, monkeypatch):
    """Before any other file is looked at on disk or written, and before its folder's signature
    is taken (the rebuild's first pass over the folders)."""
    from playbook import write
    root, session = served
    order: list[str] = []
    add, has, signed = write.SyncWriter.add, write.Writer.has, manifest.signature_and_links
    monkeypatch.setattr(write.SyncWriter, "add",
                        lambda self, rel, k, data: (order.append(rel) if data is not None else None,
                                                    add(self, rel, k, data))[1])
    monkeypatch.setattr(write.Writer, "has", lambda self, rel, k: (order.append(f"has {rel}"), has(self, rel, k))[1])
    monkeypatch.setattr(manifest, "signature_and_links",
                        lambda folder, *a: (order.append(f"sign {folder.name}"), signed(folder, *a))[1])
    report = rebuild(session, note(root, "---\ndate: 2026-11-18\ntype: call\n---\nAisha rang.\n"))
    assert report.ok and "early" in report.phases
    looked = [order.index(x) for x in order if x.startswith(("has ", "sign "))]
    assert order[0] == PAGE and looked and order.index(PAGE) < min(looked)
