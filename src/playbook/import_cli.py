"""`playbook import`: its arguments, what it prints and its exit codes. The work is importing/'s."""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import date
from pathlib import Path

from .cliargs import playbook_root, root_args
from .problems import UsageError, escape_controls

DESCRIPTION = (
    "Bring customers, contacts, owners and history from an old CRM's CSV exports: HubSpot (companies, "
    "contacts, notes/activities), Salesforce (accounts, contacts, tasks/events; report or Data Loader "
    "exports), Pipedrive (organizations, persons, activities, notes), or any CSV whose columns a mapping "
    "file names. Give the files in any order; each one's kind is told from its header row. Each company "
    "becomes a customer folder (customer.yaml as 'playbook new' writes it), each person a contact, each "
    "done activity or note an interaction note; owners become team handles where playbook.yaml's team "
    "has them by email or name. The CRM's ids are kept as 'crm_id', so importing again adds only what is "
    "new. No file is ever overwritten, and nothing is written outside content/.")

EPILOG = """examples:
  playbook import hubspot-companies.csv hubspot-contacts.csv hubspot-notes.csv --dry-run
  playbook import Accounts.csv Contacts.csv Tasks.csv Events.csv
  playbook import organizations.csv people.csv activities.csv --day-first
  playbook import old-crm.csv --map mapping.yaml

a mapping file (--map) names the columns of a plain CSV; one file may feed all three sections:
  system: oldcrm              # ids are written as crm_id: oldcrm:123 (default: csv)
  day_first: true             # 05/03/2024 is 5 March (default: month first)
  customers: {id: Account No, name: Company, owner: Account Manager}
  contacts:  {id: Contact No, customer_id: Account No, customer: Company, name: Contact,
              role: Position, email: [E-mail, Email 2], phone: Phone}
  notes:     {id: Ref, customer_id: Account No, contact: Contact, date: Date, type: Channel,
              summary: Subject, body: Details, owner: By}
  owners:    {"Jane Smith": maya, "bob@acme.com": tomas}   # CRM owner -> team handle
It is used for the product exports too, for its owners: section.

Dates are read as 2024-03-05, 03/05/2024 (month first; --day-first for 05/03/2024) or
05.03.2024, a time after them ignored. Files may be UTF-8 (with or without a BOM), UTF-16 or
Windows-1252, delimited by commas, semicolons or tabs.

exit status: 0 imported (or nothing new); 1 some rows were not imported (each is listed as
file:line with what to do; the rest was imported); 2 a file is not readable or not an export
Playbook knows, a bad mapping file, or no playbook here (nothing was written)."""


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="bring customers, contacts and history from HubSpot, Salesforce, Pipedrive "
                                      "or any CSV", description=textwrap.fill(DESCRIPTION, 92), epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV exports, in any order")
    p.add_argument("--dry-run", "-n", action="store_true",
                   help="print what would be written (customers, contacts, notes and their paths); write nothing")
    p.add_argument("--map", type=Path, metavar="FILE", dest="mapping",
                   help="a YAML file naming the columns of a plain CSV, and team handles for CRM owners")
    p.add_argument("--day-first", action="store_true", help="dates like 05/03/2024 are day first (5 March)")
    root_args(p, positional=False)
    p.set_defaults(func=cmd_import)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def cmd_import(args: argparse.Namespace) -> int:
    from .importing import ImportRefused, run_import
    root = playbook_root(args)
    files = [(f, str(f)) for f in args.files]
    try:
        r = run_import(root, files, today=date.today(), day_first=args.day_first, dry_run=args.dry_run,
                       mapping_file=(args.mapping, str(args.mapping)) if args.mapping else None)
    except ImportRefused as exc:
        raise UsageError("\n".join(escape_controls(line) for line in str(exc).split("\n"))) from None
    out = sys.stdout
    for f in r.files:
        delim = "" if f.delimiter == "," else f", '{f.delimiter}'-separated"
        enc = "" if f.encoding == "UTF-8" else f", read as {f.encoding}"
        print(escape_controls(f"{f.shown}: {f.label}, {_plural(f.rows, 'row')}{enc}{delim}"), file=out)
    if r.writes:
        print("Would write:" if args.dry_run else "Wrote:", file=out)
        for rel, what in r.writes:
            print(escape_controls(f"  {rel}  ({what})"), file=out)
    c, a = r.counts, r.plan.already
    print(f"{'Would add' if args.dry_run else 'Added'} {_plural(c['customers'], 'customer')}, "
          f"{_plural(c['contacts'], 'contact')} ({c['updated']:,} to customers already here) and "
          f"{_plural(c['notes'], 'note')}.", file=out)
    if any(a.values()):
        print(f"Already in the playbook (left as they are): {_plural(a['customers'], 'customer')}, "
              f"{_plural(a['contacts'], 'contact')}, {_plural(a['notes'], 'note')}.", file=out)
    if r.plan.planned:
        shown = ", ".join(str(w) for w in r.plan.planned[:5]) + (", …" if len(r.plan.planned) > 5 else "")
        n = len(r.plan.planned)
        print(escape_controls(f"Left out {n:,} planned {'activity' if n == 1 else 'activities'} not done yet "
                              f"({shown}): Playbook keeps what happened; write a promise for what is planned."),
              file=out)
    if r.unmatched:
        names = ", ".join(f"{o} ({n})" for o, n in sorted(r.unmatched.items())[:10])
        print(escape_controls(f"Owners not in playbook.yaml's team: {names}. Their customers say so in a comment; "
                              "add them to 'team:' in playbook.yaml (with their email) and import again, or map "
                              "them in a --map file's 'owners:'."), file=out)
    for where, message in r.plan.notices:
        print(escape_controls(f"{where}: note: {message}"), file=sys.stderr)
    for where, message in r.failed:
        print(escape_controls(f"{where}: not imported: {message}"), file=sys.stderr)
    if args.dry_run:
        print("Nothing was written (--dry-run).", file=out)
    if r.failed:
        print(f"{len(r.failed):,} not imported (listed above with what to do); the rest was "
              f"{'checked' if args.dry_run else 'imported'}.", file=sys.stderr)
        return 1
    return 0
