"""The text an import writes: a new customer's customer.yaml (the one `playbook new` writes,
with its CRM id and contacts), the contacts added to an existing one, and each note. Every
value goes through the YAML emitter, and every text is read back with the loader before it
may be written."""

from __future__ import annotations

import re
from datetime import date

import yaml
from msgspec.structs import replace

from ..capture.profile import Change
from ..capture.scaffold import customer_yaml_text
from ..capture.yamledit import Field, append_items
from ..capture.yamlemit import yaml_value
from ..config import Config
from ..limits import MAX_FILE_BYTES, MAX_NOTE_BYTES
from ..load import parse_customer, parse_interaction
from ..model import Contact, Customer, Source
from ..names import slugify
from ..problems import Problem
from ..records import Record
from .plan import CUSTOMERS, NewContact, NewCustomer, NewNote


#: A value PyYAML reads as the same string when written plain in block context: no
#: indicator first, no ': ' or ' #', no space at the end (the resolver then rules out
#: numbers, dates, booleans and null).
_PLAIN = re.compile(r"(?:[^\W_(+][\w .@+()/'&,\"-]*|\+[\w .()/-]*)(?::[\w.@+()/'&,\"-]+)*(?<![ :])")
_RESOLVER = yaml.resolver.Resolver()


def value(text: str) -> str:
    """`text` as a YAML value that reads back exactly: written plain when it plainly can be,
    else by the emitter (yaml_value), which dumps and reads back, and costs a thousand times
    more; an import writes a hundred thousand values."""
    if _PLAIN.fullmatch(text) and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str":
        return text
    return yaml_value(text)


class Unwritable(Exception):
    """The loader would not read back what was about to be written; str() says why."""


def _contact_fields(c: NewContact) -> list[Field]:
    fields: list[Field] = [("name", value(c.name))]
    for key, text in (("role", c.role), ("email", c.email), ("phone", c.phone), ("notes", c.notes)):
        if text:
            fields.append((key, value(text)))
    if c.key:
        fields.append(("crm_id", value(c.key)))
    return fields


def contact_model(c: NewContact) -> Contact:
    """The contact as the loader reads what `_contact_fields` writes."""
    return Contact(c.name, c.role or None, c.email or None, c.phone or None, None, c.notes or None, False,
                   Source("", 0))


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def customer_text(new: NewCustomer, contacts: list[NewContact], config: Config, system: str,
                  today: date) -> str:
    """customer.yaml for a new customer, checked with the loader."""
    comment = ""
    if new.owner is None and new.crm_owner:
        comment = (f"owner in {system}: {new.crm_owner} - not in playbook.yaml's team; add them to 'team:' "
                   "there, then write 'owner: their-handle' here")
    since = new.since or today
    text = customer_yaml_text(new.name, [new.owner] if new.owner else [], since, None, comment)
    if new.keys:
        at = text.index("\nname: ") + 1
        at = text.index("\n", at) + 1
        ids = new.keys[0] if len(new.keys) == 1 else new.keys
        text = (text[:at] + f"\n# The record's id in {system}, so 'playbook import' knows it next time.\n"
                f"crm_id: {yaml_value(ids)}\n" + text[at:])
    text = append_items(text, "contacts", [_contact_fields(c) for c in contacts])
    rel = f"{CUSTOMERS}/{new.slug}/customer.yaml"
    problems: list[Problem] = []
    cust = parse_customer(text, new.slug, rel, config, problems)
    if cust is None or _errors(problems) or cust.name != new.name or len(cust.contacts) != len(contacts):
        first = _errors(problems)[0].message if _errors(problems) else "it reads back differently"
        raise Unwritable(f"Playbook could not write a customer.yaml for '{new.name}' that reads back ({first}); "
                         "add it by hand with 'playbook new', and please report this")
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise Unwritable(f"{rel} would be over {MAX_FILE_BYTES:,} bytes with its {len(contacts):,} contacts; "
                         "import fewer contacts for it (split the export)")
    return text


def add_contacts(contacts: list[NewContact]) -> Change:
    """The edit of an existing customer.yaml adding `contacts` at the end of its list, layout kept."""
    items = [_contact_fields(c) for c in contacts]

    def expect(cust: Customer) -> Customer:
        return replace(cust, contacts=cust.contacts + tuple(contact_model(c) for c in contacts))
    return Change(lambda t: append_items(t, "contacts", items), expect)


def try_contacts(text: str, contacts: list[NewContact]) -> None:
    """For a dry run: raise Unsupported (a CaptureError) when the contacts could not be added to
    this customer.yaml text (a flow-style file, a 'contacts' that is not a list)."""
    append_items(text, "contacts", [_contact_fields(c) for c in contacts])


def _stem(summary: str, fallback: str) -> str:
    words = slugify(summary, "").split("-")[:6]
    stem = ""
    for w in words:
        if stem and len(stem) + 1 + len(w) > 48:
            break
        stem = f"{stem}-{w}" if stem else w[:48]
    return stem or fallback


class NoteText(Record):
    filename: str
    text: str


def note_text(note: NewNote, taken: set[str], config: Config) -> NoteText:
    """A note's file name (free in its folder: `taken` is updated) and text, checked with the loader."""
    t = note.touch
    lines = ["---", f"date: {t.day.isoformat()}", f"type: {t.type}"]
    if note.with_:
        lines.append(f"with: {yaml_value(list(note.with_)) if len(note.with_) > 1 else value(note.with_[0])}")
    if note.by:
        lines.append(f"by: {value(note.by)}")
    if t.summary:
        lines.append(f"summary: {value(t.summary)}")
    if t.key:
        lines.append(f"crm_id: {value(t.key)}")
    lines.append("---")
    front = "\n".join(lines) + "\n"
    text = front + (t.body + "\n" if t.body else "")
    if len(text.encode("utf-8")) > MAX_NOTE_BYTES:
        raise Unwritable(f"the note is {len(text.encode('utf-8')):,} bytes; Playbook reads notes up to "
                         f"{MAX_NOTE_BYTES:,}: shorten it in the export, or add it by hand in parts")
    base = f"{t.day.isoformat()}-{_stem(t.summary or t.body, t.type)}"
    name, n = f"{base}.md", 1
    while name in taken:
        n += 1
        name = f"{base}-{n}.md"
    rel = f"{CUSTOMERS}/{note.slug}/interactions/{name}"
    problems: list[Problem] = []
    # The front matter alone is read back: the body is text below our own closing '---', so it
    # cannot change what the front matter says (and rendering each note's Markdown here cost
    # 2 ms a note).
    it = parse_interaction(front + "x\n", name, rel, None, config, problems)
    if it is None or _errors(problems):
        first = _errors(problems)[0].message if _errors(problems) else "it reads back empty"
        raise Unwritable(f"Playbook could not write this note so that it reads back ({first}); add it by hand "
                         "with 'playbook log', and please report this")
    taken.add(name)
    return NoteText(name, text)
