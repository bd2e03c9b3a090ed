"""End to end: clear-cut relationships written as files, built by the CLI, read back from
site/playbook.json at a fixed --as-of."""

from __future__ import annotations

import json

import pytest

from playbook.cli import main

AS_OF = "2026-11-20"

CONFIG = """\
title: Clear-cut
team:
  - {handle: ana, name: Ana Silva}
  - {handle: ben, name: Ben Okoro}
defaults:
  cadence: 30d
  tiers: {gold: 14d}
plays:
  - name: Gold at risk
    when: {stage: at-risk, tier: gold}
    do: Book an executive sponsor call
    within: 7
    priority: high
"""


def note(date: str, sentiment: str = "positive", with_: str = "Pat", extra: str = "", body: str = "Talked.") -> str:
    return f"---\ndate: {date}\ntype: call\nwith: {with_}\nby: ana\nsentiment: {sentiment}\n{extra}---\n{body}\n"


def regular(prefix: str = "2026", months=range(1, 12)) -> dict[str, str]:
    return {f"interactions/{prefix}-{m:02d}-10-call.md": note(f"{prefix}-{m:02d}-10") for m in months}


def person(name: str, extra: str = "") -> str:
    return f"  - name: {name}\n{extra}"


CUSTOMERS: dict[str, dict[str, str]] = {
    "ended-co": {"customer.yaml": "name: Ended Co\nowner: ana\nsince: 2023-01-01\nstatus: ended\ncontacts:\n"
                                  + person("Pat Reyes"),
                 **regular(months=range(1, 7))},
    "silent-co": {"customer.yaml": "name: Silent Co\nowner: ana\nsince: 2023-01-01\ncontacts:\n" + person("Pat Reyes"),
                  "interactions/2026-03-02-call.md": note("2026-03-02")},
    "soured-co": {"customer.yaml": "name: Soured Co\nowner: ben\nsince: 2023-01-01\ntier: gold\ncontacts:\n"
                                   + person("Pat Reyes") + person("Sam Fox"),
                  **regular(months=range(1, 11)),
                  "interactions/2026-11-12-meeting.md": note("2026-11-12", "very negative", "Sam",
                                                             "summary: Outage post-mortem went badly\n")},
    "promise-co": {"customer.yaml": "name: Promise Co\nowner: ana\nsince: 2023-01-01\ncontacts:\n" + person("Pat Reyes")
                                    + person("Lou Park"),
                   **regular(months=range(1, 12)),
                   "interactions/2026-10-01-call.md": note("2026-10-01", with_="Lou",
                                                           body="Agreed next steps.\n\n- [ ] Send the security "
                                                                "questionnaire (due 2026-10-20)\n")},
    "new-co": {"customer.yaml": "name: New Co\nowner: ben\nsince: 2026-10-01\ncontacts:\n" + person("Pat Reyes"),
               "interactions/2026-10-01-call.md": note("2026-10-01"),
               "interactions/2026-11-10-call.md": note("2026-11-10")},
    "growing-co": {"customer.yaml": "name: Growing Co\nowner: ben\nsince: 2023-01-01\ncontacts:\n" + person("Pat Reyes")
                                    + person("Kim Ito") + person("Ola Berg"),
                   "interactions/2026-06-15-call.md": note("2026-06-15"),
                   "interactions/2026-07-20-call.md": note("2026-07-20"),
                   "interactions/2026-09-01-call.md": note("2026-09-01", "very positive"),
                   "interactions/2026-09-20-call.md": note("2026-09-20", with_="Kim"),
                   "interactions/2026-10-15-call.md": note("2026-10-15", with_="[Kim, Ola]"),
                   "interactions/2026-11-05-call.md": note("2026-11-05", "very positive", with_="Ola")},
    "birthday-co": {"customer.yaml": "name: Birthday Co\nowner: ana\nsince: 2023-01-01\ncontacts:\n"
                                     + person("Pat Reyes", "    birthday: '11-26'\n    notes: Twins, Mia and Leo.\n")
                                     + person("Lee Chu"),
                    **regular(months=range(1, 12))},
    "renewal-co": {"customer.yaml": "name: Renewal Co\nowner: ben\nsince: 2023-01-01\nrenewal: 2026-12-18\nvalue: 48000\n"
                                    "contacts:\n" + person("Pat Reyes") + person("Lee Chu"),
                   **regular(months=range(1, 12))},
    "single-co": {"customer.yaml": "name: Single Co\nowner: ana\nsince: 2023-01-01\ncontacts:\n" + person("Pat Reyes")
                                   + person("Dee Moss", "    role: CFO\n"),
                  **regular(months=range(1, 12))},
    "ask-co": {"customer.yaml": "name: Ask Co\nowner: ben\nsince: 2023-01-01\ncontacts:\n" + person("Pat Reyes")
                                + "asks:\n  - what: Price for a second site\n    since: 2026-11-02\n",
               **regular(months=range(1, 12))},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("clearcut")
    (root / "playbook.yaml").write_text(CONFIG)
    for slug, files in CUSTOMERS.items():
        for rel, text in files.items():
            p = root / "content" / "customers" / slug / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    assert main(["check", str(root), "--as-of", AS_OF, "--strict"]) == 0
    assert main(["build", str(root), "--as-of", AS_OF, "--quiet"]) == 0
    doc = json.loads((root / "site" / "playbook.json").read_text())
    assert doc["as_of"] == AS_OF
    return {c["slug"]: c for c in doc["customers"]}


@pytest.mark.parametrize("slug, stage", [
    ("ended-co", "ended"), ("silent-co", "dormant"), ("soured-co", "at-risk"), ("promise-co", "at-risk"),
    ("new-co", "establishing"), ("growing-co", "growing"), ("birthday-co", "steady"), ("renewal-co", "steady"),
    ("single-co", "steady"), ("ask-co", "steady"),
])
def test_stage(built, slug, stage):
    assert built[slug]["stage"]["id"] == stage
    assert built[slug]["stage"]["reasons"]


def actions(built, slug, kind):
    return [a for a in built[slug]["next_actions"] if a["kind"] == kind]


def test_ended_has_no_actions(built):
    assert built["ended-co"]["next_actions"] == []


def test_silent_gets_a_rekindle(built):
    (a,) = actions(built, "silent-co", "reach-out")
    assert a["contact"] == "Pat Reyes" and "263 days" in a["why"]


def test_soured_gets_repair_and_the_gold_play(built):
    (r,) = actions(built, "soured-co", "repair")
    assert r["contact"] == "Sam Fox" and r["priority"] == "high" and "Outage post-mortem" in r["why"]
    assert r["source"].endswith("2026-11-12-meeting.md:1")
    (p,) = actions(built, "soured-co", "play")
    # At risk since the meeting of 12 Nov: the play is due 7 days after, not 7 after as_of.
    assert p["title"] == "Book an executive sponsor call" and p["due"] == "2026-11-19"
    assert p["why"].endswith("stage is at risk; tier is gold. It has applied since 12 Nov 2026, and the play gives 7 "
                              "days to act.")
    assert any("very negative" in x.lower() for x in built["soured-co"]["stage"]["reasons"])


def test_broken_promise_is_named_with_its_line(built):
    (f,) = actions(built, "promise-co", "follow-up")
    assert f["title"] == "Send the security questionnaire" and f["priority"] == "high"
    assert f["source"] == "content/customers/promise-co/interactions/2026-10-01-call.md:10"
    assert f["due"] == "2026-10-20" and f["contact"] == "Lou Park"
    assert "31 days overdue" in built["promise-co"]["stage"]["reasons"][0]


def test_new_and_growing(built):
    assert "2026-10-01" not in json.dumps(built["new-co"]["stage"]["reasons"])  # dates are written for people
    assert "1 Oct 2026" in built["new-co"]["stage"]["reasons"][0]
    assert any("up from" in x for x in built["growing-co"]["stage"]["reasons"])


def test_birthday_next_week(built):
    (p,) = actions(built, "birthday-co", "personal")
    assert p["contact"] == "Pat Reyes" and p["due"] == "2026-11-26" and "birthday" in p["title"]


def test_renewal_next_month(built):
    (r,) = actions(built, "renewal-co", "renewal")
    assert r["due"] == "2026-11-27" and "48,000" in r["why"] and "28 days" in r["why"]


def test_single_threaded(built):
    (b,) = actions(built, "single-co", "broaden")
    assert b["contact"] == "Dee Moss" and "Pat Reyes" in b["why"]


def test_open_ask(built):
    (a,) = actions(built, "ask-co", "answer")
    assert a["title"] == "Answer: Price for a second site" and a["due"] == "2026-11-09"


def test_schema_fields_present(built):
    c = built["promise-co"]
    for key in ("slug", "name", "owners", "tier", "tags", "stage", "stage_history", "health", "last_contact",
                "interactions", "next_actions"):
        assert key in c
    assert set(c["stage"]) >= {"id", "label", "reasons"}
    assert len(c["stage_history"]) == 12 and set(c["stage_history"][0]) == {"date", "stage"}
    assert set(c["health"]) == {"score", "factors"}
    assert set(c["health"]["factors"][0]) == {"name", "effect", "why"}
    assert set(c["next_actions"][0]) >= {"kind", "title", "why", "due", "priority", "contact", "owner", "source"}
