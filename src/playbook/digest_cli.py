"""`playbook digest`: its arguments, who it is for, and `--post` to a chat webhook
(webhook.py, which keeps the address secret)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .problems import UsageError, did_you_mean

#: The --format choices (digest_formats.FORMATS, which tests/test_digest.py checks they are):
#: named here so that registering the command imports none of what makes a digest, and
#: `playbook build` starts without it.
FORMATS: tuple[str, ...] = ("markdown", "text", "slack", "teams", "html")

def run_digest(root: Path, args: argparse.Namespace) -> int:
    from .actions_cli import Me, git_email, identify
    from .check import load_clean
    from .digest import NO_ONE, build_digest, newly_at_risk, previous_working_day
    from .digest_formats import CONTENT_TYPES, render
    from .engine import analyse, analyse_all
    from .names import person_name, site_handles
    from .webhook import PostError, post, webhook_host
    post_url = args.post
    if post_url == "-":  # from the environment, so the address stays out of shell history and CI logs
        post_url = os.environ.get("PLAYBOOK_DIGEST_WEBHOOK", "")
        if not post_url.strip():
            raise UsageError("--post -: $PLAYBOOK_DIGEST_WEBHOOK is empty")
    if post_url:
        webhook_host(post_url, args.allow_http)  # a bad address is a usage error before any work
    clean = load_clean(root, args.as_of)
    if clean is None:
        return 1
    loaded, as_of = clean
    config = loaded.config
    rels = analyse_all(loaded.playbook, config, as_of)
    handles = site_handles(config, (r.customer for r in rels), (h for r in rels for a in r.actions for h in a.assignees))
    if args.owner and args.owner not in handles:
        raise UsageError(f"no one with the handle '{args.owner}'{did_you_mean(args.owner, set(handles))}; "
                         f"known: {', '.join(sorted(handles))}")
    owner, me = args.owner, Me(None, "")
    if not owner and not args.all:
        me = identify(os.environ.get("PLAYBOOK_USER"), git_email(root), config.team, set(handles))
        if me.warning:
            print(f"playbook: warning: {me.warning}", file=sys.stderr)
        owner = me.handle
    people = ([(owner, person_name(config, owner))] if owner else
              [(h, person_name(config, h)) for h in handles] + [(NO_ONE, "")])
    before = previous_working_day(as_of, config.holidays)
    at_risk = newly_at_risk(rels, lambda r: analyse(r.customer, config, before).stage.id)
    text = render(build_digest(rels, at_risk, config, as_of, people), args.format)
    if not post_url:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        status = post(post_url, text.encode("utf-8"), CONTENT_TYPES[args.format], args.allow_http)
    except PostError as exc:
        print(f"playbook: {exc}; nothing was posted", file=sys.stderr)
        return 1
    print(f"Posted the digest ({args.format}) to the webhook at {webhook_host(post_url, args.allow_http)} "
          f"(HTTP {status}).", file=sys.stderr)
    return 0


def add_parser(sub, root_args, as_of_arg) -> None:
    p = sub.add_parser(
        "digest", help="each person's morning list, for chat or email",
        description="Each person's list for today: what is due (as 'playbook actions'), customers that became "
                    "at risk since the last working day, renewals coming (within thresholds.renewal_days) and "
                    "birthdays this week. Yours when Playbook can tell who you are ($PLAYBOOK_USER, or git's "
                    "user.email in team:), else everyone's, one section per person.",
        epilog="examples:\n  playbook digest\n  playbook digest --all --format slack --post -   "
               "(the address in $PLAYBOOK_DIGEST_WEBHOOK)\n  playbook digest --owner maya --format html > maya.html"
               "\n\nexit status: 0 printed or posted; 1 errors in the content, or the webhook refused it;\n"
               "2 wrong usage or no playbook here.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root_args(p, positional=True)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--owner", metavar="HANDLE", help="this person's list")
    who.add_argument("--all", action="store_true", help="everyone's lists, one section per person")
    p.add_argument("--format", choices=FORMATS, default="markdown",
                   help="markdown (default), text, slack (Block Kit JSON), teams (Adaptive Card message JSON) "
                        "or html (an email body)")
    p.add_argument("--post", metavar="URL",
                   help="POST the digest to this webhook (https) instead of printing it; '-' reads the address "
                        "from $PLAYBOOK_DIGEST_WEBHOOK. The address is never printed")
    p.add_argument("--allow-http", action="store_true", help=argparse.SUPPRESS)  # a local server in tests
    as_of_arg(p)
    p.set_defaults(func=lambda args: _cmd(args))


def _cmd(args: argparse.Namespace) -> int:
    from .cliargs import playbook_root
    return run_digest(playbook_root(args), args)
