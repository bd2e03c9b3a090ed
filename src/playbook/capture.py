"""Capture: `log`, `new`, `done` and `init`, the only code that writes into a playbook.

Every write is made safe the same way:
- new files are written to a hidden temp file in the target folder and then hard-linked
  into place, which is atomic and fails if the name exists (so nothing is ever
  overwritten); an in-place edit (`done`) goes through a temp file and `os.replace`;
- every target is checked to resolve inside the playbook root;
- what is about to be written is first parsed with the project's own loader, so a file
  this module writes always loads back with the values it was given.

Nothing here reads the clock or the environment: `today`, the author and the editor are
passed in by the command line.
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import shlex
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from .config import CONFIG_FILE, Config, load_config
from .load import (
    _IGNORED, CUSTOMERS_DIR, MAX_FILE_BYTES, SLUG, parse_customer, parse_interaction, read_text,
    slugify, split_front_matter,
)
from .model import DIRECTIONS, INTERACTION_TYPES, SENTIMENT_LABELS, SENTIMENT_WORDS, Contact
from .notes import _TASK, extract_commitments
from .problems import Problem, did_you_mean, one_of
from .yamlio import Map, Scalar, Seq, parse


class CaptureError(Exception):
    """Nothing was written: a lookup found no match or several, or a file is in the way (exit 1)."""

    exit_code = 1


class InvalidArgument(CaptureError):
    """A value given on the command line is not valid (exit 2, like any usage fault)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Written:
    """The outcome of a write."""

    path: Path
    """The file (or folder) created or changed."""
    warnings: tuple[str, ...] = ()
    """Things worth saying that did not stop the write."""


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """A customer folder, as far as matching needs it."""

    slug: str
    """Folder name."""
    name: str
    """Display name from customer.yaml (the slug when unreadable)."""
    folder: Path
    """Absolute path of the folder."""


# -- the playbook root -----------------------------------------------------------------------

def find_root(start: Path, explicit: bool = False) -> Path:
    """The playbook folder: `start` itself when given explicitly, else the nearest of `start`
    and its parents that holds playbook.yaml or content/."""
    start = start.resolve()
    candidates = [start] if explicit else [start, *start.parents]
    for folder in candidates:
        if (folder / CONFIG_FILE).is_file() or (folder / "content").is_dir():
            return folder
    if explicit and not start.is_dir():
        raise InvalidArgument(f"{start}: no such folder; give the playbook folder with --root")
    where = str(start) if explicit else f"{start} or any folder above it"
    raise InvalidArgument(f"no playbook in {where} (no playbook.yaml or content/ folder); "
                          "cd into your playbook, pass --root DIR, or create one with 'playbook init DIR'")


def _inside(path: Path, root: Path) -> Path:
    """`path` resolved; refuses anything that leads outside `root` (e.g. through a symlink)."""
    resolved = path.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        raise CaptureError(f"{path} leads outside the playbook folder {root}; refusing to write there") from None
    return resolved


# -- safe writes ----------------------------------------------------------------------------

