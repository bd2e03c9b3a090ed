"""The digest laid out for where the team reads it: Markdown, plain text, a Slack message
(Block Kit), a Microsoft Teams message (an Adaptive Card) and an HTML email body.

Everything in a digest came from someone's files, so each format escapes it by that
format's own rules: Slack's `&`, `<`, `>` (so no text becomes a link or a mention), HTML's
five characters, and Markdown's punctuation (so a customer's name cannot become a link).
"""

from __future__ import annotations

import html
import json
import re

from .digest import Digest, Group, Line, Section
from .engine.words import fmt_date

FORMATS: tuple[str, ...] = ("markdown", "text", "slack", "teams", "html")
#: Slack refuses a section's text over 3,000 characters and a message of more than 50 blocks.
SLACK_TEXT_MAX = 3000
SLACK_BLOCKS_MAX = 50
#: Teams refuses a webhook message over about 28 KB; the card's sections are kept under this,
#: with room for the message around them (3,000 customers made 423 KB: a fuzzing session).
TEAMS_BYTES_MAX = 24_000

#: What makes Markdown of plain text: emphasis, code, links, HTML, tables, strikethrough, and
#: an & that starts an entity (a lone & is left alone so names read as written).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|&(?=#|[A-Za-z0-9]+;))")


def heading(d: Digest) -> str:
    return f"Morning list, {fmt_date(d.as_of)}"


def who(s: Section) -> str:
    if not s.handle:
        return "No owner"
    return s.name if s.name == s.handle else f"{s.name} (@{s.handle})"


def more_text(g: Group) -> str:
    return f"…and {g.more} more: playbook actions --due-within 0"


def nothing(d: Digest) -> str:
    return "Nothing due, nothing new at risk, no renewals or birthdays coming."


# -- plain text and Markdown --------------------------------------------------------------

def plain(text: str) -> str:
    """One line: a note's line breaks and control characters never break the layout."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", plain(text))


def url(href: str) -> str:
    """An address as a link's target: the characters that would end it, percent-encoded."""
    return re.sub(r"[\x00-\x20()<>|\"'\\]", lambda m: f"%{ord(m.group(0)):02X}", href)


def to_text(d: Digest) -> str:
    out = [heading(d), ""]
    for s in d.sections:
        out.append(who(s))
        for g in s.groups:
            out.append(f"  {g.title}")
            for ln in g.lines:
                out.append(f"  - {plain(ln.customer)}: {plain(ln.text)} ({ln.when})"
                           + (f"  {url(ln.href)}" if ln.href else ""))
            if g.more:
                out.append(f"  {more_text(g)}")
        out.append("")
    if not d.sections:
        out += [nothing(d), ""]
    return "\n".join(out)


def md_link(ln: Line) -> str:
    return f"[{md(ln.customer)}]({url(ln.href)})" if ln.href else md(ln.customer)


def to_markdown(d: Digest) -> str:
    out = [f"# {heading(d)}", ""]
    for s in d.sections:
        out += [f"## {md(who(s))}", ""]
        for g in s.groups:
            out += [f"### {g.title}", ""]
            out += [f"- **{md_link(ln)}**: {md(ln.text)} ({ln.when})" for ln in g.lines]
            if g.more:
                out.append(f"- {md(more_text(g))}")
            out.append("")
    if not d.sections:
        out += [nothing(d), ""]
    return "\n".join(out)


# -- Slack ---------------------------------------------------------------------------------

def slack_escape(text: str) -> str:
    """Slack's rule for text it should show as written: &, < and > as entities."""
    return plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_line(ln: Line) -> str:
    name = f"<{url(ln.href)}|{slack_escape(ln.customer)}>" if ln.href else slack_escape(ln.customer)
    return f"• *{name}*: {slack_escape(ln.text)} _({slack_escape(ln.when)})_"


def _slack_group(g: Group) -> str:
    lines = [f"*{g.title}*"]
    for i, ln in enumerate(g.lines):
        line = _slack_line(ln)
        rest = len(g.lines) - i + g.more
        if sum(len(x) + 1 for x in lines) + len(line) + 60 > SLACK_TEXT_MAX:
            lines.append(f"…and {rest} more: playbook actions")
            return "\n".join(lines)
        lines.append(line)
    if g.more:
        lines.append(slack_escape(more_text(g)))
    return "\n".join(lines)


