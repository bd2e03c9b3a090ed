"""Walk a playbook repository and build the model, collecting every problem on the way.

Nothing here raises on bad content: each file contributes what it can plus its problems,
so `playbook check` can report them all at once.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from msgspec.structs import replace

from .config import Config, days_ahead, load_config
from .engine.occasion import impossible_days
from .engine.touches import says_unanswered
from .fields import Fields, parse_date
from .folders import customer_folders, entry_kind_followed, ignored
from .limits import DATE_RANGE, MAX_FILE_BYTES, MAX_NOTE_BYTES, MAX_OWNERS, MAX_TAGS
from .model import (
    ASK_STATUSES, DIRECTIONS, INTERACTION_TYPES, SENTIMENT_WORDS, STATUSES, Ask, Birthday, Contact,
    Customer, Event, Interaction, Pause, Playbook, Source,
)
from .names import slugify
from .notes import Note, bad_due_dates, commitments, parse_note
from .opportunities import parse_opportunities
from .people import PERSON_KEYS, person_fields
from .reading import Refused, decode, list_folder, read_file, too_big
from .problems import Problem, error, has_controls, sorted_problems, warning
from .records import Record
from .significant import read_about
from .yamlio import Map, Scalar, kind_name, parse

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The folder name suggested for a customer whose name gives no letters or digits to slug.
FOLDER_FALLBACK = "customer"
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_BIRTHDAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")

_CUSTOMER_KEYS = ("name", "owner", "owners", "since", "tier", "tags", "cadence", "renewal", "renewal_lead", "value",
                  "status", "notes", "contacts", "asks", "pause", "opportunities", "dates", "crm_id")
_CONTACT_KEYS = ("name", "role", "email", "phone", "birthday", "notes", "primary", "crm_id", *PERSON_KEYS)
_ASK_KEYS = ("what", "since", "done", "status", "until", "from", "about")
_PAUSE_KEYS = ("until", "why", "since")
_EVENT_KEYS = ("what", "on", "with", "prepare")
#: Days before one of the customer's `dates` that confirming all is ready falls due, unless it says.
PREPARE_DAYS = 7
#: A CRM record's id as `playbook import` writes it ('hubspot:12345'): how a re-import knows
#: what it brought in before. Only checked for its form; nothing else reads it.
CRM_ID = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")
_FRONT_KEYS = ("date", "type", "with", "by", "sentiment", "direction", "summary", "answered", "crm_id",
               "message_id")


class Loaded(Record):
    """What loading a playbook gives: the model, the config and every problem."""

    playbook: Playbook
    config: Config
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def read_text(path: Path, rel: str, problems: list[Problem], data: bytes | None = None,
              root: Path | None = None, limit: int = MAX_FILE_BYTES) -> str | None:
    """Read a file as UTF-8 (a BOM is fine, CRLF becomes LF); report anything else.
    `data`: the file's bytes when the caller has read them already. `root` (resolved): the
    folder the file must lie in, None when the caller has made sure. Only a regular file of
    at most `limit` bytes is read (reading.py)."""
    if data is None:
        try:
            data = read_file(path, root, limit, "notes" if limit == MAX_NOTE_BYTES else "files")
        except Refused as exc:
            problems.append(error(rel, 0, 0, str(exc)))
            return None
    if len(data) > limit:
        problems.append(error(rel, 0, 0, too_big(len(data), limit, "notes" if limit == MAX_NOTE_BYTES else "files")))
        return None
    return decode(data, rel, problems)


def load(root: Path, config: Config | None = None) -> Loaded:
    """Load every customer under `root/content/customers`."""
    root = root.resolve()
    problems: list[Problem] = []
    if config is None:
        config, cprobs = load_config(root)
        problems += cprobs
    files = 1 if (root / "playbook.yaml").is_file() else 0
    customers: list[Customer] = []
    for entry, rel in customer_folders(root, problems):
        customer, n = load_customer(entry, rel, config, problems, root)
        files += n
        if customer is not None:
            customers.append(customer)
    return Loaded(Playbook(tuple(customers), files), config, sorted_problems(problems))


def load_customer(folder: Path, rel: str, config: Config, problems: list[Problem],
                  root: Path | None = None, data: dict[str, bytes] | None = None,
                  note: Callable[[str], Note] = parse_note) -> tuple[Customer | None, int]:
    """Load one customer folder. Returns (customer or None, files read).

    `data`: bytes already read, by path relative to the folder ('customer.yaml',
    'interactions/x.md'); files not in it are read from disk. `note`: how a note's Markdown
    is parsed (`parse_note`, or one that knows some already)."""
    data = data or {}
    slug = folder.name
    if not SLUG.match(slug):
        problems.append(error(rel, 0, 0, f"folder name '{slug}' is not a valid slug; use lower-case letters, "
                                         f"digits and hyphens, e.g. '{slugify(slug, FOLDER_FALLBACK)}'"))
        return None, 0
    try:
        listing = {e.name: e for e in list_folder(folder)}
    except Refused as exc:
        problems.append(error(rel, 0, 0, str(exc)))
        return None, 0
    yaml_path = folder / "customer.yaml"
    yrel = f"{rel}/customer.yaml"
    if "customer.yaml" not in listing:
        hint = " (rename customer.yml to customer.yaml)" if "customer.yml" in listing else ""
        problems.append(error(yrel, 0, 0, f"missing customer.yaml{hint}; every customer folder needs one "
                                          "with at least 'name: …'"))
        return None, 0
    if entry_kind_followed(yaml_path, listing["customer.yaml"], yrel, root, problems) == "outside":  # as for folders
        problems.append(warning(yrel, 0, 0, "points outside the playbook folder; skipped"))
        return None, 0
    files = 1
    # Containment is checked here, entry by entry: read_text need not resolve every path.
    text = read_text(yaml_path, yrel, problems, data.get("customer.yaml"))
    interactions: list[Interaction] = []
    # An unreadable customer.yaml must not hide the problems in the interactions.
    customer = parse_customer(text, slug, yrel, config, problems) if text is not None else None
    contacts = ContactNames.of(customer.contacts) if customer else None  # None: cannot check 'with' names
    for name in listing:
        if name not in ("customer.yaml", "interactions") and not ignored(name):
            problems.append(warning(f"{rel}/{name}", 0, 0,
                                    "not part of the customer: a customer folder holds customer.yaml and "
                                    "interactions/; move it into interactions/ (as .md) or delete it"))
    for f, frel in _notes(folder, rel, listing.get("interactions"), root, problems):
        files += 1
        itext = read_text(f, frel, problems, data.get(f"interactions/{f.name}"), limit=MAX_NOTE_BYTES)
        if itext is None:
            continue
        it = parse_interaction(itext, f.name, frel, contacts, config, problems, note)
        if it is not None:
            interactions.append(it)
    if customer is None:
        return None, files
    interactions.sort(key=lambda i: (i.date, i.source.path))
    return replace(customer, interactions=tuple(interactions)), files


def utf8_name(name: str) -> bool:
    """Whether a file name read from disk is UTF-8 text (Python keeps other bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _notes(folder: Path, rel: str, entry: os.DirEntry | None, root: Path | None,
           problems: list[Problem]) -> list[tuple[Path, str]]:
    """The interaction files to read, as (path, relative path); the rest of interactions/ is
    reported (links out, loops, folders, files not ending in .md)."""
    if entry is None:
        return []
    idir, irel = folder / "interactions", f"{rel}/interactions"
    kind = entry_kind_followed(idir, entry, irel, root, problems)
    if kind in ("file", "other"):
        problems.append(warning(irel, 0, 0, "'interactions' should be a folder"))
    elif kind == "outside":
        problems.append(warning(irel, 0, 0, "points outside the playbook folder; skipped"))
    if kind != "dir":
        return []
    try:
        entries = list_folder(idir)
    except Refused as exc:
        problems.append(error(irel, 0, 0, str(exc)))
        return []
    out = []
    for e in entries:
        f, frel = idir / e.name, f"{irel}/{e.name}"
        if ignored(e.name):
            continue
        ekind = entry_kind_followed(f, e, frel, root, problems)
        if ekind == "outside":
            problems.append(warning(frel, 0, 0, "points outside the playbook folder; skipped"))
        elif ekind == "dir":
            problems.append(warning(frel, 0, 0, "a folder inside interactions/ is not read: notes are files "
                                                "(2026-11-20-call.md); move its notes up, or move it out"))
        elif ekind != "refused" and not e.name.endswith(".md"):
            problems.append(warning(frel, 0, 0, "not an interaction: interaction files end in .md; "
                                                "rename or move it"))
        elif ekind != "refused" and not utf8_name(e.name):
            # Its bytes are no text a page, a link or playbook.json can hold: the build failed
            # writing the customer's JSON (a fuzzing session).
            problems.append(error(frel, 0, 0, "this file name is not UTF-8 text (saved by a system with another "
                                              "encoding?): rename it, e.g. 2026-11-20-call.md"))
        elif ekind != "refused" and has_controls(e.name):
            # A newline in a note's name forged a line of `done`'s list (a CI command), and broke
            # playbook.json's `source` pattern (a fuzzing session).
            problems.append(error(frel, 0, 0, "this file name holds a control character (a newline…): rename "
                                              "it, e.g. 2026-11-20-call.md"))
        elif ekind != "refused":
            out.append((f, frel))  # a FIFO or a device too: reading it reports what it is
    return out


def parse_customer(text: str, slug: str, path: str, config: Config,
                   problems: list[Problem]) -> Customer | None:
    node, yp = parse(text, path)
    problems += yp
    if node is None:
        if not yp:
            problems.append(error(path, 1, 0, "customer.yaml is empty; it needs at least 'name: …'"))
        return None
    if not isinstance(node, Map):
        problems.append(error(path, node.line, node.column,
                              f"customer.yaml should hold 'field: value' lines, not {kind_name(node)}"))
        return None
    f = Fields(node, path, problems, "customer.yaml")
    f.reject_unknown(_CUSTOMER_KEYS)
    name = f.text("name", required=True)
    crm_ids(f, path, problems)
    owners_nodes = f.text_list("owner") + f.text_list("owners")
    owners_nodes = _at_most(owners_nodes, MAX_OWNERS, "owners", path, problems)
    owners: dict[str, None] = {}  # in order, once each (a dict: a long list stays linear)
    handles = {m.handle for m in config.team}
    for o in owners_nodes:
        h = o.text.strip()
        if handles and h not in handles:
            problems.append(warning(path, o.line, o.column,
                                    f"owner '{h}' is not a team member in playbook.yaml"))
        owners[h] = None
    status = f.choice("status", STATUSES) or "active"
    tags = tuple(dict.fromkeys(t.text.strip() for t in _at_most(f.text_list("tags"), MAX_TAGS, "tags", path,
                                                                 problems)))
    contacts = tuple(c for c in (_contact(n, path, problems) for n in f.sequence("contacts")) if c)
    seen: dict[str, Contact] = {}
    for c in contacts:
        key = c.name.casefold()
        if key in seen:
            problems.append(error(path, c.source.line, 0,
                                  f"contact '{c.name}' is listed twice (also line {seen[key].source.line})"))
        seen[key] = c
    _notes_size(f.text("notes"), contacts, path, f.line_of("notes"), problems)
    index = ContactNames.of(contacts)  # once, however many asks name a contact
    asks = tuple(a for a in (_ask(n, path, problems, index) for n in f.sequence("asks")) if a)
    _twice(((a.what, a.since, a.source.line) for a in asks), "ask", path, problems)
    tier = f.text("tier")
    tiers = config.tiers
    if tier and tiers and tier not in tiers:
        problems.append(warning(path, f.line_of("tier"), 0,
                                f"tier '{tier}' has no cadence in playbook.yaml (known: "
                                f"{', '.join(sorted(tiers))}); the default cadence applies"))
    lead, lead_from = _renewal_lead(f, path, problems, tier, config)
    customer = Customer(
        slug=slug, name=name or slug, owners=tuple(owners), since=f.date("since"), tier=tier, tags=tags,
        cadence=f.cadence("cadence"), renewal=f.date("renewal"), value=f.number("value"), status=status,
        notes=f.text("notes"), contacts=contacts, asks=asks, interactions=(), source=Source(path, 1),
        lines={k: v.line for k, v in node.keys.items()}, pause=_pause(f, path, problems),
        opportunities=parse_opportunities(f.sequence("opportunities"), path, problems),
        renewal_lead=lead, renewal_lead_from=lead_from,
        dates=tuple(e for e in (_event(n, path, problems, index) for n in f.sequence("dates")) if e),
    )
    _twice(((e.what, e.on, e.source.line) for e in customer.dates), "date", path, problems)
    return customer if name else None


def _twice(entries: Iterable[tuple[str, date | None, int]], kind: str, path: str, problems: list[Problem]) -> None:
    """An ask or a date written twice, alike but for case and spacing, on the same day: one
    action listed as covering itself ("Also covers" its own title), without a word."""
    seen: dict[tuple[str, date | None], int] = {}
    for what, day, line in entries:
        key = (" ".join(what.casefold().split()), day)
        if key in seen:
            problems.append(warning(path, line, 0, f"{kind} '{what}' is listed twice (also line {seen[key]}); "
                                                   "keep one"))
        else:
            seen[key] = line


def _renewal_lead(f: Fields, path: str, problems: list[Problem], tier: str | None,
                  config: Config) -> tuple[int | None, str]:
    """The customer's own `renewal_lead`, else its tier's or the default in playbook.yaml, and
    where it was set ('' for customer.yaml)."""
    own = days_ahead(f, path, problems, "renewal_lead")
    if own is not None or f.raw("renewal_lead") is not None:
        return own, ""
    lead = config.renewal_lead_for(tier)
    return (lead.days, lead.where) if lead is not None else (None, "")


def crm_ids(f: Fields, path: str, problems: list[Problem]) -> tuple[str, ...]:
    """The `crm_id` values of a record (one, or a list), each 'system:id'."""
    out = []
    for node in f.text_list("crm_id"):
        value = node.text.strip()
        if not CRM_ID.match(value):
            problems.append(warning(path, node.line, node.column,
                                    f"crm_id '{value}' should be written 'system:id', e.g. 'hubspot:12345' "
                                    "(as 'playbook import' writes it)"))
        out.append(value)
    return tuple(out)


def _notes_size(notes: str | None, contacts: tuple[Contact, ...], path: str, line: int,
                problems: list[Problem]) -> None:
    """customer.yaml's notes (its own and its contacts') are Markdown, rendered as a note is:
    together they are held to a note's size limit, or a 2 MB file of '![' took a minute."""
    size = len((notes or "").encode("utf-8")) + sum(len((c.notes or "").encode("utf-8")) for c in contacts)
    if size > MAX_NOTE_BYTES:
        problems.append(error(path, line, 0, f"the notes in this file come to {size:,} bytes; Playbook renders up "
                                             f"to {MAX_NOTE_BYTES:,} bytes of notes per customer.yaml. Move the "
                                             "long ones into an interaction note"))


def _at_most(nodes: tuple[Scalar, ...], most: int, what: str, path: str, problems: list[Problem]) -> tuple[Scalar, ...]:
    """The first `most` of a list, with an error when there are more: every owner and tag
    gets a page listing its customers, so the site would grow with the square of the list."""
    if len(nodes) > most:
        problems.append(error(path, nodes[most].line, nodes[most].column,
                              f"a customer can have at most {most} {what}; this one has {len(nodes):,}"))
    return nodes[:most]


def _contact(node, path: str, problems: list[Problem]) -> Contact | None:
    if isinstance(node, Scalar):  # "- Jane Doe" is a fine shorthand
        if not node.text.strip():
            problems.append(error(path, node.line, node.column, "a contact with no name; write the name, "
                                                                "or remove the '-' line"))
            return None
        return Contact(node.text.strip(), None, None, None, None, None, False, Source(path, node.line))
    if not isinstance(node, Map):
        problems.append(error(path, node.line, node.column, "each contact should have 'name: …' and optional fields"))
        return None
    f = Fields(node, path, problems, "a contact")
    f.reject_unknown(_CONTACT_KEYS)
    name = f.text("name", required=True)
    crm_ids(f, path, problems)
    birthday = None
    b = f.scalar("birthday", "a date like 03-14 or 1980-03-14")
    if b is not None:
        birthday = _birthday(b, path, problems)
    part = person_fields(f, path, problems)
    if not name:
        return None
    return Contact(name, f.text("role"), f.text("email"), f.text("phone"), birthday, f.text("notes"),
                   bool(f.boolean("primary")), Source(path, node.line), **part)


def _birthday(node: Scalar, path: str, problems: list[Problem]) -> Birthday | None:
    text = node.text.strip()
    m = _BIRTHDAY.match(text)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2000, month, day)  # a leap year, so 02-29 is allowed
        except ValueError:
            problems.append(error(path, node.line, node.column,
                                  f"birthday '{text}' is not a real day; write MM-DD, e.g. 03-14"))
            return None
        return Birthday(month, day)
    d = parse_date(node, path, problems, "birthday")
    return Birthday(d.month, d.day, d.year) if d else None


