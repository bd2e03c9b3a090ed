"""The search index in pieces (outputs/search_shards.py), as a large playbook's is written:
every customer's words in the shards of their first letters, each entry beside its page,
pieces kept by what they hold. That a search over the pieces finds what the one-file search
finds is checked in Chromium (tests/test_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builds import copy_playbook, same
from helpers import REPO, tree
from playbook.build import build
from playbook.outputs import search_shards
from playbook.outputs.search_shards import entry_words, fold, shard_key


@pytest.fixture
def pieces(monkeypatch):
    monkeypatch.setattr(search_shards, "ONE_FILE_MAX", 0)


def manifest(site: Path) -> dict:
    text = (site / "search-index.js").read_text("utf-8")
    return json.loads(re.search(r"window\.PLAYBOOK_SEARCH=(.*);\n", text).group(1))


def shards(site: Path) -> dict[str, list[tuple[int, list[list[str]]]]]:
    out = {}
    for f in sorted((site / "search/t").glob("*.js")):
        m = re.fullmatch(r'PLAYBOOK_SEARCH_SHARD\("([^"]+)",(".*")\);\n', f.read_text("utf-8"), re.S)
        assert m and m.group(1) == f.stem
        out[f.stem] = [(int(line.split(" ", 1)[0], 36), [g.split() for g in line.split(" ", 1)[1].split("|")])
                       for line in json.loads(m.group(2)).split("\n")]
    return out


def docs(site: Path) -> dict[str, list]:
    out = {}
    for f in sorted(site.glob("customers/*/search.js")):
        m = re.fullmatch(r'PLAYBOOK_SEARCH_DOC\((".*?"),(.*)\);\n', f.read_text("utf-8"), re.S)
        out[json.loads(m.group(1))] = json.loads(m.group(2))
    return out


def test_a_small_playbook_keeps_its_one_file_index(example_site):
    assert (example_site / "search-index.js").read_text("utf-8").startswith("/* Playbook search index;")
    assert not (example_site / "search").exists()
    assert not list(example_site.glob("customers/*/search.js"))


def test_every_word_of_every_customer_is_in_its_shard(pieces, tmp_path, example_site):
    assert build(REPO, tmp_path / "site", use_cache=False).ok
    site = tmp_path / "site"
    head = manifest(site)
    entries = docs(site)
    assert head["customers"] == sorted(entries) and len(entries) == 15
    # the entries are those of the one-file index
    one = (example_site / "search-index.js").read_text("utf-8")
    assert json.loads(one[one.index("[\n"):one.rindex("]") + 1]) == [entries[s] for s in head["customers"]]
    found = shards(site)
    assert head["shards"] == sorted(found)
    for n, slug in enumerate(head["customers"]):
        want: dict[str, list[set[str]]] = {}
        for w, field in entry_words(entries[slug]).items():
            want.setdefault(shard_key(w), [set(), set(), set(), set()])[field].add(w)
        got = {k: [set(g) for g in groups] + [set()] * (4 - len(groups))
               for k, lines in found.items() for c, groups in lines if c == n}
        assert got == want, slug
    # a word is in its best field: a customer's name is found as a name, not as a note
    kestrel = head["customers"].index("kestrel-pay")
    assert any(c == kestrel and "kestrel" in groups[0] for c, groups in found["ke"])


@pytest.mark.parametrize("text, folded", [
    ("Tomás Reilly", "tomas reilly"), ("Café MANAGER", "cafe manager"), ("O’Brien", "o'brien"),
    ("Œuvre ß", "œuvre ß"), ("ÅNGSTRÖM", "angstrom"),
])
def test_fold_as_the_browser_does(text, folded):
    assert fold(text) == folded


def test_words_and_their_shards():
    e = ["acme", "Acme Ltd", "", "Zoë O'Brien", "key Growing maya", "Søren liked 2026 pricing",
         [["contact-zoe", "Zoë O'Brien", "CFO", "zoe@acme.example"]],
         [["i-1", "Called about pricing", "2026-11-02", "call", "Zoë", "maya", "A x"]]]
    w = entry_words(e)
    assert w["acme"] == 0 and w["zoe"] == 0 and w["brien"] == 0  # the name, the contact's name
    assert w["pricing"] == 0  # an interaction's summary is its record's name
    assert w["cfo"] == 2 and w["maya"] == 2 and w["søren"] == 3 and w["2026"] == 2
    assert "o" not in w and "x" not in w  # one letter narrows nothing
    assert shard_key("søren") == "s_" and shard_key("2026") == "20"


def test_an_edit_rewrites_only_the_pieces_it_touches(pieces, tmp_path):
    root = copy_playbook(REPO, tmp_path / "pb")
    assert build(root, root / "site").ok
    before = tree(root / "site")
    note = sorted((root / "content/customers/loomwork/interactions").glob("*.md"))[-1]
    note.write_text(note.read_text("utf-8") + "\nZebrafish quorum.\n", "utf-8")
    assert build(root, root / "site").ok
    after = tree(root / "site")
    changed = sorted(k for k in after if k.startswith(("search", "customers/")) and k.endswith(".js")
                     and after[k] != before.get(k))
    assert changed == ["customers/loomwork/search.js", "search/t/qu.js", "search/t/ze.js"]
    cold = tmp_path / "cold"
    assert build(root, cold, use_cache=False).ok
    same(after, tree(cold), "the warm build in pieces against a cold one")


def test_customers_grouped_a_block_at_a_time_are_numbered_where_they_now_are(pieces, monkeypatch, tmp_path):
    """A build keeps each block of customers' shard lines by their analyses and where the
    block starts: customers put before them move every block along by whole blocks, and the
    lines kept from before must not keep their old numbers."""
    monkeypatch.setattr(search_shards, "BLOCK", 2)
    root = copy_playbook(REPO, tmp_path / "pb")
    assert build(root, root / "site").ok
    for slug in ("aaa-first", "aaa-second"):  # before every other customer: one block
        (root / "content/customers" / slug).mkdir()
        (root / "content/customers" / slug / "customer.yaml").write_text(f"name: {slug.title()}\n")
    assert build(root, root / "site").ok
    assert manifest(root / "site")["customers"][:2] == ["aaa-first", "aaa-second"]
    cold = tmp_path / "cold"
    assert build(root, cold, use_cache=False).ok
    same(tree(root / "site"), tree(cold), "the warm build in pieces against a cold one")


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_piece_gone_from_the_site_is_made_again_though_the_memo_knows_it(pieces, tmp_path, damage):
    """The memo says what a shard split into; the files must still be in the site as written
    for a build to keep them (else the site lacks a piece and searches miss words)."""
    root = copy_playbook(REPO, tmp_path / "pb")
    assert build(root, root / "site").ok
    piece = sorted((root / "site/search/t").glob("*.js"))[3]
    if damage == "deleted":
        piece.unlink()
    else:
        piece.write_bytes(piece.read_bytes().replace(b"(", b"(/*x*/", 1))
    assert build(root, root / "site").ok
    cold = tmp_path / "cold"
    assert build(root, cold, use_cache=False).ok
    same(tree(root / "site"), tree(cold), f"a piece {damage} by hand")


def test_a_large_shard_is_split_by_one_more_character(monkeypatch, tmp_path):
    monkeypatch.setattr(search_shards, "ONE_FILE_MAX", 0)
    monkeypatch.setattr(search_shards, "SHARD_MAX", 300)
    assert build(REPO, tmp_path / "site", use_cache=False).ok
    site = tmp_path / "site"
    head, found, entries = manifest(site), shards(site), docs(site)
    assert any(len(k) >= 4 for k in found)  # split more than once
    for f in (site / "search/t").glob("*.js"):
        text = json.loads(re.search(r',(".*")\);', f.read_text("utf-8"), re.S).group(1))
        assert len(text) - text.count("\n") <= 300, f.name

    def leaf(word: str) -> str:  # as assets/search.js finds it: the first of its prefixes that is a shard
        return next(shard_key(word, d) for d in range(2, len(word) + 2) if shard_key(word, d) in found)

    for n, slug in enumerate(head["customers"]):
        for w, field in entry_words(entries[slug]).items():
            assert any(c == n and w in gs[field] for c, gs in found[leaf(w)]), (slug, w)
    assert shard_key("re", 3) == "re-" and shard_key("rev", 3) == "rev" and shard_key("søren", 3) == "s_r"


class _Unit:
    """What the pieces read of a unit (search_shards.Indexed)."""

    def __init__(self, slug: str, words: list[str], version: int):
        entry = [slug, f"{slug} {words[0]}", "", "", "", " ".join(words)]
        self.slug, self.akey = slug, f"{slug}@{version}"
        self.search_words_z = search_shards.words_blob(entry, 100)
        self.search_bytes = search_shards.entry_bytes(self.search_words_z)
        self.search_line = json.dumps(entry).encode()


@pytest.mark.parametrize("seed", range(6))
def test_serve_regroups_only_what_changed_and_gets_what_a_whole_regrouping_gets(seed, monkeypatch, tmp_path):
    """`serve` keeps the pieces (search_shards.Shards) and regroups only the shards of the
    customers that changed; a build remembers in the memo what each shard split into and
    splits again only shards whose lines changed. After every step of a random walk (edits,
    new and deleted customers, several at once, the index falling back to one file and
    growing out of it) both leave exactly the files a fresh state, without a memo, makes."""
    import random
    from playbook.memo import Memo
    rng = random.Random(seed)
    memo = Memo(tmp_path)
    disk: dict[str, tuple[str, bytes]] = {}  # a build's output: path -> (key, bytes)

    def build_into(now: list) -> dict[str, bytes]:
        """One build's files with the memo, kept ones taken from the last build's."""
        made = {}
        for rel, k, data in search_shards.files(now, lambda rel, k: disk.get(rel, ("",))[0] == k,
                                                 lambda lines: [b"".join(lines)], None, memo):
            made[rel] = (k, disk[rel][1] if data is None else data if isinstance(data, bytes) else b"".join(data))
        disk.clear()
        disk.update(made)
        return {rel: data for rel, (_, data) in made.items()}

    monkeypatch.setattr(search_shards, "SHARD_MAX", 120)  # shards split, and re-split as they grow
    vocab = [f"{a}{b}{c}" for a in "abrs" for b in "aeo" for c in ("", "n", "st", "ver", "lling")]
    units = {f"c{n:02}": _Unit(f"c{n:02}", rng.sample(vocab, 5), 0) for n in range(12)}
    state, version = search_shards.Shards(), 0
    never = lambda rel, k: False  # noqa: E731 (nothing on disk: every file is made)
    for step in range(25):
        version += 1
        what = rng.choice(["edit", "edit", "edit", "many", "add", "delete", "rename", "one-file"])
        monkeypatch.setattr(search_shards, "ONE_FILE_MAX", 10**9 if what == "one-file" else 0)
        slugs = sorted(units)
        if what == "edit" or what == "many":
            for slug in rng.sample(slugs, 1 if what == "edit" else 4):
                units[slug] = _Unit(slug, rng.sample(vocab, rng.randint(1, 8)), version)
        elif what in ("add", "rename"):
            if what == "rename":
                del units[rng.choice(slugs)]
            slug = f"c{rng.randrange(100):02}"
            units[slug] = _Unit(slug, rng.sample(vocab, 5), version)
        elif len(units) > 2:
            del units[rng.choice(slugs)]
        now = [units[s] for s in sorted(units)]
        kept = list(search_shards.files(now, never, lambda lines: [b"".join(lines)], state))
        fresh = list(search_shards.files(now, never, lambda lines: [b"".join(lines)]))
        assert kept == fresh, (step, what)
        whole = {rel: data if isinstance(data, bytes) else b"".join(data) for rel, _, data in fresh}
        assert build_into(now) == whole, (step, what)
