"""The commands that write into a playbook (`log`, `new`, `done`, `init`): their arguments
and exit codes. The writing itself is capture/'s."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from datetime import date
from pathlib import Path

from .cliargs import DATE_FORMS, date_arg, playbook_root, print_problems, root_args, shown, warn
from .problems import UsageError, describe_os_error, escape_controls, escape_lines


def capture_command(fn):
    """Map capture's refusals to exit codes: a bad value or a machine that will not let it
    write is a usage fault (2); a lookup that finds no match or several, or a file in the
    way, exits 1. Nothing is written in either case."""
    def run(args: argparse.Namespace) -> int:
        from .capture import CaptureError, InvalidArgument
        try:
            return fn(args)
        except InvalidArgument as exc:
            raise UsageError(str(exc)) from None
        except CaptureError as exc:
            print(f"playbook: {escape_lines(str(exc))}", file=sys.stderr)
            return exc.exit_code
        except OSError as exc:  # the machine, not the content: a usage/environment problem
            print(f"playbook: {escape_controls(describe_os_error(exc))}", file=sys.stderr)
            return 2
    run.__doc__ = fn.__doc__
    return run


def _read_stdin() -> str:
    """Standard input as UTF-8 text; bytes that are not UTF-8 are a usage problem."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read() if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"standard input is not UTF-8 text (byte 0x{raw[exc.start]:02x} at {exc.start}); "
                         "send the note as UTF-8") from None


def _log_mail(args: argparse.Namespace) -> int:
    """`log --eml`: each message a note; exit 1 when any message could not be imported."""
    from .capture.mail import import_mail
    given = [flag for flag, value in (("TEXT", args.text), ("--type", args.type), ("--with", args.with_),
                                      ("--direction", args.direction), ("--summary", args.summary),
                                      ("--ask", args.ask), ("--from", args.from_),
                                      ("--add-contact", args.add_contact), ("--edit", args.edit)) if value]
    if given:
        raise UsageError(f"{', '.join(given)}: not with --eml; the email gives the note, the people, the "
                         "direction and the summary")
    root = playbook_root(args)
    counts = {"written": 0, "there": 0, "problems": 0}
    for o in import_mail(root, [Path(p) for p in args.eml], customer=args.customer, today=date.today(),
                         day=args.date, by=args.by, sentiment=args.sentiment, dry_run=args.dry_run):
        if o.path is None and not o.problem:
            counts["there"] += 1
            print(f"skipped {escape_controls(o.where)}: {escape_controls(o.skipped or '')}")
        elif o.path is None:
            counts["problems"] += 1
            print(f"playbook: {escape_controls(o.where)}: not imported: {escape_controls(o.skipped or '')}",
                  file=sys.stderr)
        else:
            counts["written"] += 1
            if args.dry_run:
                print(f"--- would write {shown(o.path)} (from {escape_controls(o.where)})")
                print("\n".join(escape_controls(line) for line in (o.text or "").rstrip("\n").split("\n")))
            else:
                print(f"{shown(o.path)}  (from {escape_controls(o.where)})")
            warn(f"{o.where}: {n}" for n in o.notes)
    done = "would write" if args.dry_run else "written"
    total = sum(counts.values())
    print(f"{total} message{'' if total == 1 else 's'}: {counts['written']} {done}, {counts['there']} already imported, "
          f"{counts['problems']} not imported" + (" (see above)" if counts["problems"] else ""), file=sys.stderr)
    return 1 if counts["problems"] else 0


@capture_command
def cmd_log(args: argparse.Namespace) -> int:
    from . import capture
    if args.eml:
        return _log_mail(args)
    if args.dry_run:
        raise UsageError("--dry-run goes with --eml (a note from the command line is written as given)")
    if args.customer is None:
        raise UsageError("say which customer: playbook log CUSTOMER \"what happened\" (or --eml FILE to "
                         "import emails, the customer guessed from their addresses)")
    root = playbook_root(args)
    editor = capture.editor_command(os.environ.get("VISUAL") or os.environ.get("EDITOR")) if args.edit else None
    if args.text == "-":
        text = _read_stdin()
    elif args.text is None:
        if not args.edit and not args.ask:
            raise UsageError("give the note: as text in quotes, '-' to read it from standard input, "
                             "or --edit to write it in your editor")
        text = ""
    else:
        text = args.text
    if not text.strip() and not args.edit and not (args.summary or "").strip() and not args.ask:
        raise UsageError("the note is empty; write what happened, or use --edit")
    by = args.by if args.by is not None else (os.environ.get("PLAYBOOK_USER") or None)
    result = capture.log(root, args.customer, text, today=date.today(), day=args.date, type=args.type,
                         with_=args.with_ or (), by=by, sentiment=args.sentiment, direction=args.direction,
                         summary=args.summary, asks=args.ask or (), ask_from=args.from_,
                         add_contacts=args.add_contact, hints=editor is not None)
    warn(result.warnings)
    for line in result.changed:
        print(f"playbook: {escape_controls(line)}", file=sys.stderr)
    print(shown(result.path))
    if editor is None:
        return 0
    edited = capture.edit_new(editor, result.path, root, discard_if_unchanged=not text.strip() and not args.ask,
                              hints=result.hints)
    if not edited.kept:
        print("playbook: nothing was written in the editor; no interaction logged", file=sys.stderr)
        return 1
    print_problems(list(edited.problems))
    if edited.status != 0:
        print(f"playbook: the editor exited with status {edited.status}; the file is kept", file=sys.stderr)
        return 1
    return 1 if any(p.severity == "error" for p in edited.problems) else 0