def _ask(node, path: str, problems: list[Problem], contacts: ContactNames) -> Ask | None:
    if isinstance(node, Scalar):
        return Ask(node.text.strip(), None, False, Source(path, node.line))
    if not isinstance(node, Map):
        problems.append(error(path, node.line, node.column, "each ask should have 'what: …'"))
        return None
    f = Fields(node, path, problems, "an ask")
    f.reject_unknown(_ASK_KEYS)
    what = f.text("what", required=True)
    since = f.date("since")
    done = f.boolean("done")
    status = f.choice("status", ASK_STATUSES)
    if done and status not in (None, "answered"):
        problems.append(error(path, f.line_of("status"), 0, f"'done: true' and 'status: {status}' disagree; "
                                                            "keep one of them"))
    status = "answered" if done else (status or "open")
    until = f.date("until")
    if until is not None and status != "parked":
        problems.append(error(path, f.line_of("until"), 0, "'until' is for parked asks: add 'status: parked' "
                                                           "or remove 'until'"))
        until = None
    who = f.scalar("from", "one contact's name")
    asker = _resolve_with((who,), contacts, path, problems) if who is not None and who.text.strip() else ()
    about = read_about(f.text_list("about"), path, problems)
    return Ask(what, since, status == "answered", Source(path, node.line), status, until,
               asker[0] if asker else None, about) if what else None


