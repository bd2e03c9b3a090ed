"""A row of an export as one record: a company, a person or a touch, with the CRM's ids and
the file and line it came from. A row that cannot be used raises BadValue saying what to do."""

from __future__ import annotations

from datetime import date

from ..records import Record
from .sources import NOT_DONE, TYPE_WORDS, Columns
from .values import BadValue, emails_in, html_text, one_line, parse_day, salesforce_id, split_list

#: The longest summary written: a subject line, not a paragraph.
MAX_SUMMARY = 150


class Where(Record):
    """The file (as the user named it) and the line a record starts on."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Company(Record):
    key: str | None
    """'hubspot:123', or None when the export has no id column."""
    name: str
    owner: str
    created: date | None
    where: Where


class Person(Record):
    key: str | None
    company_keys: tuple[str, ...]
    company: str
    """The company's name as the row gives it ('' when only its id is given)."""
    name: str
    role: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    where: Where


class Touch(Record):
    key: str | None
    company_keys: tuple[str, ...]
    company: str
    contact_keys: tuple[str, ...]
    contacts: tuple[str, ...]
    """Names of the people it was with, as the row gives them."""
    day: date
    type: str
    summary: str
    body: str
    owner: str
    where: Where
    done: bool
    """False for a planned activity (a task still to do): not history yet."""


def _key(cols: Columns, raw: str) -> str:
    value = one_line(raw)
    if cols.kind.system == "salesforce":
        value = salesforce_id(value)
    return f"{cols.kind.system}:{value.replace(' ', '_')}"


def _keys(cols: Columns, row: dict[str, str], name: str) -> tuple[str, ...]:
    out = []
    for cell in cols.every(row, name):
        out += [_key(cols, v) for v in split_list(cell)]
    return tuple(dict.fromkeys(out))


def _id(cols: Columns, row: dict[str, str]) -> str | None:
    raw = one_line(cols.first(row, "id"))
    return _key(cols, raw) if raw else None


def _column(cols: Columns, name: str) -> str:
    return cols.present.get(name, (name,))[0]


def company(cols: Columns, row: dict[str, str], where: Where, day_first: bool,
            notices: list[tuple[Where, str]] | None = None) -> Company:
    """The row's company; a created date it cannot read is said in `notices` (the row is still
    used: the date is only a hint for 'since', and the notes' dates say more)."""
    name = one_line(cols.first(row, "name"))
    if not name:
        raise BadValue(f"no name in column '{_column(cols, 'name')}'; a customer needs one: fill it in, "
                       "or leave the row out")
    created = cols.first(row, "created")
    try:
        since = parse_day(created, day_first) if created.strip() else None
    except BadValue as exc:
        since = None
        if notices is not None:
            notices.append((where, f"column '{_column(cols, 'created')}': {exc}. Imported without it: {name}'s "
                                   "'since' comes from its notes (or today); write it in its customer.yaml if you "
                                   "know it"))
    return Company(_id(cols, row), name, one_line(cols.first(row, "owner")), since, where)


def person(cols: Columns, row: dict[str, str], where: Where) -> Person:
    name = one_line(cols.first(row, "name")) or one_line(
        f"{cols.first(row, 'first')} {cols.first(row, 'last')}")
    emails: list[str] = []
    for cell in cols.every(row, "email"):
        emails += emails_in(cell) or split_list(cell)
    phones: list[str] = []
    for cell in cols.every(row, "phone"):
        phones += split_list(cell) if ";" in cell or "\n" in cell else [one_line(cell)]
    emails, phones = list(dict.fromkeys(emails)), list(dict.fromkeys(p for p in phones if p))
    if not name:
        if not emails:
            raise BadValue("no name and no email; a contact needs a name: fill it in, or leave the row out")
        name = emails[0]
    company_keys = _keys(cols, row, "company_id")
    company_name = one_line(cols.first(row, "company"))
    if not company_keys and not company_name:
        cols_named = " or ".join(f"'{c}'" for n in ("company_id", "company") for c in cols.present.get(n, ())[:1])
        raise BadValue(f"{name} has no company ({cols_named or 'no company column'} is empty); Playbook keeps "
                       "contacts under their customer: fill it in, or add them by hand with "
                       "'playbook log CUSTOMER … --with NAME --add-contact'")
    return Person(_id(cols, row), company_keys, company_name, name, one_line(cols.first(row, "role")),
                  tuple(emails), tuple(phones), where)


def _type(cols: Columns, row: dict[str, str]) -> str:
    for cell in cols.every(row, "type"):
        word = " ".join(cell.replace("_", " ").casefold().split())
        if word in TYPE_WORDS:
            return TYPE_WORDS[word]
    return "note"


def touch(cols: Columns, row: dict[str, str], where: Where, day_first: bool) -> Touch:
    raw_day = cols.first(row, "date")
    if not raw_day.strip():
        col = _column(cols, "date")
        raise BadValue(f"no date (column '{col}' is empty); Playbook files history by day: fill it in, "
                       "or leave the row out")
    day = parse_day(raw_day, day_first)
    summary = one_line(cols.first(row, "summary"))
    if len(summary) > MAX_SUMMARY:
        summary = summary[:MAX_SUMMARY - 1].rstrip() + "…"
    body = html_text(cols.first(row, "body")).strip()
    if not summary and not body:
        raise BadValue("nothing to keep: the subject and the notes are both empty; leave the row out")
    status = " ".join(cols.first(row, "status").casefold().split())
    return Touch(_id(cols, row), _keys(cols, row, "company_id"), one_line(cols.first(row, "company")),
                 _keys(cols, row, "contact_id"), tuple(split_list(cols.first(row, "contact"))) if ";" in
                 cols.first(row, "contact") else tuple(n for n in [one_line(cols.first(row, "contact"))] if n),
                 day, _type(cols, row), summary, body, one_line(cols.first(row, "owner")), where,
                 status not in NOT_DONE)
