"""The search index of a large playbook, in pieces a query loads on demand.

`search-index.js` holds every customer's entry (search.py) and a search loads it whole: 83 MB
at 10,000 customers × 20 notes. Over ONE_FILE_MAX bytes of entries the index is written in
pieces instead, each loaded by a `<script>` tag (which works from file://, where fetch() does
not) only when a query needs it:

    search-index.js          window.PLAYBOOK_SEARCH = {"v": 2, "customers": [slug, …],
                                                        "shards": [key, …]}
    search/t/<key>.js        PLAYBOOK_SEARCH_SHARD(key, "id w w|w|w w|w\\n…")
    customers/<slug>/search.js
                             PLAYBOOK_SEARCH_DOC(slug, entry)   (one customer's entry, as in
                                                                 the one-file index, beside
                                                                 its page)

A shard holds the words starting with its key (the first two characters of a folded word, each
outside a–z and 0–9 written `_`; a shard over SHARD_MAX is split by a third character, and so
on, `-` ending the key of a word as short as it): one line per customer that has any, its number in
`customers` (base 36), then its words grouped by the best field they are found in (name,
people, tags, notes; trailing empty groups left out). A query loads the shard of each of its
words, keeps the customers that have a word starting with every one of them, ranks them by
the best score their fields allow, and loads the entries of the likeliest few to find, score
and show the results exactly as the one-file search does (`assets/search.js`). So a word is
found from its start here ("manag" finds "Manager", "anager" does not); a word as short as
the prefix of a shard split under it ("re") is found whole only (the words starting with it
are megabytes); words of one letter narrow nothing and are only checked in the entries loaded.

Folding and word splitting here and in `assets/search.js` must agree: lower case, the same
accent marks removed after NFD, typographic quotes as plain ones; a word is a run of letters
and digits.
"""

from __future__ import annotations

import json
import pickle
import re
import unicodedata
import zlib
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

from ..memo import Memo, digest, key

#: Bytes of entries up to which the index stays one file, loaded whole, exactly as before
#: (a search within it also finds words from their middle).
ONE_FILE_MAX = 2_000_000
#: Customers whose shard lines a build groups, and memoises, together (`_block`).
BLOCK = 64
#: Folder of the pieces, in the site.
FOLDER = "search"
#: The index in one file (a small book), or its root (a sharded one).
INDEX = "search-index.js"
#: A shard over this many bytes is split by one more character of its words (the common
#: prefixes of a language, `re`, `co`, `pr`, are each half a megabyte at 10,000 customers).
SHARD_MAX = 150_000

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")
_KEY_CHAR = re.compile(r"[^a-z0-9]")


def fold(text: str) -> str:
    """As `fold` in assets/search.js: accents off, typographic quotes plain, lower case."""
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFD", text))
        text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u02bc", "'")
        text = text.replace("\u201c", '"').replace("\u201d", '"')
    return text.lower()


def shard_key(word: str, depth: int = 2) -> str:
    """The shard a folded word of two or more characters is in, at `depth` characters: its
    first `depth` characters, each outside a–z and 0–9 as `_`, and `-` after a word shorter
    than that."""
    return _KEY_CHAR.sub("_", word[:depth]) + ("-" if len(word) < depth else "")


def _split(k: str, lines: list[str], depth: int) -> dict[str, list[str]]:
    """A shard over SHARD_MAX bytes as shards of one more character (`re` → `rea`, `reb`…,
    and `re-` for the word `re` itself), again and again: a query loads one of them."""
    if sum(map(len, lines)) <= SHARD_MAX or depth >= 12:
        return {k: lines}
    sub: dict[str, list[str]] = {}
    for line in lines:
        cid, _, words = line.partition(" ")
        groups = words.split("|")
        per: dict[str, list[list[str]]] = {}
        for field, group in enumerate(groups):
            for w in group.split():
                per.setdefault(shard_key(w, depth + 1), [[] for _ in groups])[field].append(w)
        for sk, gs in per.items():
            texts = [" ".join(g) for g in gs]
            while texts and not texts[-1]:
                texts.pop()
            sub.setdefault(sk, []).append(f"{cid} {'|'.join(texts)}")
    out: dict[str, list[str]] = {}
    for sk in sorted(sub):
        out.update(_split(sk, sub[sk], depth + 1))
    return out