def _event(node, path: str, problems: list[Problem], contacts: ContactNames) -> Event | None:
    """One of `dates`: what happens, on which day, who to check with, how long before."""
    if not isinstance(node, Map):
        problems.append(error(path, node.line, node.column,
                              "each of 'dates' should have 'what: …' and 'on: YYYY-MM-DD' (e.g. "
                              "'- what: Office move', then '  on: 2027-01-11')"))
        return None
    f = Fields(node, path, problems, "a date")
    f.reject_unknown(_EVENT_KEYS)
    what = f.text("what", required=True)
    on = f.date("on")
    if on is None and f.raw("on") is None:
        problems.append(error(path, node.line, node.column, "this date has no 'on'; add the day it happens, "
                                                            "e.g. 'on: 2027-01-11'"))
    who = f.scalar("with", "one contact's name")
    named = _resolve_with((who,), contacts, path, problems) if who is not None and who.text.strip() else ()
    prepare = days_ahead(f, path, problems, "prepare",
                           "how long before it to confirm all is ready, e.g. '2w' (0: no reminder)")
    if not what or on is None:
        return None
    return Event(what, on, named[0] if named else None, PREPARE_DAYS if prepare is None else prepare,
                 Source(path, node.line))


def _pause(f: Fields, path: str, problems: list[Problem]) -> Pause | None:
    node = f.mapping("pause")
    if node is None:
        return None
    p = Fields(node, path, problems, "pause")
    p.reject_unknown(_PAUSE_KEYS)
    until, since = p.date("until"), p.date("since")
    if until is None:
        if p.raw("until") is None:
            problems.append(error(path, f.line_of("pause"), 0, "'pause' has no 'until'; add the first day you "
                                                               "may get in touch again, e.g. 'until: 2027-04-01'"))
        return None
    if since is not None and since >= until:
        problems.append(error(path, p.line_of("since"), 0, "the pause's 'since' should be before its 'until'"))
        since = None
    return Pause(until, p.text("why"), since, Source(path, f.line_of("pause")))


