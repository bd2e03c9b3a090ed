"""`playbook import`: read the exports, plan, check every text with the loader, then write
(unless it is a dry run). Nothing is written when a file cannot be read or is not an export
Playbook knows; a row that cannot be used is reported with its file:line and the rest goes on.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from ..capture import CaptureError, CustomerRef, create_numbered
from ..capture.files import create_file, within_root
from ..capture.profile import edit_profile
from ..capture.scaffold import make_customer_folder
from ..config import Config, load_config
from ..folders import CUSTOMERS_DIR
from ..reading import Refused, read_file
from ..records import Record
from .csvfile import Table, Unreadable, open_table
from .existing import read_book
from .mapping import BadMapping, Mapping, read_mapping
from .output import NoteText, Unwritable, add_contacts, customer_text, note_text, try_contacts
from .owners import Owners
from .plan import NewNote, Plan, Planner
from .rows import BadValue, Where, company, person, touch
from .sources import PRODUCTS, Columns, detect

SYSTEM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive"}
KNOWN = ("HubSpot companies, contacts and notes/activities; Salesforce accounts, contacts and tasks/events "
         "(report or Data Loader exports); Pipedrive organizations, persons, activities and notes")


class ImportRefused(Exception):
    """Nothing was written: a file given cannot be read, or is not an export Playbook knows."""


class FileRead(Record):
    shown: str
    label: str
    rows: int
    encoding: str
    delimiter: str


class Report(Struct):
    """What an import did (or, in a dry run, would do)."""

    files: list[FileRead] = field(default_factory=list)
    plan: Plan = field(default_factory=Plan)
    writes: list[tuple[str, str]] = field(default_factory=list)
    """(path from the playbook's root, what it is) in the order written."""
    counts: dict[str, int] = field(default_factory=lambda: {"customers": 0, "updated": 0, "contacts": 0, "notes": 0})
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file:line or path, message): rows refused and writes that failed."""
    unmatched: dict[str, int] = field(default_factory=dict)


def _tables(files: list[tuple[Path, str]], mapping: Mapping | None) -> list[tuple[Table, list[Columns]]]:
    out, problems, seen = [], [], set()
    for path, shown in files:
        real = str(path.resolve())
        if real in seen:
            continue
        seen.add(real)
        try:
            table = open_table(path, shown)
        except Unreadable as exc:
            problems.append(str(exc))
            continue
        found = detect(table.header, PRODUCTS)[:1]
        if not found and mapping is not None:
            found = detect(table.header, mapping.kinds)
        if not found:
            cols = ", ".join(table.header[:8]) + (", …" if len(table.header) > 8 else "")
            problems.append(f"{shown}:1: not an export Playbook recognises (its columns: {cols}). It reads {KNOWN}; "
                            "for any other CSV, name its columns in a mapping file and give --map FILE "
                            "(see 'playbook import --help')")
            continue
        out.append((table, found))
    if problems:
        raise ImportRefused("\n".join(problems) + "\nNothing was imported.")
    return out


def _records(tables: list[tuple[Table, list[Columns]]], day_first: bool, report: Report):
    companies, people, touches = [], [], []
    for table, kinds in tables:
        n = 0
        try:
            for line, row in table.rows():
                n += 1
                where = Where(table.shown, line)
                for cols in kinds:
                    if len(kinds) > 1 and not any(cols.first(row, f).strip() for f in cols.kind.needs[0]):
                        continue  # a flat spreadsheet's row without, say, a contact
                    try:
                        if cols.kind.record == "customer":
                            companies.append(company(cols, row, where, day_first, report.plan.notices))
                        elif cols.kind.record == "contact":
                            people.append(person(cols, row, where))
                        else:
                            touches.append(touch(cols, row, where, day_first))
                    except BadValue as exc:
                        report.plan.refused.append((where, str(exc)))
        except Unreadable as exc:
            report.failed.append((table.shown, str(exc)))
        report.files.append(FileRead(table.shown, " + ".join(c.kind.label for c in kinds), n, table.encoding,
                                     {",": ",", ";": ";", "\t": "tab"}[table.delimiter]))
    return companies, people, touches


def _system(keys: list[str]) -> str:
    return SYSTEM_NAMES.get(keys[0].split(":", 1)[0], keys[0].split(":", 1)[0]) if keys else "the old CRM"


def run_import(root: Path, files: list[tuple[Path, str]], *, today: date, mapping_file: tuple[Path, str] | None = None,
               day_first: bool = False, dry_run: bool = False) -> Report:
    """Import the exports `files` ((path, as the user wrote it)) into the playbook at `root`."""
    try:
        mapping = read_mapping(*mapping_file) if mapping_file else None
    except BadMapping as exc:
        raise ImportRefused(f"{exc}\nNothing was imported.") from None
    tables = _tables(files, mapping)
    day_first = day_first or bool(mapping and mapping.day_first)
    report = Report()
    companies, people, touches = _records(tables, day_first, report)
    config, _ = load_config(root)
    book = read_book(root)
    owners = Owners(config.team, mapping.owners if mapping else {})
    planner = Planner(book, owners)
    for c in companies:
        planner.company(c)
    for p in people:
        planner.person(p)
    for t in touches:
        planner.touch(t)
    plan = report.plan = _merge(report.plan, planner.plan)
    _write(root, config, plan, report, book, today, dry_run)
    report.unmatched = owners.unmatched
    report.failed = [(str(w), m) for w, m in plan.refused] + report.failed
    return report


def _merge(first: Plan, plan: Plan) -> Plan:
    plan.refused[:0] = first.refused
    plan.notices[:0] = first.notices
    return plan


def _write(root: Path, config: Config, plan: Plan, report: Report, book, today: date, dry_run: bool) -> None:
    failed_slugs: set[str] = set()
    texts: dict[str, str] = {}
    for new in plan.customers:
        try:
            texts[new.slug] = customer_text(new, plan.contacts.get(new.slug, []), config, _system(new.keys), today)
        except Unwritable as exc:
            plan.refused.append((new.where, str(exc)))
            failed_slugs.add(new.slug)
    notes: list[tuple[NewNote, NoteText]] = []
    for note in plan.notes:
        if note.slug in failed_slugs:
            plan.refused.append((note.touch.where, f"not written: its customer ({note.slug}) could not be made"))
            continue
        try:
            notes.append((note, note_text(note, book.folders[note.slug].files, config)))
        except Unwritable as exc:
            plan.refused.append((note.touch.where, str(exc)))
    root = root.resolve()
    for new in plan.customers:
        if new.slug in failed_slugs:
            continue
        rel = f"{CUSTOMERS_DIR}/{new.slug}/customer.yaml"
        n = len(plan.contacts.get(new.slug, []))
        try:
            if not dry_run:
                make_customer_folder(root, new.slug, texts[new.slug])
        except (CaptureError, OSError) as exc:
            report.failed.append((rel, str(exc)))
            failed_slugs.add(new.slug)
            continue
        report.writes.append((rel, f"new customer, {n} contact{'s' if n != 1 else ''}"))
        report.counts["customers"] += 1
        report.counts["contacts"] += n
    for slug, contacts in plan.contacts.items():
        folder = book.folders[slug]
        if folder.new:
            continue
        rel = f"{CUSTOMERS_DIR}/{slug}/customer.yaml"
        try:
            if not dry_run:
                ref = CustomerRef(slug, folder.name, (root / CUSTOMERS_DIR / slug).resolve())
                edit_profile(root, ref, config, [add_contacts(contacts)])
            else:
                data = read_file(root / CUSTOMERS_DIR / slug / "customer.yaml", root)
                try_contacts(data.decode("utf-8-sig"), contacts)
        except (CaptureError, OSError, Refused, UnicodeDecodeError) as exc:
            report.failed.append((rel, f"{exc} ({len(contacts)} contacts not added, from {contacts[0].where} on)"))
            continue
        report.writes.append((rel, f"{len(contacts)} contact{'s' if len(contacts) != 1 else ''} added"))
        report.counts["updated"] += 1
        report.counts["contacts"] += len(contacts)
    wrote_notes = False
    for note, text in notes:
        if note.slug in failed_slugs:
            report.failed.append((str(note.touch.where), f"not written: its customer ({note.slug}) could not be made "
                                                         "(see above)"))
            continue
        folder_path = root / CUSTOMERS_DIR / note.slug / "interactions"
        name = text.filename
        try:
            if not dry_run:
                within_root(folder_path.parent, root)
                folder_path.mkdir(exist_ok=True)
                try:
                    create_file(folder_path / name, text.text.encode("utf-8"), root, sync=False)
                except FileExistsError:  # appeared since the folder was listed: never overwrite
                    name = create_numbered(folder_path / name, text.text.encode("utf-8"), root).name
        except (CaptureError, OSError) as exc:
            report.failed.append((str(note.touch.where), f"not written: {exc}"))
            continue
        wrote_notes = True
        what = "note" if note.touch.type == "note" else f"{note.touch.type} note"
        report.writes.append((f"{CUSTOMERS_DIR}/{note.slug}/interactions/{name}", what))
        report.counts["notes"] += 1
    if wrote_notes and hasattr(os, "sync"):
        os.sync()  # once for every note (they were written without a sync each); see create_file