def entry_words(entry: list) -> dict[str, int]:
    """Every word of a customer's entry (search.entry) with the best field it is found in, as
    `assets/search.js` builds its records' haystacks: 0 name, 1 people, 2 tags, 3 notes."""
    best: dict[str, int] = {}

    def add(field: int, *texts: str) -> None:
        for text in texts:
            for w in _WORD.findall(fold(text or "")):
                if len(w) >= 2 and best.get(w, 9) > field:
                    best[w] = field

    _slug, name, _context, people, tags, text, contacts, items = (entry + [""] * 8)[:8]
    add(0, name)
    add(1, people)
    add(2, tags)
    add(3, text)
    for p in contacts or ():
        p = p + [""] * (5 - len(p))  # [anchor, name, role, extra, text], trailing empties left out
        add(0, p[1])
        add(2, p[2], name, p[3])
        add(3, p[4])
    for it in items or ():
        it = it + [""] * (7 - len(it))  # [anchor, summary, date, type, with, by, text]
        add(0, it[1])
        add(1, it[4])
        add(2, name, it[3], it[5], it[2])
        add(3, it[6])
    return best


def words_blob(entry: list, line_bytes: int) -> bytes:
    """What a build keeps per customer for the pieces (zlib): the size of its entry, then per
    shard key its words grouped by field ("key\\tw w|w|w w|w")."""
    by_key: dict[str, list[list[str]]] = {}
    for w, field in sorted(entry_words(entry).items()):
        by_key.setdefault(shard_key(w), [[], [], [], []])[field].append(w)
    lines = [str(line_bytes)]
    for k in sorted(by_key):
        groups = [" ".join(g) for g in by_key[k]]
        while groups and not groups[-1]:
            groups.pop()
        lines.append(f"{k}\t{'|'.join(groups)}")
    return zlib.compress("\n".join(lines).encode("utf-8"), 1)


class Indexed(Protocol):
    """What the pieces read of a customer's unit (units.Unit). Its words and line are read
    through `Fill` (a unit read back slim holds neither), its size without."""

    slug: str
    akey: str
    search_words_z: bytes
    search_bytes: int

    @property
    def search_line(self) -> bytes: ...


U = TypeVar("U", bound=Indexed)
Fill = Callable[[U], U]
"""The unit with its words and line (units.with_blobs)."""


def _same(u: U) -> U:
    return u


def entry_bytes(words_z: bytes) -> int:
    """The size of a customer's entry: the first line of its words blob (read alone)."""
    return int(zlib.decompressobj().decompress(words_z, 24).partition(b"\n")[0])


def _js(value) -> str:
    """A JSON value safe inside a script, as search.entry_line writes entries."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029"))


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def doc_path(slug: str) -> str:
    """Beside the customer's page: a folder name may be as long as a file name may."""
    return f"customers/{slug}/search.js"


def shard_path(k: str) -> str:
    return f"{FOLDER}/t/{k}.js"


def is_search_file(rel: str) -> bool:
    """Whether a site file is part of the search index (one file, or its shards and docs)."""
    return rel == INDEX or rel.startswith(f"{FOLDER}/") or \
        (rel.startswith("customers/") and rel.endswith("/search.js") and rel.count("/") == 2)