def split_front_matter(text: str, path: str, problems: list[Problem]) -> tuple[str | None, str, int] | None:
    """(front matter or None, body, body's first line). None when the file is unusable."""
    if not text.startswith("---"):
        return None, text, 1
    first_nl = text.find("\n")
    if text[:first_nl if first_nl >= 0 else len(text)].rstrip() != "---":
        return None, text, 1  # e.g. '----' is a Markdown rule, not a fence
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    problems.append(error(path, 1, 1, "front matter opened with '---' on line 1 is never closed; "
                                      "add a line with only '---' after the last field"))
    return None


_FRONT_FIELD = re.compile(r"(\w+)\s*:")


def _misplaced_front_matter(text: str, path: str, problems: list[Problem]) -> None:
    """A warning when front matter does not start on the first line (a blank line or a second
    byte-order mark before '---'): its fields were read as the note's text, with no word (a
    fuzzing session). Not read as front matter: the file says otherwise, and `done` and `log`
    read it as the build does."""
    head = text[:4096]
    lead = len(head) - len(head.lstrip("\ufeff \t\n"))
    rest = head[lead:].split("\n", 2)
    if lead == 0 or len(rest) < 2 or rest[0].rstrip() != "---":
        return
    m = _FRONT_FIELD.match(rest[1])
    if m is None or m.group(1) not in _FRONT_KEYS:
        return
    problems.append(warning(path, head[:lead].count("\n") + 1, 0,
                            "this looks like front matter, but it does not start on the first line, so its "
                            "fields are read as the note's text: remove what comes before the first '---' "
                            "(blank lines, a stray invisible character)"))