@capture_command
def cmd_new(args: argparse.Namespace) -> int:
    from . import capture
    result = capture.new_customer(playbook_root(args), args.name, today=date.today(), owners=args.owner or (),
                                  tier=args.tier, slug=args.slug, since=args.since)
    warn(result.warnings)
    print(shown(result.path))
    return 0


def _said(t) -> str:
    o = t.item
    where = f"{shown(o.path)}:{o.line}"
    if t.already:
        return f"already done: {where}: {o.text}"
    return f"{'answered' if o.kind == 'ask' else 'ticked'} {where}: {o.text}"


@capture_command
def cmd_done(args: argparse.Namespace) -> int:
    from . import capture
    root = playbook_root(args)
    if args.text is not None:
        print(escape_lines(_said(capture.done(root, args.customer, args.text))))
        return 0
    ref, open_, closed = capture.open_items(root, args.customer)
    print(escape_lines(capture.listing(ref, open_)))
    if not open_:
        return 0
    if not sys.stdin.isatty():
        print(f"Tick one with: playbook done {args.customer} NUMBER (or part of its text)")
        return 0
    try:
        answer = input("Tick which? A number, or Enter for none: ").strip()
    except EOFError:
        answer = ""
    if not answer:
        return 0
    found = capture.pick(ref, open_, closed, answer)
    print(escape_lines(_said(found if isinstance(found, capture.Ticked) else capture.tick(root, found))))
    return 0


@capture_command
def cmd_opportunity(args: argparse.Namespace) -> int:
    from .capture import deals
    from .config import load_config
    root = playbook_root(args)
    status = "won" if args.won else "lost" if args.lost else None
    if args.text is None:
        if status or args.value is not None or args.since is not None:
            raise UsageError("say which opportunity: its number in the list 'playbook opportunity CUSTOMER' "
                             "shows, or part of its text (or, to add one, what it is)")
        ref, opps = deals.opportunities(root, args.customer)
        print(escape_lines(deals.listing(ref, opps, load_config(root)[0].currency or "")))
        return 0
    if status:
        if args.value is not None or args.since is not None:
            raise UsageError("--value and --since are for adding an opportunity, not for --won or --lost")
        d = deals.decide(root, args.customer, args.text, status, closed=args.date or date.today())
        print(escape_controls(f"{'already ' if d.already else 'marked '}{d.status}: {d.what} ({d.rel})"))
        return 0
    if args.date is not None:
        raise UsageError("--date is when one was won or lost; for when it came up, use --since")
    d = deals.add(root, args.customer, args.text, today=date.today(), value=args.value, since=args.since)
    print(escape_controls(f"added the opportunity '{d.what}' to {d.rel}"))
    return 0


@capture_command
def cmd_init(args: argparse.Namespace) -> int:
    from . import capture, origin
    pin = origin.running_pin()
    r = capture.init(args.dir, today=date.today(), requirements=origin.requirements_text(pin), title=args.title,
                     force=args.force)
    for rel in r.created:
        print(f"created {rel}" + (f"  (CI installs {escape_controls(pin.requirement)})"
                                  if rel == capture.REQUIREMENTS else ""))
    for rel in r.kept:
        print(f"kept    {rel} (it exists; not overwritten)")
    if capture.REQUIREMENTS in r.created:
        warn(pin.warnings)
    # Quoted for the shell, and escaped: a folder named with a terminal's escape codes or a
    # newline printed them raw and split the command (a fuzzing session).
    print(f"\nNext: cd {escape_controls(shlex.quote(shown(r.root)))} && git init && git add -A && "
          "git commit -m 'Start our playbook'\n"
          "Then: playbook check, playbook build, and push; CI checks and publishes the site.")
    return 0