class Shards:
    """The pieces as the last build made them, for `serve`: after an edit only the shards
    holding words of the customers whose analysis changed are grouped and split again (at
    1,000 customers regrouping every word took a third of a rebuild). Any other change to
    the list of customers starts over."""

    def __init__(self) -> None:
        self.slugs: list[str] = []
        self.akeys: list[str] = []
        self.blobs: list[list[str]] = []
        self.top: dict[str, dict[int, str]] = {}
        """Shard key (two characters) → customer number → that customer's words line."""
        self.leaves: dict[str, list[tuple[str, bytes, str]]] = {}
        """Shard key → its pieces after splitting: (key, bytes, digest)."""
        self.ok = False
        """The state is whole (False before the first build, and while one updates it)."""

    def update(self, units: list[Indexed], fill: Fill = _same) -> list[int] | None:
        """Take the customers' words; the numbers of those that changed, or None when
        everything must be grouped again."""
        slugs = [u.slug for u in units]
        akeys = [u.akey for u in units]
        same = slugs == self.slugs
        changed = [n for n, k in enumerate(akeys) if k != self.akeys[n]] if same else None
        self.blobs = [self.blobs[n] if same and k == self.akeys[n] else
                      zlib.decompress(fill(u).search_words_z).decode("utf-8").split("\n")
                      for n, (u, k) in enumerate(zip(units, akeys))]
        if not same or changed is None:
            self.top, self.leaves = {}, {}
        self.slugs, self.akeys = slugs, akeys
        return changed

    def regroup(self, changed: list[int] | None, before: list[list[str]]) -> None:
        """Group and split the shards whose lines changed: of the changed customers' words
        (`before`: the words of the last build) only the shards where a customer's line
        differs (an added sentence touches a few); or all of them (None)."""
        affected: set[str] = set()
        if changed is None:
            self.top, self.leaves = {}, {}
            for n, blob in enumerate(self.blobs):
                cid = _base36(n)
                for line in blob[1:]:
                    k, _, words = line.partition("\t")
                    self.top.setdefault(k, {})[n] = f"{cid} {words}"
            affected = set(self.top)
        for n in changed or ():
            old = dict(line.partition("\t")[::2] for line in before[n][1:])
            new = dict(line.partition("\t")[::2] for line in self.blobs[n][1:])
            cid = _base36(n)
            for k in old.keys() | new.keys():
                if old.get(k) == new.get(k):
                    continue
                affected.add(k)
                if k in new:
                    self.top.setdefault(k, {})[n] = f"{cid} {new[k]}"
                else:
                    self.top[k].pop(n, None)
        for k in affected:
            lines = self.top.get(k)
            if not lines:
                self.top.pop(k, None)
                self.leaves.pop(k, None)
                continue
            self.leaves[k] = list(_leaves(k, [lines[n] for n in sorted(lines)]))


def _leaves(k: str, lines: list[str]) -> Iterator[tuple[str, bytes, str]]:
    """Shard `k`'s pieces after splitting, in order: (key, bytes, digest)."""
    leaves = _split(k, lines, 2)
    for leaf in sorted(leaves):
        data = f"PLAYBOOK_SEARCH_SHARD({_js(leaf)},{_js(chr(10).join(leaves[leaf]))});\n".encode("utf-8")
        yield leaf, data, digest(data)


def files(units: list[Indexed], has: Callable[[str, str], bool],
          one_file: Callable[[Iterable[bytes]], Iterator[bytes]],
          state: Shards | None = None, memo: Memo | None = None,
          fill: Fill = _same) -> Iterator[tuple[str, str, object]]:
    """The index's files as (path, key, bytes, pieces or None to keep the file as written):
    `search-index.js` whole (`one_file`, search.parts) when the entries fit in ONE_FILE_MAX,
    else in pieces. `has(path, key)`: the file is as last written under that key. `state`:
    the pieces of the last build (`serve`), to make again only what changed; without it the
    pieces are made shard by shard and nothing is kept (`_pieces`), but what each shard
    split into is remembered in `memo`. `fill`: a unit with its words and line, read only for
    what is made again."""
    if state is None:
        if sum(u.search_bytes for u in units) <= ONE_FILE_MAX:
            yield _one(units, has, one_file, fill)
            return
        yield from _docs(units, has, fill)
        yield from _pieces(units, has, memo, fill)
        return
    # All of the state is brought up to date before the first file is handed out: a build
    # that stops half way (a broken template) cannot leave it half updated.
    before = state.blobs
    whole = not state.ok
    state.ok = False
    changed = state.update(units, fill)
    one = sum(int(b[0]) for b in state.blobs) <= ONE_FILE_MAX
    if one:
        state.top, state.leaves = {}, {}
    else:
        state.regroup(None if whole or not state.top else changed, before)
    state.ok = True
    if one:
        yield _one(units, has, one_file, fill)
        return
    yield from _docs(units, has, fill)
    names = []
    # Keyed by what it holds: an edit rewrites only the shards of the words it touched.
    for top in sorted(state.leaves):
        for leaf, data, d in state.leaves[top]:
            names.append(leaf)
            yield shard_path(leaf), d, None if has(shard_path(leaf), d) else data
    yield _head(units, names, has)