def parse_interaction(text: str, filename: str, path: str, contacts: tuple[Contact, ...] | ContactNames | None,
                      config: Config, problems: list[Problem],
                      note_of: Callable[[str], Note] = parse_note) -> Interaction | None:
    if not text.strip():
        problems.append(warning(path, 0, 0, "empty interaction file; write a sentence about what happened, "
                                            "or delete the file"))
        return None
    split = split_front_matter(text, path, problems)
    if split is None:
        return None
    front, body, body_line = split
    if front is None:
        _misplaced_front_matter(text, path, problems)
    fields: Fields | None = None
    if front is not None:
        node, yp = parse(front, path, line_offset=1)
        problems += yp
        if yp and node is None:
            return None
        if node is not None and not isinstance(node, Map):
            problems.append(error(path, node.line, node.column,
                                  f"front matter should be 'field: value' lines, not {kind_name(node)}"))
            return None
        if isinstance(node, Map):
            fields = Fields(node, path, problems, "the front matter")
            fields.reject_unknown(_FRONT_KEYS)
    day = fields.date("date") if fields else None
    date_given = fields is not None and fields.raw("date") is not None
    if day is None:
        m = _FILE_DATE.match(filename)
        if m:
            day = parse_date(Scalar(m.group(1), 0, 0, True), path, problems, "file name date")
        elif not date_given:
            problems.append(error(path, 1, 0, "this interaction has no date: add 'date: YYYY-MM-DD' to the "
                                              "front matter or start the file name with it (2026-11-20-call.md)"))
    # Without a usable date the note is not read into the book, but the rest of it is still
    # checked: `check` reports every problem at once, not the date's first (a probe).
    date_line = fields.line_of("date") if fields is not None and date_given else 1
    named = _FILE_DATE.match(filename)
    if day is not None and date_given and named and named.group(1) != day.isoformat():
        problems.append(warning(path, date_line, 0,
                                f"the file name says {named.group(1)} but 'date:' says {day.isoformat()}; "
                                "the 'date:' wins — rename the file or fix the date"))
    itype, with_, by, sentiment, direction, summary, answered = "note", (), None, None, None, None, None
    message_id = None
    if fields is not None:
        itype = fields.choice("type", INTERACTION_TYPES) or "note"
        with_ = _resolve_with(fields.text_list("with"), contacts, path, problems)
        by = fields.text("by")
        handles = {m.handle for m in config.team}
        if by and handles and by not in handles:
            problems.append(warning(path, fields.line_of("by"), 0,
                                    f"'by: {by}' is not a team member in playbook.yaml "
                                    f"(known: {', '.join(sorted(handles))})"))
        sentiment = _sentiment(fields, path, problems)
        direction = fields.choice("direction", DIRECTIONS, {"inbound": "in", "outbound": "out"})
        summary = fields.text("summary")
        answered = fields.boolean("answered")
        crm_ids(fields, path, problems)
        message_id = fields.text("message_id")
        if answered is not None and direction == "in":
            problems.append(warning(path, fields.line_of("answered"), 0, "'answered' is about our own outreach; "
                                                                         "it has no meaning with 'direction: in'"))
    note = note_of(body)  # one parse for the promises, the warnings and the summary
    for line, bad in bad_due_dates(note, body_line):
        problems.append(warning(path, line, 0, f"due date '{bad}' is not a real date {DATE_RANGE}; the "
                                               "commitment has no due date until it is fixed (write YYYY-MM-DD)"))
    made = commitments(note, body_line, day or date.min, path)
    for c in made:
        for bad in impossible_days(c.text) if not c.done else ():
            problems.append(warning(path, c.source.line, 0, f"'{bad}' is no real day, so the day this promise is "
                                                            "for is not read; correct the day or the month"))
        # A promise late the day it was made is most likely a mistyped date (a reader's "due
        # 2026-11-10" in a note of 25 Nov read "24 days overdue" from the moment it was written).
        if day is not None and c.due is not None and c.due < day and not c.done:
            problems.append(warning(path, c.source.line, 0, f"due date {c.due.isoformat()} is before this note's "
                                                            f"date ({day.isoformat()}), so the promise was late when "
                                                            "made; check the date"))
    if day is None:
        return None
    said = summary or note.summary
    if answered is None and direction != "in" and says_unanswered(said):
        answered = False  # "Rang Jo, voicemail again": a try that reached nobody, as `answered: no`
    return Interaction(
        date=day, type=itype, with_=with_, by=by, sentiment=sentiment, direction=direction,
        summary=said, body=body, body_line=body_line,
        commitments=made, source=Source(path, 1), date_line=date_line,
        html=note.html, answered=answered, message_id=message_id, text=note.text,
    )


