"""A list page over all customers is keyed by what it shows (site/lists.py: the site's key,
its address, title, pager and totals, and the digest of what it reads of every row and action
on it),
and its view data is made only when that key is new. The key must change whenever the view
data would: here two states of a playbook, the second after random everyday edits, give
pages whose keys are equal only where their view data is too."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import pytest

from playbook import units
from playbook.build import begin
from playbook.site_files import list_keys
from playbook.memo import Memo, fingerprint
from playbook.site import Renderer, paging
from playbook.site.kept import Deferred

from builds import synthetic_playbook

AS_OF = date(2026, 6, 1)


def list_pages(root: Path, memo: Memo) -> dict[str, tuple[str, str | None]]:
    """Each deferred list page's (key, fingerprint of its view data)."""
    b = begin(root, AS_OF)
    ok = [u for u in (units.analyse_folder(f, rel, b.inputs, memo) for f, rel in b.folders) if u.relationship]
    inp = b.inputs
    r = Renderer([u.relationship for u in ok], inp.config, inp.as_of, inp.root, inp.git, None, keys=list_keys(ok))
    out = {}
    for path, _, ctx in [*r.views.customers(), *r.views.index_pages()]:
        if isinstance(ctx, Deferred):
            out[path] = (ctx.key, fingerprint(ctx.make()))
    return out


def latest_note(folder: Path) -> Path | None:
    """The customer's latest note up to AS_OF (notes are named by their date), if any."""
    return max((p for p in (folder / "interactions").iterdir() if p.name[:10] <= AS_OF.isoformat()), default=None)


def new_summary(note: Path, text: str) -> None:
    head, sep, body = note.read_text()[4:].partition("\n---\n")
    lines = [x for x in head.splitlines() if not x.startswith("summary:")]
    note.write_text("---\n" + "\n".join([*lines, f"summary: {text}"]) + sep + body)


def edit(root: Path, rng: random.Random) -> str:
    """One everyday edit, at random: a new note, a paragraph added at the end of one, a new
    summary, a renamed customer, a changed owner or tag, a deleted customer."""
    folders = sorted((root / "content" / "customers").iterdir())
    folder = rng.choice(folders)
    yaml = folder / "customer.yaml"
    what = rng.choice(["note", "later", "summary", "rename", "owner", "tag", "delete"])
    if what == "summary" and latest_note(folder):  # what the lists show, but its actions need not
        new_summary(latest_note(folder), f"Edited {rng.randrange(10**6)}")
    elif what in ("later", "summary"):
        note = rng.choice(sorted((folder / "interactions").iterdir()))
        note.write_text(note.read_text() + "\n\nLater: they asked after the team.\n")
    elif what == "note":
        day = date.fromordinal(AS_OF.toordinal() - rng.randrange(0, 40))
        (folder / "interactions" / f"{day}-edit-{rng.randrange(10**6)}.md").write_text(
            f"---\nkind: call\nsentiment: {rng.choice(['positive', 'negative'])}\n---\n"
            "Talked it through.\n\n- [ ] send the revised quote by Friday\n")
    elif what == "rename":
        lines = yaml.read_text().splitlines()
        lines = [f"name: {rng.choice(['Aardvark', 'Zebra', 'Mid'])} {rng.randrange(1000)}" if x.startswith("name:")
                 else x for x in lines]
        yaml.write_text("\n".join(lines) + "\n")
    elif what == "owner":  # to someone already in the team: the site's names stay as they are
        from generate import TEAM
        lines = [f"owner: {rng.choice(TEAM)[0]}" if x.startswith("owner:") else x for x in yaml.read_text().splitlines()]
        yaml.write_text("\n".join(lines) + "\n")
    elif what == "tag":
        from generate import TAGS
        lines = [x for x in yaml.read_text().splitlines() if not x.startswith("tags:")]
        yaml.write_text("\n".join([lines[0], f"tags: [{rng.choice(TAGS)}]", *lines[1:]]) + "\n")
    else:
        shutil.rmtree(folder)
    return f"{what} {folder.name}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_list_page_keeps_its_key_only_when_its_view_data_is_the_same(seed, tmp_path, monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", 4)  # every list in several pages
    root = synthetic_playbook(tmp_path, customers=30, interactions=8, seed=seed)
    memo = Memo(tmp_path / "memo")
    rng = random.Random(seed)
    before = list_pages(root, memo)
    kept = made_again = 0
    for step in range(6):
        done = edit(root, rng)
        after = list_pages(root, memo)
        for p in before.keys() & after.keys():
            if before[p][0] == after[p][0]:
                assert before[p][1] == after[p][1], (p, step, done)
                kept += 1
            elif before[p][1] != after[p][1]:
                made_again += 1
        # Within one state, two pages never share a key unless they show the same thing.
        by_key: dict[str, set] = {}
        for k, fp in after.values():
            by_key.setdefault(k, set()).add(fp)
        assert all(len(fps) == 1 for fps in by_key.values())
        before = after
    assert len(before) > 20 and kept > 20 and made_again > 5, (kept, made_again)  # not vacuous


def test_a_paragraph_added_at_the_end_of_a_note_keeps_every_list_page(tmp_path, monkeypatch):
    """What the lists show of a customer is its slim relationship, not its notes' text: an
    edit that changes none of it renders no list page again (it only changes the customer's
    own pages, the search index and the export)."""
    monkeypatch.setattr(paging, "PER_PAGE", 4)
    root = synthetic_playbook(tmp_path, customers=12, interactions=6, seed=4)
    memo = Memo(tmp_path / "memo")
    before = list_pages(root, memo)
    notes = sorted((root / "content" / "customers").glob("*/interactions/*.md"))
    for note in notes[::5]:
        note.write_text(note.read_text() + "\n\nLater: they asked after the team.\n")
    assert list_pages(root, memo) == before


def test_a_new_summary_keeps_the_pages_of_actions_it_does_not_change(tmp_path, monkeypatch):
    """A list reads of an action only the action and its customer's name and owners
    (`Unit.action_keys`): a note's new summary changes a page of actions only where an
    action's own text quotes it (the repair a bad touch asks for)."""
    monkeypatch.setattr(paging, "PER_PAGE", 4)
    root = synthetic_playbook(tmp_path, customers=12, interactions=6, seed=5)
    memo = Memo(tmp_path / "memo")
    before = list_pages(root, memo)
    edited = 0
    for folder in sorted((root / "content" / "customers").iterdir()):
        note = latest_note(folder)
        if note is not None:
            new_summary(note, "A new summary")
            edited += 1
    after = list_pages(root, memo)
    actions = [p for p in before if p.startswith("actions") or "/actions/" in p]
    same = [p for p in actions if before[p][1] == after[p][1]]
    assert [p for p in same if before[p][0] != after[p][0]] == []  # none made again for nothing
    assert edited > 3 and len(same) >= 3, (edited, same)  # not vacuous
    assert any(before[p][0] != after[p][0] for p in before)