def to_slack(d: Digest) -> str:
    """A message for chat.postMessage or an incoming webhook: `text` (the notification's
    fallback) and `blocks`."""
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": plain(heading(d))[:150]}}]
    for s in d.sections:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{slack_escape(who(s))}*"}})
        blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _slack_group(g)}} for g in s.groups]
        blocks.append({"type": "divider"})
    if not d.sections:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": nothing(d)}})
    if len(blocks) > SLACK_BLOCKS_MAX:
        left = len(blocks) - (SLACK_BLOCKS_MAX - 1)
        blocks = blocks[:SLACK_BLOCKS_MAX - 1] + [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{left} more blocks left out: "
                                                                         "run playbook digest --all"}]}]
    return json.dumps({"text": slack_escape(heading(d)), "blocks": blocks}, ensure_ascii=False, indent=2) + "\n"


# -- Microsoft Teams -----------------------------------------------------------------------

def teams_escape(text: str) -> str:
    """Adaptive Card text is Markdown of a kind: its punctuation escaped, so that a name
    cannot become a link or emphasis."""
    return md(text)


def to_teams(d: Digest) -> str:
    """A message for a Teams incoming webhook (or a Workflows webhook): one Adaptive Card
    in `attachments`, as Microsoft documents it, within `TEAMS_BYTES_MAX`: the sections that
    do not fit are left out, and the card says how many."""
    body: list[dict] = [{"type": "TextBlock", "text": teams_escape(heading(d)), "size": "Large",
                         "weight": "Bolder", "wrap": True}]
    size = len(json.dumps(body[0], ensure_ascii=False).encode())
    for k, s in enumerate(d.sections):
        part = [{"type": "TextBlock", "text": teams_escape(who(s)), "size": "Medium", "weight": "Bolder",
                 "wrap": True, "separator": True, "spacing": "Large"}]
        for g in s.groups:
            part.append({"type": "TextBlock", "text": g.title, "weight": "Bolder", "wrap": True})
            items = [f"- **{md_link(ln)}**: {teams_escape(ln.text)} ({teams_escape(ln.when)})" for ln in g.lines]
            if g.more:
                items.append(f"- {teams_escape(more_text(g))}")
            part.append({"type": "TextBlock", "text": "\n".join(items), "wrap": True, "spacing": "Small"})
        more = len(json.dumps(part, ensure_ascii=False).encode())
        if k and size + more > TEAMS_BYTES_MAX:
            left = len(d.sections) - k
            body.append({"type": "TextBlock", "wrap": True, "separator": True,
                         "text": f"{left} more {'person' if left == 1 else 'people'} left out (a Teams message "
                                 "holds about 28 KB): run playbook digest --all"})
            break
        body += part
        size += more
    if not d.sections:
        body.append({"type": "TextBlock", "text": nothing(d), "wrap": True})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    message = {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}
    return json.dumps(message, ensure_ascii=False, indent=2) + "\n"


# -- HTML email ----------------------------------------------------------------------------

def h(text: str) -> str:
    return html.escape(plain(text), quote=True)


def html_link(ln: Line) -> str:
    return f'<a href="{h(url(ln.href))}">{h(ln.customer)}</a>' if ln.href else h(ln.customer)


def to_html(d: Digest) -> str:
    """An email body: inline styles only (mail clients drop style sheets), every text escaped."""
    out = ['<!DOCTYPE html>', '<html lang="en">', '<head><meta charset="utf-8">',
           f'<title>{h(heading(d))}</title></head>',
           '<body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; '
           'color: #1f2328; line-height: 1.45">', f'<h1 style="font-size: 20px">{h(heading(d))}</h1>']
    for s in d.sections:
        out.append(f'<h2 style="font-size: 17px; margin-top: 24px">{h(who(s))}</h2>')
        for g in s.groups:
            out.append(f'<h3 style="font-size: 15px; margin-bottom: 4px">{h(g.title)}</h3>')
            out.append('<ul style="margin-top: 0">')
            out += [f'<li><strong>{html_link(ln)}</strong>: {h(ln.text)} '
                    f'<span style="color: #59636e">({h(ln.when)})</span></li>' for ln in g.lines]
            if g.more:
                out.append(f'<li>{h(more_text(g))}</li>')
            out.append('</ul>')
    if not d.sections:
        out.append(f'<p>{h(nothing(d))}</p>')
    out += ['</body>', '</html>', '']
    return "\n".join(out)


RENDER = {"markdown": to_markdown, "text": to_text, "slack": to_slack, "teams": to_teams, "html": to_html}
#: What --post sends each format as.
CONTENT_TYPES = {"markdown": "text/markdown; charset=utf-8", "text": "text/plain; charset=utf-8",
                 "slack": "application/json", "teams": "application/json", "html": "text/html; charset=utf-8"}


def render(d: Digest, fmt: str) -> str:
    return RENDER[fmt](d)