def _sentiment(f: Fields, path: str, problems: list[Problem]) -> int | None:
    node = f.scalar("sentiment", "a number from -2 to 2 or a word")
    if node is None:
        return None
    raw = node.text.strip()
    word = re.sub(r"[\s_-]+", " ", raw.lower())
    if word in SENTIMENT_WORDS:
        return SENTIMENT_WORDS[word]
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is not None and -2 <= value <= 2:
        return value
    problems.append(error(path, node.line, node.column,
                          f"unknown sentiment '{node.text}'; use -2..2 or very negative, negative, neutral, "
                          "positive, very positive"))
    return None


class ContactNames(Record):
    """A customer's contacts indexed once for matching 'with:' names: matching against the
    list itself cost every note a pass over all contacts (25,000 contacts, 300 notes: 16 s)."""

    full: dict[str, str]
    """Casefolded full name → name as written."""
    first: dict[str, list[str]]
    """Casefolded first name → the names starting with it."""
    known: str
    """The names for a message, the first few only."""

    @classmethod
    def of(cls, contacts: tuple[Contact, ...] | ContactNames) -> ContactNames:
        if isinstance(contacts, ContactNames):
            return contacts
        first: dict[str, list[str]] = {}
        for c in contacts:
            first.setdefault(c.name.split()[0].casefold() if c.name.split() else "", []).append(c.name)
        shown = ", ".join(c.name for c in contacts[:KNOWN_SHOWN])
        more = f", and {len(contacts) - KNOWN_SHOWN:,} more" if len(contacts) > KNOWN_SHOWN else ""
        return cls({c.name.casefold(): c.name for c in contacts}, first, shown + more or "none listed")


#: Contacts named in a 'not among this customer's contacts' message.
KNOWN_SHOWN = 10


def _resolve_with(names: tuple[Scalar, ...], contacts: tuple[Contact, ...] | ContactNames | None, path: str,
                  problems: list[Problem]) -> tuple[str, ...]:
    """Match names to contacts: full name, else a unique first name (people write 'with: Maria')."""
    if contacts is None:
        return tuple(dict.fromkeys(n.text.strip() for n in names))
    index = ContactNames.of(contacts)
    out: list[str] = []
    for n in names:
        raw = n.text.strip()
        key = raw.casefold()
        if key in index.full:
            out.append(index.full[key])
            continue
        firsts = index.first.get(key, [])
        if len(firsts) == 1:
            out.append(firsts[0])
            continue
        problems.append(warning(path, n.line, n.column,
                                f"'{raw}' is not among this customer's contacts ({index.known}); "
                                "add them to customer.yaml or fix the spelling"))
        out.append(raw)
    return tuple(dict.fromkeys(out))
