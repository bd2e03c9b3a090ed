"""`--map mapping.yaml`: which columns of a plain CSV hold what, and which team member each
CRM owner is. Read with the project's safe YAML reader; every mistake is 'mapping.yaml:line'.

    system: oldcrm          # written before ids: crm_id: oldcrm:123 (default: csv)
    day_first: true         # 05/03/2024 is the 5th of March
    customers:  {id: Account No, name: Company, owner: Account Manager, created: Since}
    contacts:   {id: Contact No, customer_id: Account No, customer: Company, name: Contact,
                 role: Position, email: [E-mail, Email 2], phone: Phone}
    notes:      {id: Ref, customer_id: Account No, customer: Company, contact: Contact,
                 date: Date, type: Channel, summary: Subject, body: Details, owner: By}
    owners:     {"Jane Smith": maya, "bob@acme.com": tomas}

A file feeds every section whose needed columns it has, so one flat spreadsheet (company,
contact, date and note on each row) gives customers, contacts and notes at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..problems import did_you_mean
from ..records import Record
from ..yamlio import Map, Node, Scalar, Seq, parse
from .csvfile import Unreadable, decode, read_bytes
from .sources import Kind

#: The mapping's field names → ours, per section, with what a file needs to be that section's.
_SECTIONS: dict[str, tuple[str, dict[str, str], tuple[tuple[str, ...], ...]]] = {
    "customers": ("customer", {"id": "id", "name": "name", "owner": "owner", "created": "created"},
                  (("name",),)),
    "contacts": ("contact", {"id": "id", "customer_id": "company_id", "customer": "company", "name": "name",
                             "first_name": "first", "last_name": "last", "role": "role", "email": "email",
                             "phone": "phone", "owner": "owner"},
                 (("name", "first", "last"), ("company_id", "company"))),
    "notes": ("note", {"id": "id", "customer_id": "company_id", "customer": "company", "contact_id": "contact_id",
                       "contact": "contact", "date": "date", "type": "type", "summary": "summary", "body": "body",
                       "owner": "owner", "done": "status"},
              (("date",), ("body", "summary"), ("company_id", "company"))),
}
_TOP = ("system", "day_first", "owners", *_SECTIONS)
_SYSTEM = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")


class BadMapping(Exception):
    """The mapping file cannot be used; str() is 'file:line: what to do'."""


class Mapping(Record):
    """A mapping file read."""

    kinds: tuple[Kind, ...]
    """One generic kind per section given."""
    owners: dict[str, str]
    """A CRM owner's name or email, casefolded → team handle."""
    day_first: bool


def _texts(node: Node, where: str) -> tuple[str, ...]:
    if isinstance(node, Scalar) and node.text.strip():
        return (node.text.strip(),)
    if isinstance(node, Seq) and node.items and all(isinstance(i, Scalar) and i.text.strip() for i in node.items):
        return tuple(i.text.strip() for i in node.items)  # type: ignore[union-attr]
    raise BadMapping(f"{where}:{node.line}: give a column name, or a list of them like [Email, Email 2]")


def read_mapping(path: Path, shown: str) -> Mapping:
    """The mapping file, or BadMapping naming its line."""
    try:
        text, _ = decode(read_bytes(path))
    except Unreadable as exc:
        raise BadMapping(f"{shown}: {exc}") from None
    node, problems = parse(text.replace("\r\n", "\n"), shown)
    if problems:
        p = problems[0]
        raise BadMapping(f"{shown}:{p.line}: {p.message}")
    if not isinstance(node, Map):
        raise BadMapping(f"{shown}:1: a mapping file holds 'customers:', 'contacts:' and 'notes:' sections "
                         "naming the columns; see 'playbook import --help'")
    for key, k in node.keys.items():
        if key not in _TOP:
            raise BadMapping(f"{shown}:{k.line}: unknown section '{key}'{did_you_mean(key, _TOP)}; "
                             f"use {', '.join(_TOP)}")
    system = "csv"
    if "system" in node.items:
        s = node.items["system"]
        if not isinstance(s, Scalar) or not _SYSTEM.match(s.text.strip()):
            raise BadMapping(f"{shown}:{s.line}: 'system' names the old CRM in lower-case letters, digits and "
                             "hyphens, e.g. 'system: zoho'")
        system = s.text.strip()
    day_first = False
    if "day_first" in node.items:
        d = node.items["day_first"]
        if not isinstance(d, Scalar) or d.text.strip().lower() not in ("true", "false", "yes", "no"):
            raise BadMapping(f"{shown}:{d.line}: 'day_first' is true or false")
        day_first = d.text.strip().lower() in ("true", "yes")
    kinds = []
    for section, (record, names, needs) in _SECTIONS.items():
        body = node.items.get(section)
        if body is None:
            continue
        if not isinstance(body, Map):
            raise BadMapping(f"{shown}:{body.line}: '{section}' lists 'field: column name' lines, "
                             f"e.g. name: Company")
        fields: dict[str, tuple[str, ...]] = {}
        for key, value in body.items.items():
            if key not in names:
                raise BadMapping(f"{shown}:{body.keys[key].line}: '{section}' has no field '{key}'"
                                 f"{did_you_mean(key, names)}; its fields are {', '.join(names)}")
            fields[names[key]] = _texts(value, shown)
        missing = [g for g in needs if not any(f in fields for f in g)]
        if missing:
            wanted = " or ".join(k for k, v in names.items() if v in missing[0])
            raise BadMapping(f"{shown}:{body.line}: '{section}' needs the column of {wanted}")
        kinds.append(Kind(system, f"{section} (by {shown})", record, fields, needs))
    owners: dict[str, str] = {}
    if "owners" in node.items:
        o = node.items["owners"]
        if not isinstance(o, Map) or not all(isinstance(v, Scalar) for v in o.items.values()):
            raise BadMapping(f"{shown}:{o.line}: 'owners' maps a CRM owner to a team handle, e.g. "
                             "\"Jane Smith\": maya")
        owners = {k.strip().casefold(): v.text.strip() for k, v in o.items.items()}  # type: ignore[union-attr]
    if not kinds and not owners:
        raise BadMapping(f"{shown}:1: the mapping names no columns; add a 'customers:', 'contacts:' or "
                         "'notes:' section")
    return Mapping(tuple(kinds), owners, day_first)
