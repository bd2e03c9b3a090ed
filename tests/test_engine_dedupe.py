"""One real-world task appears once (issue 13, item 6): an ask, a promise and a play about the
same thing are one action with each source; the renewal is one conversation; a late piece of
work counts against health once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine_factory import AS_OF, ask, config, contact, customer, d, promise, touch
from playbook.config import Config, Play
from playbook.engine import analyse

LONG_AGO = d(800)
PEOPLE = (contact("Jo Armitage", "Co-founder", primary=True), contact("Gus Armitage", "Head Brewer"))


def regular():
    """A monthly touch, with both people (so nothing is single-threaded)."""
    return [touch(n, 1, with_=(PEOPLE[k % 2].name,)) for k, n in enumerate(range(300, 10, -30))]


def test_ask_promise_and_play_about_one_thing_are_one_action_with_every_source():
    p = promise("Send the executive schedule for the review", due=d(-5), line=9)
    play = Play(name="Exec", do="Book the executive schedule review", within=7, priority="high", line=30)
    c = customer(*regular(), touch(5, 1, with_=("Jo Armitage",), commitments=(p,)), since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("The executive schedule for the review", d(12), from_="Gus Armitage", line=14),))
    r = analyse(c, Config(plays=(play,)), AS_OF)
    about = [a for a in r.actions if "schedule" in a.title.lower()]
    assert len(about) == 1
    (a,) = about
    assert a.kind == "follow-up" and a.due == d(-5) and a.firm               # led by the promise, on its date
    assert a.contact == "Gus Armitage"                                       # the one who asked
    assert sorted(x.source.line for x in a.also) == [14, 30]                 # the ask's and the play's lines
    # Both named, in one bracket ("(Also covers “A” and “B”.)").
    assert a.why.count("Also covers") == 1 and all(f"\u201c{x.text}\u201d" in a.why for x in a.also)


def test_the_renewal_is_one_conversation():
    p = promise("Follow up with Jo on the renewal quote", due=d(-4))
    c = customer(*regular(), touch(17, 1, with_=("Jo Armitage",), type="email", direction="out", commitments=(p,)),
                 since=LONG_AGO, contacts=PEOPLE, renewal=AS_OF + timedelta(days=24), value=14_200)
    acts = analyse(c, config(), AS_OF).actions
    about = [a for a in acts if "renewal" in a.title.lower() or any("renewal" in x.text for x in a.also)]
    assert len(about) == 1 and len(acts) == 1
    (a,) = about
    assert a.title == "Follow up with Jo on the renewal quote" and a.also[0].text.startswith("Call Jo Armitage before")
    assert a.also[0].source.line == 4   # the renewal line


def test_unrelated_actions_stay_apart():
    c = customer(*regular(), touch(5, 1, with_=("Jo Armitage",),
                                   commitments=(promise("Send the canal-side Wi-Fi price", due=d(-5)),)),
                 since=LONG_AGO, contacts=PEOPLE, renewal=AS_OF + timedelta(days=24),
                 asks=(ask("Card reader on the bar keeps dropping", d(3)),))
    kinds = sorted(a.kind for a in analyse(c, config(), AS_OF).actions)
    assert kinds == ["answer", "follow-up", "renewal"]


def test_a_late_piece_of_work_counts_against_health_once():
    p = promise("Send the revised data retention schedule", due=d(36))
    items = regular() + [touch(50, 0, with_=("Jo Armitage",), type="meeting", commitments=(p,))]
    same = customer(*items, since=LONG_AGO, contacts=PEOPLE,
                    asks=(ask("A data retention schedule aligned to guidance", d(157)),))
    other = customer(*items, since=LONG_AGO, contacts=PEOPLE, asks=(ask("Card reader on the bar", d(157)),))
    f_same = next(f for f in analyse(same, config(), AS_OF).health.factors if f.name == "Open asks")
    f_other = next(f for f in analyse(other, config(), AS_OF).health.factors if f.name == "Open asks")
    assert f_same.effect == 0 and "the same work as an open promise" in f_same.why
    assert f_other.effect == -10   # waiting 157 days: 5, and 5 more for more than 21 days


@pytest.mark.parametrize("waiting, effect", [(5, 0), (8, -5), (21, -5), (22, -10)])
def test_a_question_left_long_costs_more_as_a_late_promise_does(waiting, effect):
    """St Aldhelm's (a thirteenth blind read): Gareth's question, unanswered for 145 days, cost
    what one 8 days old did. Past its week to answer, and 14 days more, it costs 5 more."""
    c = customer(*[touch(n, 1) for n in range(200, 0, -20)], since=LONG_AGO, asks=(ask("Card reader", d(waiting)),))
    f = next(f for f in analyse(c, config(), AS_OF).health.factors if f.name == "Open asks")
    assert f.effect == effect
    assert ("(1 of them more than 21 days)" in f.why) is (effect == -10)