def _one(units: list[Indexed], has: Callable[[str, str], bool],
         one_file: Callable[[Iterable[bytes]], Iterator[bytes]], fill: Fill) -> tuple[str, str, object]:
    k = key("search", *(u.akey for u in units))
    return INDEX, k, None if has(INDEX, k) else one_file(fill(u).search_line for u in units)


def _docs(units: list[Indexed], has: Callable[[str, str], bool], fill: Fill) -> Iterator[tuple[str, str, object]]:
    for u in units:  # a customer's entry is a function of its analysis (and the config, in its key):
        rel, k = doc_path(u.slug), u.akey  # keyed by it (as its JSON file: site_files.customer_json)
        yield rel, k, None if has(rel, k) else (
            f"PLAYBOOK_SEARCH_DOC({_js(u.slug)},".encode() + fill(u).search_line + b");\n")


def _pieces(units: list[Indexed], has: Callable[[str, str], bool],
            memo: Memo | None, fill: Fill) -> Iterator[tuple[str, str, object]]:
    """A build's shards, then the head, made shard by shard: every customer's lines are held
    once, as bytes, each shard's only while it is made (at 2,000 customers × 20 notes,
    grouping them as `Shards` keeps them for `serve` took 50 MB at the build's peak).
    A shard's pieces are a function of its lines: `memo` keeps their names and digests by a
    digest of the lines, so a shard whose lines did not change is not split again when its
    files are on disk as written (splitting every shard was half of a one-note rebuild at
    10,000 customers × 20 notes)."""
    top: dict[bytes, list[bytes]] = {}
    for start in range(0, len(units), BLOCK):
        for k, lines in _block(units[start:start + BLOCK], start, memo, fill).items():
            into = top.get(k)
            if into is None:
                top[k] = [lines]
            else:
                into.append(lines)
    names = []
    for k in sorted(top):  # keys are ASCII: in the order `Shards` sorts them
        text = b"".join(top.pop(k))
        mk = key("search-shard", str(SHARD_MAX), k, text)
        known = memo.get("shard", mk) if memo is not None else None
        if isinstance(known, tuple) and all(has(shard_path(leaf), d) for leaf, d in known):
            for leaf, d in known:
                names.append(leaf)
                yield shard_path(leaf), d, None
            continue
        made = list(_leaves(k.decode(), text.decode("utf-8")[:-1].split("\n")))
        if memo is not None:
            memo.put("shard", mk, tuple((leaf, d) for leaf, _, d in made))
        for leaf, data, d in made:
            names.append(leaf)
            yield shard_path(leaf), d, None if has(shard_path(leaf), d) else data
    yield _head(units, names, has)


def _block(units: list[Indexed], start: int, memo: Memo | None, fill: Fill = _same) -> dict[bytes, bytes]:
    """The shard lines of these customers (numbered from `start`), by shard key: grouped from
    their words, or as `memo` keeps them by the customers' analyses. A one-note build in a new
    process groups one block again, not every customer's words (a few hundred lines each): at
    1,000 × 50 the search step went from 82 to 48 ms."""
    bk = key("search-block", str(start), *(u.akey for u in units))
    kept = memo.get("shard", bk) if memo is not None else None
    if isinstance(kept, bytes):
        return pickle.loads(zlib.decompress(kept))
    top: dict[bytes, bytearray] = {}
    for n, u in enumerate(units, start):
        cid = _base36(n).encode()
        for line in zlib.decompress(fill(u).search_words_z).split(b"\n")[1:]:
            k, _, words = line.partition(b"\t")
            into = top.get(k)
            if into is None:
                into = top[k] = bytearray()
            into += b"%s %s\n" % (cid, words)
    grouped = {k: bytes(lines) for k, lines in top.items()}
    if memo is not None and memo.stores("shard"):  # not made for a memo that keeps none (--no-cache)
        memo.put("shard", bk, zlib.compress(pickle.dumps(grouped, protocol=pickle.HIGHEST_PROTOCOL), 1))
    return grouped


def _head(units: list[Indexed], names: list[str], has: Callable[[str, str], bool]) -> tuple[str, str, object]:
    head = {"v": 2, "customers": [u.slug for u in units], "shards": names}
    data = ("/* Playbook search index in pieces; format in playbook/outputs/search_shards.py. */\n"
            f"window.PLAYBOOK_SEARCH={_js(head)};\n").encode("utf-8")
    d = digest(data)
    return INDEX, d, None if has(INDEX, d) else data
