"""Command-line interface: argument parsing and exit codes only.

Exit codes: 0 success, 1 content errors (or warnings with --strict), 2 wrong usage or a machine
problem (a full disk, a folder it may not write, arguments that are not UTF-8).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

from . import __version__
from .limits import DATE_RANGE, in_range
from .problems import Problem, UsageError, describe_os_error, escape_controls, format_github, format_plain, summary


def _date_arg(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write YYYY-MM-DD") from None
    if not in_range(day):
        raise argparse.ArgumentTypeError(f"'{text}' is out of range; give a date {DATE_RANGE}")
    return day


def _root_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("root", nargs="?", default=".", type=Path,
                   help="the playbook folder (holding playbook.yaml and content/); default: here")


def _as_of_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date_arg, metavar="DATE",
                   help="analyse as if today were DATE (default: as_of in playbook.yaml, else today)")


def _check_text(args: argparse.Namespace) -> None:
    """Arguments that are not UTF-8 (argv bytes Python could not decode are kept as lone
    surrogates) are a usage problem, found before anything is written."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    shown = os.fsencode(text).decode("utf-8", "backslashreplace")  # the bytes as typed
                    raise UsageError(f"the {name.rstrip('_').replace('_', '-')} argument '{shown}' is not "
                                     "UTF-8 text; retype it or set a UTF-8 locale") from None


def print_problems(problems: list[Problem], fmt: str = "plain", stream=None) -> None:
    stream = stream or sys.stderr
    formatter = format_github if fmt == "github" else format_plain
    for p in problems:
        print(formatter(p), file=stream)


def terminal_progress(quiet: bool):
    """A one-line progress display on an interactive terminal; silent in CI, in pipes and with
    --quiet, so logs stay clean."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return lambda _text: None

    def show(text: str) -> None:
        sys.stderr.write("\r\033[K" + text)
        sys.stderr.flush()
    return show


def _check_root(root: Path) -> Path:
    if not root.exists():
        raise UsageError(f"{root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder; give the playbook folder (the one holding content/)")
    return root


# -- commands ------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from .check import check
    root = _check_root(args.root)
    problems, files = check(root, as_of=args.as_of)
    print_problems(problems, args.format, sys.stdout)
    errors = sum(1 for p in problems if p.severity == "error")
    if args.format != "github" or problems:
        print(summary(problems, files), file=sys.stdout if args.format == "plain" else sys.stderr)
    if errors or (args.strict and problems):
        return 1
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildError, build
    root = _check_root(args.root)
    if args.since:
        from .gitinfo import read_git
        git = read_git(root)
        if not git.log:
            raise UsageError("--since needs the playbook to be a git work tree with committed content")
        if git.changes_after(args.since) is None:
            raise UsageError(f"--since {args.since}: not a date (YYYY-MM-DD) nor a commit that changed content/")
    try:
        report = build(root, args.out, args.as_of, args.since, use_cache=not args.no_cache, jobs=args.jobs,
                       progress=terminal_progress(args.quiet))
    except BuildError as exc:
        raise UsageError(str(exc)) from None
    finally:
        terminal_progress(args.quiet)("")  # clear the progress line
    print_problems(report.problems, "plain", sys.stderr)
    if not report.ok:
        errors = sum(1 for p in report.problems if p.severity == "error")
        print(f"Build stopped: {errors} error{'s' if errors != 1 else ''} to fix first (see above). "
              f"The previous site in {report.out} is untouched.", file=sys.stderr)
        return 1
    if not args.quiet:
        index = report.out / "index.html"
        where = index.as_uri() if index.exists() else str(report.out)
        if report.unchanged:
            print(f"Up to date: nothing changed since the last build ({report.customers} customers, "
                  f"{report.files} files, as of {report.as_of.isoformat()}; checked in {report.seconds:.2f}s).\n"
                  f"Open {where}")
        else:
            print(f"Built {report.customers} customers, {report.files} files in {report.seconds:.2f}s "
                  f"as of {report.as_of.isoformat()}.\nOpen {where}")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    from .actions_cli import run_actions
    return run_actions(_check_root(args.root), args)


# -- capture: new, log, done, init (the writing happens in capture/) ---------------------------

def _capture_command(fn):
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
            print(f"playbook: {exc}", file=sys.stderr)
            return exc.exit_code
        except OSError as exc:  # the machine, not the content: a usage/environment problem
            print(f"playbook: {escape_controls(describe_os_error(exc))}", file=sys.stderr)
            return 2
    run.__doc__ = fn.__doc__
    return run


def _shown(path: Path) -> str:
    import os
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _capture_root(args: argparse.Namespace) -> Path:
    from .capture import find_root
    return find_root(args.root if args.root is not None else Path.cwd(), explicit=args.root is not None)


def _warn(messages) -> None:
    for m in messages:
        print(f"playbook: warning: {m}", file=sys.stderr)


def _read_stdin() -> str:
    """Standard input as UTF-8 text; bytes that are not UTF-8 are a usage problem."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read() if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"standard input is not UTF-8 text (byte 0x{raw[exc.start]:02x} at {exc.start}); "
                         "send the note as UTF-8") from None


