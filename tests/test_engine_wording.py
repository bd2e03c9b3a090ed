"""Every action and reason reads as a person would write it (issue 13, item 11): scanned over
the example playbook, generated playbooks and random relationships, and the example's pages."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from engine_factory import AS_OF, ask, contact, customer, pause, promise, touch
from helpers import REPO
from playbook.config import Config
from playbook.engine import analyse, analyse_all
from playbook.engine.types import Relationship
from playbook.load import load
from sitecheck import text_of

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

#: What no sentence of ours may hold, with the reason.
BAD: tuple[tuple[str, str], ...] = (
    (r"(?<![.…])\.\.(?!\.)", "a doubled full stop ('shelved..')"),
    (r"[,;:]\s*[,;:.]|\.\s+\.|[!?]\.", "doubled punctuation"),
    (r"\s[.,;:](?:\s|$)", "a space before punctuation"),
    (r"\b1 (days|touches|people|asks|promises|weeks)\b", "a plural after 1 ('waiting 1 days')"),
    (r"\bNone\b|\{|\}", "a leaked value"),
    (r"  ", "a double space"),
    (r"stopped reaching out|has not reached out", "an accusation"),
)
#: How each kind of action may start: a verb that fits the kind (a promise reads as itself).
OPENINGS: dict[str, tuple[str, ...]] = {
    "reach-out": ("Check in with ", "Try ", "Rekindle: ", "Get back in touch with "),
    "answer": ("Answer",),
    "renewal": ("Call ", "Email ", "Visit ", "Message ", "Meet ", "Ask ", "Check whether the renewal of "),
    "repair": ("Repair: ",),
    "personal": ("Wish ", "Mark the ", "Keep in touch with "),
    "broaden": ("Bring ", "Find a second contact", "Suggest to ", "Ask "),  # a gatekeeper: "Suggest to Freya…"
}
CHASE = ("chase", "remind", "nudge", "wait for", "check with")


def texts(r: Relationship) -> list[tuple[str, str]]:
    """(where, text) for every sentence the engine writes about one relationship."""
    out = [("stage reason", x.text) for x in r.stage.reasons]
    out += [("health", f.why) for f in r.health.factors]
    out += [("flag", f.reason.text) for f in r.flags]
    for a in r.actions:
        out += [(f"{a.kind} title", a.title), (f"{a.kind} why", a.why)]
        out += [(f"{a.kind} score", s) for s in a.score_reasons]
    return out


def problems(rels: list[Relationship]) -> list[str]:
    found = []
    for r in rels:
        for where, text in texts(r):
            for pattern, what in BAD:
                if re.search(pattern, text):
                    found.append(f"{r.customer.slug}: {where}: {what}: {text!r}")
        for a in r.actions:
            if not a.title[:1].isupper():
                found.append(f"{r.customer.slug}: {a.kind} title not capitalised: {a.title!r}")
            if a.kind == "follow-up" and a.title.lower().startswith("follow up:"):
                found.append(f"{r.customer.slug}: a promise labelled 'Follow up:': {a.title!r}")
            if a.kind == "follow-up" and a.title.lower().startswith(CHASE) and a.why.startswith("Promised"):
                found.append(f"{r.customer.slug}: a to-do called a promise to them: {a.title!r}")
            if a.kind in OPENINGS and not a.title.startswith(OPENINGS[a.kind]):
                found.append(f"{r.customer.slug}: a {a.kind} that does not start like one: {a.title!r}")
    return found


def test_the_example_reads_well():
    loaded = load(REPO)
    rels = analyse_all(loaded.playbook, loaded.config, loaded.config.as_of)
    assert sum(len(texts(r)) for r in rels) > 300
    assert problems(rels) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_playbooks_read_well(tmp_path: Path, seed: int):
    generate.generate(tmp_path, customers=25, interactions=15, seed=seed)
    loaded = load(tmp_path)
    rels = analyse_all(loaded.playbook, loaded.config, loaded.config.as_of or AS_OF)
    assert sum(len(r.actions) for r in rels) > 20
    assert problems(rels) == []


SUMMARIES = st.sampled_from([None, "Alan says they'll call us in the new year.", "Went well!", "Shelved…",
                             "Quote sent", "Is it live?"])
touches = st.lists(st.builds(
    lambda n, s, who, direction, typ, summary, due: touch(
        n, s, with_=who, direction=direction, type=typ, summary=summary,
        commitments=(promise("Chase Bo for the list" if due % 2 else "Send the quote", AS_OF - timedelta(days=due)),)
        if due is not None else ()),
    n=st.integers(0, 700), s=st.one_of(st.none(), st.integers(-2, 2)),
    who=st.lists(st.sampled_from(("Ann Lee", "Bo Chan", "Cy Dee")), max_size=3, unique=True).map(tuple),
    direction=st.sampled_from([None, "in", "out"]), typ=st.sampled_from(["call", "email", "meeting", "support"]),
    summary=SUMMARIES, due=st.one_of(st.none(), st.integers(-20, 60))), max_size=15)


@settings(max_examples=150, deadline=None)
@given(touches, st.integers(1, 90), st.one_of(st.none(), st.integers(0, 200)), st.booleans(),
       st.lists(st.integers(0, 300), max_size=2))
def test_random_relationships_read_well(items, cadence, renewal_in, paused, asks):
    c = customer(*items, since=AS_OF - timedelta(days=900), cadence=cadence, value=25_000,
                 renewal=None if renewal_in is None else AS_OF + timedelta(days=renewal_in),
                 pause=pause(AS_OF + timedelta(days=60)) if paused else None,
                 contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO"), contact("Cy Dee")),
                 asks=tuple(ask(f"Question {k}?", AS_OF - timedelta(days=n), from_="Bo Chan" if k else None, line=20 + k)
                            for k, n in enumerate(asks)))
    assert problems([analyse(c, Config(), AS_OF)]) == []


def test_the_example_pages_read_well(example_site: Path):
    pages = [example_site / "index.html", example_site / "actions.html",
             *sorted((example_site / "customers").glob("*/index.html")),
             *sorted((example_site / "customers").glob("*/brief.html"))]
    found = []
    for page in pages:
        text = text_of(page.read_text("utf-8"))
        for pattern, what in (BAD[0], BAD[3]):   # text_of spaces out elements, so no spacing checks here
            for m in re.finditer(pattern, text):
                found.append(f"{page.relative_to(example_site)}: {what}: …{text[max(0, m.start() - 40):m.end() + 20]}…")
    assert found == []
