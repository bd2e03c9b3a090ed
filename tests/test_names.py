"""The names the site gives things (playbook.names): slugs, page addresses, element ids.

The pages, the calendars, the feed and the search index all take their names from there;
these tests pin the rules and check that the two sides of a link agree.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from playbook.config import Config
from playbook.model import TeamMember
from playbook.engine import analyse_all
from playbook.load import load
from playbook.names import (
    contact_ids, customer_page, owner_calendar, owner_slugs, site_handles, slugify, unique_slugs,
)
from playbook.outputs.ics import calendar_files
from playbook.site.parts import Site

AS_OF = date(2026, 11, 20)
REPO = Path(__file__).resolve().parents[1]


def test_slugs_are_safe_and_never_collide():
    assert slugify("C++ & <Go>", "x") == "c-go"
    assert slugify("Ångström ünïcode", "x") == "angstrom-unicode"
    assert slugify("../../etc/passwd", "x") == "etc-passwd"
    assert slugify("<>", "tag") == "tag"
    assert slugify("Σχέσεις", "customer") == "customer"  # nothing ASCII left: the caller's fallback
    assert unique_slugs(["a b", "A-B", "a_b", "index"], "x") == {"A-B": "a-b", "a b": "a-b-2", "a_b": "a-b-3",
                                                                 "index": "index-2"}


def test_owner_pages_never_take_the_team_pages_names():
    slugs = owner_slugs(["team", "index", "Team"])
    assert slugs == {"Team": "team-2", "index": "index-2", "team": "team-3"}
    assert owner_calendar(slugs["team"]) == "calendar/team-3.ics"


def test_contact_ids_are_numbered_in_file_order():
    assert contact_ids(["Ana Ruiz", "Ana  Ruiz!", "Bo", "Ana Ruiz"]) == {
        "Ana Ruiz": "contact-ana-ruiz", "Ana  Ruiz!": "contact-ana-ruiz-2", "Bo": "contact-bo"}


def test_everyone_named_gets_a_page_the_team_first():
    config = Config(team=(TeamMember("zoe", "Zoe"), TeamMember("al", "Al")))
    assert site_handles(config, [], ["bea", "", "al"], {"cy"}) == ["zoe", "al", "bea", "cy"]


def test_customer_page_addresses_carry_the_anchor():
    assert customer_page("acme") == "customers/acme/index.html"
    assert customer_page("acme", "i-2026-11-03-call") == "customers/acme/index.html#i-2026-11-03-call"


def test_every_calendar_link_of_the_site_has_its_file():
    # The calendars (outputs/) and the links to them (site/) are made on two sides that do not
    # import each other; both name the files through playbook.names. (Loading only reads.)
    loaded = load(REPO)
    rels = analyse_all(loaded.playbook, loaded.config, AS_OF)
    site = Site(rels, loaded.config, AS_OF)
    files = {path for path, _, _ in calendar_files(loaded.config, site.handles)}
    links = {site.calendar(h, "") for h in site.handles}
    assert links and links | {"calendar/team.ics"} == files
    assert all(re.fullmatch(r"calendar/[a-z0-9-]+\.ics", f) for f in files)


def test_an_action_concerns_its_customers_owners_and_its_assignees_in_team_order():
    # Every person's list, the calendars and `playbook actions --owner` follow `Site.concerns`;
    # it answers from each customer's owners put in team order once, so check it against the
    # definition for every action of the example and for each assignee it could be given.
    from msgspec.structs import replace

    loaded = load(REPO)
    rels = analyse_all(loaded.playbook, loaded.config, AS_OF)
    site = Site(rels, loaded.config, AS_OF)
    owners = {r.customer.slug: r.customer.owners for r in rels}
    checked = 0
    for r in rels:
        for a in r.actions:
            for owner in (a.owner, None, "", *site.handles, "not-on-the-team"):
                for also in ((), ("priya",), ("lena", "not-on-the-team", "maya")):
                    b = replace(a, owner=owner, also_for=also)
                    who = {*owners[b.customer], *((owner,) if owner else ()), *also}
                    assert site.concerns(b) == tuple(h for h in site.handles if h in who)
                    checked += 1
    assert checked > 100 and any(len(site.concerns(a)) > 1 for r in rels for a in r.actions)