@_capture_command
def cmd_log(args: argparse.Namespace) -> int:
    import os
    from . import capture
    root = _capture_root(args)
    editor = capture.editor_command(os.environ.get("VISUAL") or os.environ.get("EDITOR")) if args.edit else None
    if args.text == "-":
        text = _read_stdin()
    elif args.text is None:
        if not args.edit:
            raise UsageError("give the note: as text in quotes, '-' to read it from standard input, "
                             "or --edit to write it in your editor")
        text = ""
    else:
        text = args.text
    if not text.strip() and not args.edit and not (args.summary or "").strip():
        raise UsageError("the note is empty; write what happened, or use --edit")
    by = args.by if args.by is not None else (os.environ.get("PLAYBOOK_USER") or None)
    result = capture.log(root, args.customer, text, today=date.today(), day=args.date, type=args.type,
                         with_=args.with_ or (), by=by, sentiment=args.sentiment, direction=args.direction,
                         summary=args.summary)
    _warn(result.warnings)
    print(_shown(result.path))
    if editor is None:
        return 0
    edited = capture.edit_new(editor, result.path, root, discard_if_unchanged=not text.strip())
    if not edited.kept:
        print("playbook: nothing was written in the editor; no interaction logged", file=sys.stderr)
        return 1
    print_problems(list(edited.problems))
    if edited.status != 0:
        print(f"playbook: the editor exited with status {edited.status}; the file is kept", file=sys.stderr)
        return 1
    return 1 if any(p.severity == "error" for p in edited.problems) else 0


@_capture_command
def cmd_new(args: argparse.Namespace) -> int:
    from . import capture
    result = capture.new_customer(_capture_root(args), args.name, today=date.today(), owners=args.owner or (),
                                  tier=args.tier, slug=args.slug, since=args.since)
    _warn(result.warnings)
    print(_shown(result.path))
    return 0


@_capture_command
def cmd_done(args: argparse.Namespace) -> int:
    from . import capture
    t = capture.done(_capture_root(args), args.customer, args.text)
    print(f"ticked {_shown(t.path)}:{t.line}: {t.text}")
    return 0


