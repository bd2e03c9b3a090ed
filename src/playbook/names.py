"""The names the site gives things: slugs, page addresses and element ids, decided once.

A page's own path, every link to it, the feed and the search index all take their names
from here, so they cannot disagree. Page addresses are relative to the site root; a page
links to one with its own `base` prefix ('', '../'…) in front.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Iterable

from .config import Config
from .model import Customer, Interaction

#: Calendar of the whole team; no one's own calendar may take this name.
TEAM_CALENDAR = "calendar/team.ics"
CUSTOMERS_PAGE = "customers/index.html"
#: Where each customer's entry of playbook.json is on its own (`{slug}`: the folder name),
#: beside its page: a folder name may be as long as a file name may, so no suffix is added
#: to it. playbook.json names this pattern as `customer_files`.
CUSTOMER_FILES = "customers/{slug}/index.json"
#: What the book is asking for: every open and parked ask, grouped.
ASKS_PAGE = "asks.html"


def slugify(text: str, fallback: str) -> str:
    """A safe folder, file or anchor name: lower-case ASCII letters, digits and single
    hyphens, accents dropped. `fallback` when nothing of `text` is left (e.g. only
    symbols, or a script with no ASCII letters)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or fallback


def _claim(base: str, used: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is still free; marks it used."""
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    used.add(slug)
    return slug


#: The longest slug `unique_slugs` gives a page's file name (before a clash's "-2"): a tag of
#: 251 letters passed `check` and failed the build with "File name too long" (a fuzzing session).
MAX_FILE_SLUG = 80


def unique_slugs(names: Iterable[str], fallback: str, reserved: tuple[str, ...] = ("index",)) -> dict[str, str]:
    """name → slug for distinct names, sorted first so collisions resolve the same way every build.
    `reserved` slugs are never given out (they name a folder's index page, or the team calendar)."""
    used: set[str] = set(reserved)
    return {name: _claim(slugify(name, fallback)[:MAX_FILE_SLUG].rstrip("-") or fallback, used)
            for name in sorted(set(names))}


def contact_ids(names: list[str]) -> dict[str, str]:
    """name → element id of each contact on its customer page (`contact-<slug>`, numbered
    from -2 on a clash, in file order). The search index links to the same ids."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        if name not in out:
            out[name] = _claim(f"contact-{slugify(name, 'x')}", used)
    return out


def ask_anchor(customer: str, line: int) -> str:
    """Element id of an ask on the asks page, from its own customer and line only, so a
    customer's page can link to it without depending on the other customers."""
    return f"ask-{customer}-{line}"


def interaction_anchor(i: Interaction) -> str:
    """Element id of an interaction on its customer page (the feed and search link to it). A
    file name that is no slug as it stands gets a short digest of itself too: "2026-11-03-a b",
    "…-a-b" and "…-A_B" had one id, and every link to them led to the first (a fuzzing session)."""
    plain = slugify(i.slug, "note")
    if plain == i.slug:
        return "i-" + plain
    return f"i-{plain}-{hashlib.blake2b(i.slug.encode('utf-8', 'surrogatepass'), digest_size=3).hexdigest()}"


# -- who the site names, and their page names -------------------------------------------------

def site_handles(config: Config, customers: Iterable[Customer], assignees: Iterable[str],
                 authors: set[str] | None = None) -> list[str]:
    """Everyone with a page and a calendar: the team in playbook.yaml order, then anyone else
    who owns a customer, is assigned an action (`assignees`) or wrote a note (`authors`: the
    notes' `by` handles; read from the customers' interactions when not given), sorted."""
    customers = list(customers)
    handles = [m.handle for m in config.team]
    if authors is None:
        authors = {i.by for c in customers for i in c.interactions if i.by}
    extra = sorted({h for c in customers for h in c.owners} | {h for h in assignees if h} | authors)
    return handles + [h for h in extra if h not in handles]


def owner_slugs(handles: Iterable[str]) -> dict[str, str]:
    """handle → the name of that person's page and calendar; never 'index' (the team page)
    nor 'team' (the team calendar)."""
    return unique_slugs(handles, "someone", ("index", "team"))


def tag_slugs(tags: Iterable[str]) -> dict[str, str]:
    """tag → the name of its page."""
    return unique_slugs(tags, "tag")


def person_name(config: Config, handle: str) -> str:
    """The name playbook.yaml gives a handle, or the handle itself."""
    m = config.member(handle)
    return m.name if m else handle


# -- page addresses, relative to the site root ---------------------------------------------

def customer_page(slug: str, anchor: str = "") -> str:
    return f"customers/{slug}/index.html" + (f"#{anchor}" if anchor else "")


def customer_file(slug: str) -> str:
    """The customer's entry of playbook.json, on its own."""
    return CUSTOMER_FILES.replace("{slug}", slug)


def brief_page(slug: str) -> str:
    return f"customers/{slug}/brief.html"


def stage_page(stage_id: str) -> str:
    return f"stages/{stage_id}.html"


def owner_page(owner_slug: str) -> str:
    return f"owners/{owner_slug}.html"


def owner_calendar(owner_slug: str) -> str:
    return f"calendar/{owner_slug}.ics"


def tag_page(tag_slug: str) -> str:
    return f"tags/{tag_slug}.html"