def _temp_name(path: Path) -> Path:
    # Starts with '.' and ends with '.tmp': the loader ignores it should a crash leave it behind.
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def create_file(path: Path, data: bytes, root: Path) -> None:
    """Write a new file atomically; FileExistsError when the name is taken (never overwrites)."""
    _inside(path.parent, root)
    tmp = _temp_name(path)
    with open(tmp, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        try:
            os.link(tmp, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create instead
            with open(path, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        tmp.unlink(missing_ok=True)


def create_numbered(path: Path, data: bytes, root: Path) -> Path:
    """Create `path`, or `stem-2.md`, `stem-3.md`… when taken. Returns the name used."""
    for n in range(1, 1000):
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            create_file(target, data, root)
            return target
        except FileExistsError:
            continue
    raise CaptureError(f"{path.parent}: a thousand files named like {path.name} already; pick another name")


def _replace_file(path: Path, before: bytes, after: bytes, root: Path) -> None:
    """Swap the contents of an existing file, unless someone changed it since we read it."""
    real = _inside(path, root)
    tmp = _temp_name(real)
    with open(tmp, "xb") as fh:
        fh.write(after)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.chmod(tmp, real.stat().st_mode & 0o7777)
        if real.read_bytes() != before:
            raise CaptureError(f"{path} changed while Playbook was editing it; nothing was ticked, try again")
        os.replace(tmp, real)
    finally:
        tmp.unlink(missing_ok=True)


# -- YAML values ------------------------------------------------------------------------------

def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that escapes everything but printable characters."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _reads_back(out: str, value: str | list[str]) -> bool:
    node, problems = parse(f"k: {out}\n", "check")
    if problems or not isinstance(node, Map):
        return False
    got = node.items.get("k")
    if isinstance(value, str):
        return isinstance(got, Scalar) and got.text == value and not got.is_null
    return (isinstance(got, Seq) and len(got.items) == len(value)
            and all(isinstance(g, Scalar) and g.text == v and not g.is_null for g, v in zip(got.items, value)))


def yaml_value(value: str | list[str]) -> str:
    """Text, or a list of texts, as one line of YAML that reads back exactly: quoted where YAML
    needs it ('Re: renewal', 'No', '- x'). PyYAML's own choice is tried first and checked with
    our reader; a few characters it gets wrong (e.g. U+0085 inside single quotes) fall back to
    fully escaped double quotes."""
    out = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000,
                         sort_keys=False)
    if out.endswith("\n...\n"):
        out = out[:-5]
    out = out.rstrip("\n")
    if "\n" not in out and _reads_back(out, value):
        return out
    out = _double_quoted(value) if isinstance(value, str) else "[" + ", ".join(map(_double_quoted, value)) + "]"
    if not _reads_back(out, value):
        raise CaptureError(f"cannot write {value!r} as YAML (a bug in Playbook; please report it)")
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- customers and matching -------------------------------------------------------------------

def fold(text: str) -> str:
    """Text for forgiving comparison: accents and case dropped, punctuation as spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", plain.casefold()).strip()


def list_customers(root: Path) -> list[CustomerRef]:
    """Every customer folder, with the name its customer.yaml gives."""
    base = root / CUSTOMERS_DIR
    if not base.is_dir():
        return []
    out = []
    for entry in sorted(base.iterdir(), key=lambda p: p.name):
        if _IGNORED.search(entry.name) or not entry.is_dir() or not SLUG.match(entry.name):
            continue
        name = entry.name
        text = read_text(entry / "customer.yaml", "customer.yaml", []) if (entry / "customer.yaml").is_file() else None
        if text is not None:
            node, _ = parse(text, "customer.yaml")
            if isinstance(node, Map) and isinstance(node.items.get("name"), Scalar):
                name = node.items["name"].text.strip() or name
        out.append(CustomerRef(entry.name, name, entry.resolve()))
    return out


def _describe(refs: Iterable[CustomerRef], limit: int = 25) -> str:
    refs = list(refs)
    lines = [f"  {r.slug}  ({r.name})" for r in refs[:limit]]
    if len(refs) > limit:
        lines.append(f"  … and {len(refs) - limit} more")
    return "\n".join(lines)


def match_customer(root: Path, query: str) -> CustomerRef:
    """The one customer whose slug or name is `query`, else whose slug or name starts with it;
    case, accents and punctuation ignored. Raises CaptureError listing candidates otherwise."""
    refs = list_customers(root)
    q = fold(query)
    if not refs:
        raise CaptureError(f"there are no customers in {root / CUSTOMERS_DIR} yet; "
                           "add one with 'playbook new \"Customer Name\"'")
    if not q:
        raise InvalidArgument(f"'{query}' does not name a customer; give its folder name or name")
    for test in (lambda k: k == q, lambda k: k.startswith(q)):
        hits = [r for r in refs if test(fold(r.slug)) or test(fold(r.name))]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise CaptureError(f"'{query}' matches {len(hits)} customers; give more of the name:\n{_describe(hits)}")
    near = [r for r in refs if q in fold(r.name) or q in fold(r.slug)]
    keys = {fold(r.name): r for r in refs} | {fold(r.slug): r for r in refs}
    for k in difflib.get_close_matches(q, list(keys), n=5, cutoff=0.6):
        if keys[k] not in near:
            near.append(keys[k])
    if near:
        raise CaptureError(f"no customer is called '{query}'; did you mean one of these?\n{_describe(near)}")
    raise CaptureError(f"no customer is called '{query}'. The customers are:\n{_describe(refs)}\n"
                       "Add a new one with 'playbook new \"Customer Name\"'.")


def _customer_model(root: Path, ref: CustomerRef, config: Config):
    text = read_text(ref.folder / "customer.yaml", "customer.yaml", [])
    if text is None:
        return None
    return parse_customer(text, ref.slug, f"{CUSTOMERS_DIR}/{ref.slug}/customer.yaml", config, [])


# -- log ----------------------------------------------------------------------------------

def _check_choice(flag: str, value: str, allowed: Sequence[str]) -> str:
    word = value.strip().lower()
    if word not in allowed:
        raise InvalidArgument(f"{flag} '{value}' is not known{did_you_mean(word, allowed)}; "
                              f"use one of {one_of(allowed)}")
    return word


def _sentiment_word(value: str) -> str:
    word = re.sub(r"[\s_-]+", " ", value.strip().lower())
    if word in SENTIMENT_WORDS:
        return word
    if re.fullmatch(r"[+-]?[0-2]", value.strip()):
        return SENTIMENT_LABELS[int(value.strip())]
    raise InvalidArgument(f"--sentiment '{value}' is not known{did_you_mean(word, list(SENTIMENT_WORDS))}; "
                          "use -2..2 or one of " + one_of(SENTIMENT_WORDS))


def _resolve_contact(name: str, contacts: Sequence[Contact]) -> str | None:
    """The contact's full name for a full name or a unique first name (as the loader resolves)."""
    key = fold(name)
    full = [c.name for c in contacts if fold(c.name) == key]
    if len(full) == 1:
        return full[0]
    firsts = [c.name for c in contacts if c.name.split() and fold(c.name.split()[0]) == key]
    return firsts[0] if len(firsts) == 1 else None


def _words_stem(text: str, max_words: int = 6, max_len: int = 48) -> str:
    text = re.sub(r"['\u2019]", "", text)  # "she's" → shes, not she-s
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)[:max_words]
    stem = ""
    for w in words:
        if stem and len(stem) + 1 + len(w) > max_len:
            break
        stem = f"{stem}-{w}" if stem else w[:max_len]
    return stem


def interaction_text(day: date, itype: str, body: str, *, with_: Sequence[str] = (), by: str | None = None,
                     sentiment: str | None = None, direction: str | None = None,
                     summary: str | None = None) -> str:
    """The text of an interaction file: front matter with the fields given, then the notes."""
    lines = ["---", f"date: {day.isoformat()}", f"type: {itype}"]
    if with_:
        lines.append(f"with: {yaml_value(with_[0]) if len(with_) == 1 else yaml_value(list(with_))}")
    if by:
        lines.append(f"by: {yaml_value(by)}")
    if sentiment:
        lines.append(f"sentiment: {sentiment}")
    if direction:
        lines.append(f"direction: {direction}")
    if summary:
        lines.append(f"summary: {yaml_value(summary)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def log(root: Path, customer: str, text: str, *, today: date, day: date | None = None,
        type: str | None = None, with_: Sequence[str] = (), by: str | None = None,
        sentiment: str | None = None, direction: str | None = None,
        summary: str | None = None) -> Written:
    """Write a new interaction for `customer` and return its path."""
    # Validate every argument before touching the disk.
    itype = _check_choice("--type", type, INTERACTION_TYPES) if type is not None else "note"
    sent = _sentiment_word(sentiment) if sentiment is not None else None
    direc = None
    if direction is not None:
        direc = {"inbound": "in", "outbound": "out"}.get(direction.strip().lower(), direction)
        direc = _check_choice("--direction", direc, DIRECTIONS)
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    if "\x00" in body:
        raise InvalidArgument("the note contains NUL bytes; give plain text")
    body = body + "\n" if body else ""
    if summary is not None:
        summary = _one_line(summary) or None
    by = _one_line(by) if by else None
    names = [n for n in (_one_line(w) for w in with_) if n]
    day = day or today
    ref = match_customer(root, customer)
    config, _ = load_config(root)
    model = _customer_model(root, ref, config)
    warnings: list[str] = []
    if model is None:
        warnings.append(f"{ref.slug}/customer.yaml has errors, so 'with' names were not checked; "
                        "run 'playbook check'")
    else:
        names = [_resolve_contact(n, model.contacts) or n for n in names]
    names = list(dict.fromkeys(names))
    if day > today:
        warnings.append(f"the date {day.isoformat()} is in the future; analysis ignores it until then")
    elif config.as_of and day > config.as_of:
        warnings.append(f"playbook.yaml pins as_of: {config.as_of.isoformat()}; the analysis ignores this "
                        "interaction until as_of is moved on or removed")
    stem = itype if type is not None else (_words_stem(body) or _words_stem(summary or "") or itype)
    folder = ref.folder / "interactions"
    filename = f"{day.isoformat()}-{stem}.md"
    rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{filename}"
    content = interaction_text(day, itype, body, with_=names, by=by, sentiment=sent, direction=direc,
                               summary=summary)
    data = content.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidArgument(f"the note is {len(data):,} bytes; Playbook reads files up to {MAX_FILE_BYTES:,}")
    # Read it back with the loader itself before writing: what we write must load as given.
    problems: list[Problem] = []
    contacts = model.contacts if model is not None else None
    it = parse_interaction(content, filename, rel, contacts, config, problems)
    errors = [p for p in problems if p.severity == "error"]
    if it is None or errors:  # a bug in this module, never a user's fault
        raise CaptureError("refusing to write an interaction the loader would reject: "
                           + "; ".join(p.message for p in errors))
    warnings += [p.message for p in problems if p.severity == "warning"]
    _inside(ref.folder, root)
    folder.mkdir(exist_ok=True)
    _inside(folder, root)
    path = create_numbered(folder / filename, data, root)
    return Written(path, tuple(warnings))


def editor_command(editor: str | None) -> list[str]:
    """The editor command line, checked before anything is written."""
    if not editor or not editor.strip():
        raise InvalidArgument("--edit needs an editor: set $VISUAL or $EDITOR (e.g. export EDITOR=nano)")
    try:
        argv = shlex.split(editor)
    except ValueError as exc:
        raise InvalidArgument(f"cannot read the editor command '{editor}': {exc}") from None
    if not argv or shutil.which(argv[0]) is None:
        raise InvalidArgument(f"editor '{editor}' not found; set $VISUAL or $EDITOR to an installed editor")
    return argv


@dataclass(frozen=True, slots=True)
class Edited:
    """The outcome of editing a freshly logged interaction."""

    status: int
    """The editor's exit status."""
    kept: bool
    """False when the file was removed because the editor left an empty note untouched."""
    problems: tuple[Problem, ...] = ()
    """What the loader says about the file as saved."""


def edit_new(argv: Sequence[str], path: Path, root: Path, discard_if_unchanged: bool) -> Edited:
    """Open a just-written interaction in the editor. An empty note saved unchanged is removed
    (like an empty commit message); whatever else is saved is checked with the loader."""
    real = _inside(path, root)
    before = real.read_bytes()
    status = subprocess.run([*argv, str(real)]).returncode
    if not real.exists():
        return Edited(status, False)
    after = real.read_bytes()
    if discard_if_unchanged and after == before:
        real.unlink()
        return Edited(status, False)
    rel = real.relative_to(root.resolve()).as_posix()
    problems: list[Problem] = []
    text = read_text(real, rel, problems)
    if text is not None:
        slug = real.parent.parent.name
        config, _ = load_config(root)
        ref = CustomerRef(slug, slug, real.parent.parent)
        model = _customer_model(root, ref, config)
        parse_interaction(text, real.name, rel, model.contacts if model else None, config, problems)
    return Edited(status, True, tuple(problems))


# -- new --------------------------------------------------------------------------------------

def _scaffold_text(*parts: str) -> str:
    node = resources.files("playbook").joinpath("scaffold", *parts)
    return node.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    left = re.search(r"@@[A-Z0-9_]+@@", text)
    if left:
        raise CaptureError(f"template placeholder {left.group(0)} was not filled (a bug in Playbook)")
    return text


def new_customer(root: Path, name: str, *, today: date, owners: Sequence[str] = (), tier: str | None = None,
                 slug: str | None = None, since: date | None = None) -> Written:
    """Create content/customers/<slug>/ with a commented customer.yaml and interactions/."""
    name = _one_line(name)
    if not name:
        raise InvalidArgument("the customer needs a name, e.g. playbook new \"Acme Corp\"")
    if slug is None:
        slug = slugify(name)
        if not re.search(r"[a-z0-9]", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()):
            raise InvalidArgument(f"cannot make a folder name from '{name}'; give one with --slug, e.g. --slug acme")
    elif not SLUG.match(slug):
        raise InvalidArgument(f"--slug '{slug}' is not valid; use lower-case letters, digits and hyphens, "
                              f"e.g. '{slugify(slug)}'")
    owners = [o for o in (_one_line(o) for o in owners) if o]
    tier = _one_line(tier) if tier else None
    config, _ = load_config(root)
    warnings: list[str] = []
    handles = {m.handle for m in config.team}
    for o in owners:
        if handles and o not in handles:
            warnings.append(f"owner '{o}' is not a team member in playbook.yaml{did_you_mean(o, handles)}")
    if tier and config.tier_cadence and tier not in config.tier_cadence:
        warnings.append(f"tier '{tier}' has no cadence in playbook.yaml (known: "
                        f"{', '.join(sorted(config.tier_cadence))}); the default cadence applies")
    base = root / CUSTOMERS_DIR
    target = base / slug
    if target.exists() or target.is_symlink():
        raise CaptureError(f"{CUSTOMERS_DIR}/{slug} already exists; pick another name or a --slug, "
                           "or edit its customer.yaml")
    same = [r for r in list_customers(root) if fold(r.name) == fold(name)]
    if same:
        warnings.append(f"another customer is also called '{name}': {same[0].slug}")
    owner_line = ("# owner: maya" if not owners else
                  f"owner: {yaml_value(owners[0]) if len(owners) == 1 else yaml_value(list(owners))}")
    text = _fill(_scaffold_text("customer.yaml"), {
        "NAME_COMMENT": name, "NAME": yaml_value(name), "OWNER_LINE": owner_line,
        "SINCE": (since or today).isoformat(),
        "TIER_LINE": f"tier: {yaml_value(tier)}" if tier else "# tier: key",
    })
    rel = f"{CUSTOMERS_DIR}/{slug}/customer.yaml"
    problems: list[Problem] = []
    cust = parse_customer(text, slug, rel, config, problems)
    errors = [p for p in problems if p.severity == "error"]
    if cust is None or errors or cust.name != name:
        raise CaptureError("refusing to write a customer.yaml the loader would reject: "
                           + "; ".join(p.message for p in errors))
    base.mkdir(parents=True, exist_ok=True)
    _inside(base, root)
    # Build the whole folder under a hidden name, then rename it into place in one step.
    tmp = base / f".new-{slug}.{secrets.token_hex(4)}.tmp"
    tmp.mkdir()
    try:
        create_file(tmp / "customer.yaml", text.encode("utf-8"), root)
        (tmp / "interactions").mkdir()
        create_file(tmp / "interactions" / ".gitkeep", b"", root)
        if target.exists():
            raise CaptureError(f"{CUSTOMERS_DIR}/{slug} appeared meanwhile; nothing was written")
        os.rename(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return Written(target / "customer.yaml", tuple(warnings))


# -- done ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Open:
    path: Path
    rel: str
    line: int
    text: str


def _open_commitments(root: Path, ref: CustomerRef) -> tuple[list[_Open], list[_Open]]:
    """(open, done) commitments of a customer, each with file and line."""
    folder = ref.folder / "interactions"
    open_, done = [], []
    if not folder.is_dir():
        return open_, done
    for f in sorted(folder.iterdir(), key=lambda p: p.name):
        if _IGNORED.search(f.name) or not f.name.endswith(".md") or not f.is_file():
            continue
        rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{f.name}"
        text = read_text(f, rel, [])
        if text is None:
            continue
        split = split_front_matter(text, rel, [])
        if split is None:
            continue
        _, body, body_line = split
        for c in extract_commitments(body, body_line, date.min, rel):
            (done if c.done else open_).append(_Open(f, rel, c.source.line, c.text))
    return open_, done


def _where(items: Iterable[_Open]) -> str:
    return "\n".join(f"  {o.rel}:{o.line}: {o.text}" for o in items)


def tick_bytes(data: bytes, line: int) -> bytes:
    """`data` with the task box on file line `line` ticked; every other byte kept, including
    a BOM and CRLF or CR line endings."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom):].decode("utf-8")
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if not 1 <= line <= len(starts):
        raise CaptureError(f"line {line} is not in the file any more; try again")
    begin = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    current = text[begin:end].rstrip("\r\n")
    m = _TASK.match(current)
    if not m or m.group(2) != " ":
        raise CaptureError(f"line {line} is no longer an open task item; try again")
    at = begin + m.start(2)
    out = bom + (text[:at] + "x" + text[at + 1:]).encode("utf-8")
    assert len(out) == len(data) and sum(a != b for a, b in zip(out, data)) == 1
    return out


@dataclass(frozen=True, slots=True)
class Ticked:
    """The commitment `done` ticked."""

    path: Path
    """The interaction file, edited in place."""
    rel: str
    """Its path relative to the playbook root."""
    line: int
    """The line of the task item."""
    text: str
    """The commitment's text."""


def done(root: Path, customer: str, fragment: str) -> Ticked:
    """Tick the one open commitment of `customer` whose text contains `fragment`."""
    key = " ".join(fragment.split()).casefold()
    if not key:
        raise InvalidArgument("give part of the commitment's text, e.g. playbook done acme \"send deck\"")
    ref = match_customer(root, customer)
    open_, closed = _open_commitments(root, ref)
    hits = [o for o in open_ if key in " ".join(o.text.split()).casefold()]
    exact = [o for o in hits if " ".join(o.text.split()).casefold() == key]
    if len(exact) == 1:
        hits = exact
    if not hits:
        already = [o for o in closed if key in " ".join(o.text.split()).casefold()]
        if already:
            raise CaptureError(f"'{fragment}' is already ticked:\n{_where(already)}")
        if not open_:
            raise CaptureError(f"{ref.name} has no open commitments (task items '- [ ] …' in its interactions)")
        raise CaptureError(f"no open commitment of {ref.name} contains '{fragment}'. Open ones:\n"
                           f"{_where(open_)}\nGive part of one of these texts.")
    if len(hits) > 1:
        raise CaptureError(f"'{fragment}' matches {len(hits)} open commitments of {ref.name}; "
                           f"give more of the text:\n{_where(hits)}")
    hit = hits[0]
    before = hit.path.read_bytes()
    _replace_file(hit.path, before, tick_bytes(before, hit.line), root)
    return Ticked(hit.path, hit.rel, hit.line, hit.text)


# -- init ---------------------------------------------------------------------------------

INIT_FILES: tuple[tuple[str, str], ...] = (
    # (path under scaffold/init, path in the new playbook); templates avoid leading dots in
    # their names because package-data globs skip hidden files.
    ("playbook.yaml", "playbook.yaml"),
    ("README.md", "README.md"),
    ("dot-gitignore", ".gitignore"),
    ("dot-github/workflows/playbook.yml", ".github/workflows/playbook.yml"),
    ("dot-gitlab-ci.yml", ".gitlab-ci.yml"),
    ("content/customers/example-co/customer.yaml", "content/customers/example-co/customer.yaml"),
    ("content/customers/example-co/interactions/@@DAY1@@-kickoff.md",
     "content/customers/example-co/interactions/@@DAY1@@-kickoff.md"),
    ("content/customers/example-co/interactions/@@DAY2@@-call.md",
     "content/customers/example-co/interactions/@@DAY2@@-call.md"),
)
SAMPLE_PREFIX = "content/customers/"


@dataclass(frozen=True, slots=True)
class Initialised:
    """What `init` did."""

    root: Path
    """The new playbook folder."""
    created: tuple[str, ...]
    """Files written, relative to root."""
    kept: tuple[str, ...]
    """Files that already existed and were left alone (only with --force)."""


def init(target: Path, *, today: date, title: str | None = None, force: bool = False) -> Initialised:
    """Create a playbook repository in `target`: settings, README, CI and a sample customer."""
    if target.exists() and not target.is_dir():
        raise InvalidArgument(f"{target} is a file; give a folder for the new playbook")
    existing = [p.name for p in target.iterdir() if p.name != ".git"] if target.is_dir() else []
    if existing and not force:
        raise CaptureError(f"{target} is not empty ({', '.join(sorted(existing)[:5])}"
                           f"{', …' if len(existing) > 5 else ''}). Give a new or empty folder, or add "
                           "--force to add the missing files (existing files are never overwritten)")
    title = _one_line(title) if title else "Relationship Playbook"
    values = {
        "TITLE": title, "SINCE": (today - timedelta(days=60)).isoformat(),
        "DAY1": (today - timedelta(days=28)).isoformat(), "DAY1_DUE": (today - timedelta(days=21)).isoformat(),
        "DAY2": (today - timedelta(days=3)).isoformat(), "DUE": (today + timedelta(days=7)).isoformat(),
    }
    yaml_values = dict(values, TITLE=yaml_value(title))
    customers = target / CUSTOMERS_DIR
    skip_sample = customers.is_dir() and any(not _IGNORED.search(p.name) for p in customers.iterdir())
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    created, kept = [], []
    for src, dest in INIT_FILES:
        rel = _fill(dest, values)
        if skip_sample and rel.startswith(SAMPLE_PREFIX):
            continue
        text = _fill(_scaffold_text("init", *src.split("/")),
                     yaml_values if src.endswith((".yaml", ".yml")) else values)
        path = root / rel
        if path.exists() or path.is_symlink():
            kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            create_file(path, text.encode("utf-8"), root)
        except FileExistsError:
            kept.append(rel)
            continue
        created.append(rel)
    return Initialised(root, tuple(created), tuple(kept))
