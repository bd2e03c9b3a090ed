"""`feed.atom`: an Atom 1.0 feed (RFC 4287) of the most recent interactions.

Deterministic like every output: ids are tag: URIs (RFC 4151) made of the playbook's
title, the customer and the interaction's file name, `updated` is the interaction's date at
midnight UTC, and the order is fixed (newest first, then customer, then file name).

Links: Atom readers want absolute URLs, which `site_url` in playbook.yaml gives. Without it
the hrefs stay relative (`customers/…/index.html#…`), which RFC 4287 §7 / RFC 3986 resolve
against the feed's own address; since the feed sits at the site root, every reader that
fetched it by URL finds the pages. Writing an invented host instead would break every link.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from ..config import Config
from ..engine.types import Relationship
from ..model import Customer, Interaction
from ..names import customer_page, interaction_anchor, slugify
from ..siteurl import absolute

ATOM_NS = "http://www.w3.org/2005/Atom"
LIMIT = 50
#: The feed's file, at the site's root.
FILE = "feed.atom"
#: Tag URIs need a date that never changes for the thing named; entries use their own date.
TAG_YEAR = "2026"

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """Escape for element text and attribute values (quotes included)."""
    value = _NOT_XML.sub("", value)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _stamp(d: date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def _tag_name(text: str) -> str:
    # 'customer' for a title with no ASCII letters: the fallback earlier releases used, kept
    # so the entries' ids of such a feed do not change (a reader would show them all as new).
    return slugify(text, "customer") if text else "playbook"


def entry_href(customer: Customer, interaction: Interaction) -> str:
    return customer_page(customer.slug, interaction_anchor(interaction))


def recent(relationships: list[Relationship], as_of: date, limit: int = LIMIT) -> list[tuple[Customer, Interaction]]:
    """The `limit` most recent interactions on or before as_of, newest first."""
    items = [(r.customer, i) for r in relationships for i in r.customer.interactions if i.date <= as_of]
    items.sort(key=lambda ci: (-ci[1].date.toordinal(), ci[0].slug, ci[1].slug))
    return items[:limit]


def _content(config: Config, customer: Customer, i: Interaction) -> str:
    """The entry's HTML: one line of facts, then the notes rendered by the safe renderer."""
    by = config.member(i.by).name if i.by and config.member(i.by) else i.by
    facts = [i.type.capitalize()]
    if i.with_:
        facts.append("with " + ", ".join(i.with_))
    if by:
        facts.append("by " + by)
    head = f"<p><strong>{xml_text(customer.name)}</strong> — {xml_text(' '.join(facts))}</p>\n"
    return head + i.html


def feed_xml(relationships: list[Relationship], config: Config, as_of: date,
             items: list[tuple[Customer, Interaction]] | None = None) -> str:
    """`items`: `recent(relationships, as_of)` when the caller has it already."""
    name = _tag_name(config.title)
    site = config.site_url
    items = recent(relationships, as_of) if items is None else items
    updated = items[0][1].date if items else as_of
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}">',
        f"  <title>{xml_text(config.title)}: recent interactions</title>",
        f"  <id>tag:playbook,{TAG_YEAR}:{name}/feed</id>",
        f"  <updated>{_stamp(updated)}</updated>",
        f"  <author><name>{xml_text(config.title)}</name></author>",
        f'  <link rel="self" type="application/atom+xml" href="{xml_text(absolute(site, FILE))}"/>',
        f'  <link rel="alternate" type="text/html" href="{xml_text(absolute(site, "index.html"))}"/>',
        '  <generator>Playbook</generator>',
    ]
    for customer, i in items:
        summary = i.summary or i.type.capitalize()
        member = config.member(i.by) if i.by else None
        author = member.name if member else (i.by or config.title)
        page = absolute(site, entry_href(customer, i))
        # A note's own relative links are written for its customer's page, not the feed's place.
        base = f' xml:base="{xml_text(absolute(site, customer_page(customer.slug)))}"' if site else ""
        out += [
            "  <entry>",
            f"    <title>{xml_text(f'{customer.name}: {summary}')}</title>",
            f'    <link rel="alternate" type="text/html" href="{xml_text(page)}"/>',
            # The note's id as its anchor has it (its file name, when that is a slug): a tag URI
            # holds no space ("…-a b" did).
            f"    <id>tag:playbook,{i.date.isoformat()}:{name}/{customer.slug}/{interaction_anchor(i)[2:]}</id>",
            f"    <updated>{_stamp(i.date)}</updated>",
            f"    <author><name>{xml_text(author)}</name></author>",
            f'    <category term="{xml_text(i.type)}"/>',
            f'    <content type="html"{base}>{xml_text(_content(config, customer, i))}</content>',
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def feed(relationships: list[Relationship], config: Config, as_of: date,
         items: list[tuple[Customer, Interaction]] | None = None) -> Iterator[tuple[str, bytes]]:
    """`feed.atom` at the site root."""
    yield FILE, feed_xml(relationships, config, as_of, items).encode("utf-8")