@_capture_command
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
        _warn(escape_controls(w) for w in pin.warnings)
    where = _shown(r.root)
    print(f"\nNext: cd {where} && git init && git add -A && git commit -m 'Start our playbook'\n"
          "Then: playbook check, playbook build, and push; CI checks and publishes the site.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve
    root = _check_root(args.root)
    return serve(root, args.host, args.port, args.open, args.out, args.as_of, args.quiet)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="A git-native relationship playbook: customer files in, a browsable site out.",
        epilog="Run 'playbook COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "check", help="validate a playbook and report every problem",
        description="Validate a whole playbook and report every problem at once, as path:line:column.",
        epilog="example: playbook check . --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    _as_of_arg(p)
    p.add_argument("--format", choices=("plain", "github"), default="plain",
                   help="'github' prints GitHub Actions annotations")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build", help="compile the playbook into a static site",
        description="Compile the playbook into a static site (HTML, playbook.json, calendars, feed). "
                    "The output folder is replaced only when the build succeeds. When nothing it "
                    "depends on changed since the last build into the same folder, it says 'Up to date' "
                    "and writes nothing.",
        epilog="example: playbook build . --out public --as-of 2026-11-20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ROOT/site)")
    _as_of_arg(p)
    p.add_argument("--since", metavar="DATE|COMMIT",
                   help="list on the home page what changed in the content since a date or a commit (git)")
    p.add_argument("--no-cache", action="store_true",
                   help="a cold build: ignore ROOT/.playbook-cache (the build cache) and write none")
    p.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="worker processes (default: one per core, for playbooks large enough to gain)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "actions", help="list the suggested next actions in the terminal",
        description="The ranked next actions for the team or one person: priority first, then due date.",
        epilog="example: playbook actions --owner maya --due-within 7",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    p.add_argument("--owner", metavar="HANDLE", help="only this person's actions and customers")
    p.add_argument("--kind", metavar="KIND", help="only this kind (follow-up, reach-out, personal, renewal, "
                                                  "repair, broaden, answer, play)")
    p.add_argument("--due-within", type=int, metavar="DAYS", help="only actions due within DAYS (overdue included)")
    _as_of_arg(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_actions)

    p = sub.add_parser(
        "serve", help="preview the site, rebuilding and reloading as you edit",
        description="Build, serve on this machine only, watch the playbook and rebuild on every change; "
                    "open tabs reload by themselves, and errors show over the last good page.",
        epilog="example: playbook serve . --port 8000 --open",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: only this machine)")
    p.add_argument("--open", action="store_true", help="open the site in a browser")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ROOT/site)")
    _as_of_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_serve)

    from .model import INTERACTION_TYPES
    root_help = ("the playbook folder (default: this folder or the nearest one above it that holds "
                 "playbook.yaml or content/)")
    p = sub.add_parser(
        "log", help="write down an interaction (call, meeting, email, note…)",
        description="Write a new interaction file for a customer and print its path. Nothing is ever "
                    "overwritten: a second note of the same kind on the same day gets a -2 suffix.",
        epilog="examples:\n"
               "  playbook log acme \"Called Maria, she is happy with the rollout\" --type call "
               "--with Maria --sentiment positive\n"
               "  playbook log \"Acme Corp\" - --type meeting < notes.md    (the note from standard input)\n"
               "  playbook log acme --type email --edit                    (write it in $EDITOR)\n\n"
               "CUSTOMER is a folder name or a customer's name, or the start of either; case and accents\n"
               "do not matter. Commitments are task items in the note: '- [ ] Send the deck (due 2026-12-01)'.\n\n"
               "exit status: 0 written; 1 nothing written (CUSTOMER matched no customer or several,\n"
               "listed); 2 a bad option value (e.g. an unknown --type).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("customer", metavar="CUSTOMER", help="folder name, name, or the start of either")
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
    p.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD", help="when it happened (default: today)")
    p.add_argument("--edit", action="store_true",
                   help="open the new file in $VISUAL or $EDITOR (an empty note left unchanged is removed)")
    p.add_argument("--root", type=Path, metavar="DIR", help=root_help)
    p.set_defaults(func=cmd_log)

    p = sub.add_parser(
        "new", help="add a customer",
        description="Create content/customers/<slug>/ with a commented customer.yaml (every field "
                    "explained) and an empty interactions/ folder. An existing folder is never touched.",
        epilog="example: playbook new \"Acme Corp\" --owner maya --tier key\n\n"
               "The folder name (slug) comes from the name: 'Müller & Söhne' becomes muller-sohne.\n"
               "exit status: 0 created; 1 the customer folder exists; 2 a bad option value.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", metavar="NAME", help="the customer's display name")
    p.add_argument("--owner", action="append", metavar="HANDLE", help="team handle responsible (repeatable)")
    p.add_argument("--tier", metavar="TIER", help="tier, e.g. key; picks the cadence from playbook.yaml")
    p.add_argument("--slug", metavar="SLUG", help="folder name to use instead of one made from NAME")
    p.add_argument("--since", type=_date_arg, metavar="YYYY-MM-DD",
                   help="when the relationship began (default: today)")
    p.add_argument("--root", type=Path, metavar="DIR", help=root_help)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "done", help="tick off a commitment ('- [ ]' becomes '- [x]')",
        description="Tick the open commitment of CUSTOMER whose text contains TEXT (case ignored). "
                    "The file is edited in place and nothing else in it changes.",
        epilog="example: playbook done acme \"usage report\"\n\n"
               "exit status: 0 ticked; 1 nothing ticked (no open commitment or several match, or CUSTOMER\n"
               "matched no customer or several; the candidates are listed with file:line).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("customer", metavar="CUSTOMER", help="folder name, name, or the start of either")
    p.add_argument("text", metavar="TEXT", help="part of the commitment's text")
    p.add_argument("--root", type=Path, metavar="DIR", help=root_help)
    p.set_defaults(func=cmd_done)

    p = sub.add_parser(
        "init", help="start a new playbook repository for a team",
        description="Create a playbook in DIR: playbook.yaml (every setting explained), a sample customer "
                    "with two interactions, README.md with the daily loop, .gitignore, and CI that checks, "
                    "builds and publishes the site (GitHub Actions and GitLab CI).",
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

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        _check_text(args)
        return int(args.func(args))
    except UsageError as exc:
        print(f"playbook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `playbook actions | head` is fine
        return 0
    except OSError as exc:  # the environment, not the content: a full disk, a read-only folder…
        print(f"playbook: {escape_controls(describe_os_error(exc))}", file=sys.stderr)
        return 2