def add_parsers(sub) -> None:
    """The capture commands' parsers, on the main parser's subcommands."""
    from .model import INTERACTION_TYPES
    p = sub.add_parser(
        "log", help="write down an interaction (call, meeting, email, note…)",
        description="Write a new interaction file for a customer and print its path. Nothing is ever "
                    "overwritten: a second note of the same kind on the same day gets a -2 suffix.",
        epilog="examples:\n"
               "  playbook log acme \"Called Maria, she is happy with the rollout\" --type call "
               "--with Maria --sentiment positive\n"
               "  playbook log \"Acme Corp\" - --type meeting < notes.md    (the note from standard input)\n"
               "  playbook log acme --type email --edit                    (write it in $EDITOR)\n"
               "  playbook log acme \"Met Anita, their new CTO\" --with \"Anita Patel\" --add-contact\n"
               "  playbook log acme --ask \"Can invoices show the shop name?\" --from Maria\n"
               "  playbook log --eml saved-mail/ --dry-run                (emails: each message a note)\n\n"
               "--eml takes an .eml file, a folder of them or an mbox file (repeat it for several). Each\n"
               "message becomes a note of type email: its Date (in this machine's time zone), who took\n"
               "part (contacts matched by address; other addresses listed in the note), the direction\n"
               "(from the team's emails in playbook.yaml), the subject without Re:/Fwd: as summary,\n"
               "and its text without the quoted history, signature or attachments. Without CUSTOMER\n"
               "each message goes to the customer whose contacts' addresses (or company domain; never\n"
               "gmail.com and the like) are on it. A message imported before (same Message-ID) is skipped.\n\n"
               "CUSTOMER is a folder name or a customer's name, or the start of either; case and accents\n"
               "do not matter. Commitments are task items in the note: '- [ ] Send the deck (due 2026-12-01)'.\n"
               f"{DATE_FORMS}\n\n"
               "exit status: 0 written; 1 nothing written (CUSTOMER matched no customer or several,\n"
               "listed), or with --eml some message not imported (each is said); 2 a bad option value\n"
               "(e.g. an unknown --type), or no playbook here.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("customer", metavar="CUSTOMER", nargs="?",
                   help="folder name, name, or the start of either (with --eml it may be left out)")
    p.add_argument("text", metavar="TEXT", nargs="?",
                   help="the note in Markdown; '-' reads it from standard input")
    p.add_argument("--type", metavar="TYPE",
                   help=f"one of: {', '.join(INTERACTION_TYPES)} (default: note; also names the file)")
    p.add_argument("--with", dest="with_", action="append", metavar="NAME",
                   help="a contact who took part (repeat for several); warns when not in customer.yaml")
    p.add_argument("--by", metavar="HANDLE", help="who on the team (default: $PLAYBOOK_USER, else left out)")
    p.add_argument("--sentiment", metavar="WORD",
                   help="very negative, negative, neutral, positive, very positive (or -2..2)")
    p.add_argument("--direction", metavar="in|out", help="'in': they reached out; 'out': we did")
    p.add_argument("--summary", metavar="TEXT", help="one line (default: the note's first sentence)")
    p.add_argument("--ask", action="append", metavar="TEXT",
                   help="something they asked that we owe an answer to: added to customer.yaml's asks, "
                        "dated like the note (repeat for several; the note may then be left out)")
    p.add_argument("--from", dest="from_", metavar="NAME",
                   help="who asked (a contact's name or unique first name); they are added to --with")
    p.add_argument("--add-contact", action="store_true",
                   help="add the --with and --from names that are not contacts yet to customer.yaml")
    p.add_argument("--date", type=date_arg, metavar="DATE",
                   help="when it happened: 2026-11-20, yesterday, mon, '3 days ago' (default: today)")
    p.add_argument("--edit", action="store_true",
                   help="open the new file in $VISUAL or $EDITOR (an empty note left unchanged is removed)")
    p.add_argument("--eml", action="append", metavar="FILE|FOLDER|MBOX",
                   help="import emails: an .eml file, a folder of .eml files, or an mbox (repeatable); "
                        "--date then dates only the messages without a readable Date header")
    p.add_argument("--dry-run", action="store_true", help="with --eml: print the notes it would write, write none")
    root_args(p, positional=False)
    p.set_defaults(func=cmd_log)

    p = sub.add_parser(
        "new", help="add a customer",
        description="Create content/customers/<slug>/ with a commented customer.yaml (every field "
                    "explained) and an empty interactions/ folder. An existing folder is never touched.",
        epilog="example: playbook new \"Acme Corp\" --owner maya --tier key\n\n"
               "The folder name (slug) comes from the name: 'Müller & Söhne' becomes muller-sohne.\n"
               "exit status: 0 created; 1 the customer folder exists; 2 a bad option value, or no playbook here.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", metavar="NAME", help="the customer's display name")
    p.add_argument("--owner", action="append", metavar="HANDLE", help="team handle responsible (repeatable)")
    p.add_argument("--tier", metavar="TIER", help="tier, e.g. key; picks the cadence from playbook.yaml")
    p.add_argument("--slug", metavar="SLUG", help="folder name to use instead of one made from NAME")
    p.add_argument("--since", type=date_arg, metavar="DATE",
                   help="when the relationship began (default: today)")
    root_args(p, positional=False)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "done", help="tick off a promise ('- [ ]' becomes '- [x]') or an ask; or list what is open",
        description="Tick the open promise of CUSTOMER (a task item in a note) or mark its open ask answered "
                    "(in customer.yaml): the one numbered N in the list 'playbook done CUSTOMER' shows, or "
                    "the one whose text contains TEXT (case ignored). Nothing else in the file changes. "
                    "Without TEXT it lists what is open, numbered, and on a terminal asks which to tick.",
        epilog="examples:\n  playbook done acme                    (list, and pick one)\n"
               "  playbook done acme 2\n  playbook done acme \"usage report\"\n\n"
               "exit status: 0 ticked, listed, or done already; 1 nothing ticked (nothing or several match,\n"
               "or CUSTOMER matched no customer or several; the candidates are listed with file:line);\n"
               "2 no playbook here.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("customer", metavar="CUSTOMER", help="folder name, name, or the start of either")
    p.add_argument("text", metavar="N|TEXT", nargs="?", help="its number in the list, or part of its text")
    root_args(p, positional=False)
    p.set_defaults(func=cmd_done)

    p = sub.add_parser(
        "opportunity", help="add an opportunity (more business), or mark one won or lost",
        description="Add an open opportunity to CUSTOMER's customer.yaml, or mark an open one won or lost "
                    "(--won, --lost); without TEXT, list them. customer.yaml keeps its comments and layout.",
        epilog="examples:\n  playbook opportunity acme \"Second site\" --value 40000\n"
               "  playbook opportunity acme                      (list them, the open ones numbered)\n"
               "  playbook opportunity acme 1 --won --date yesterday\n\n"
               "exit status: 0 written or listed (or decided already); 1 nothing written (no match or several,\n"
               "or customer.yaml has errors); 2 a bad value, or no playbook here.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("customer", metavar="CUSTOMER", help="folder name, name, or the start of either")
    p.add_argument("text", metavar="TEXT|N", nargs="?",
                   help="what it is (to add one); with --won or --lost, its number or part of its text")
    p.add_argument("--value", metavar="AMOUNT", help="what it is worth, e.g. 40000")
    p.add_argument("--since", type=date_arg, metavar="DATE", help="when it came up (default: today)")
    decided = p.add_mutually_exclusive_group()
    decided.add_argument("--won", action="store_true", help="mark it won")
    decided.add_argument("--lost", action="store_true", help="mark it lost")
    p.add_argument("--date", type=date_arg, metavar="DATE", help="when it was won or lost (default: today)")
    root_args(p, positional=False)
    p.set_defaults(func=cmd_opportunity)

    p = sub.add_parser(
        "init", help="start a new playbook repository for a team",
        description="Create a playbook in DIR: playbook.yaml (every setting explained), a sample customer "
                    "with two interactions, README.md with the daily loop, .gitignore, requirements.txt "
                    "(pinning this Playbook, for CI) and CI that checks, builds and publishes the site "
                    "(GitHub Actions and GitLab CI).",
        epilog="example: playbook init our-playbook --title \"Acme Sales Playbook\"\n\n"
               "DIR must be new or empty (a .git folder is fine). With --force the missing files are added\n"
               "to a non-empty DIR; existing files are never overwritten.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", metavar="DIR", type=Path, help="folder for the new playbook (created if missing)")
    p.add_argument("--title", metavar="TEXT", help="site title (default: Relationship Playbook)")
    p.add_argument("--force", action="store_true",
                   help="add the missing files to a non-empty DIR (never overwrites)")
    p.set_defaults(func=cmd_init)
