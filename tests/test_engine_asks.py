"""Asks name who asked, and a merged action is due on its earliest real obligation (issue 13,
item 3); the new ask fields as `check` reads them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, ask, config, contact, customer, d, pause, promise, touch
from playbook.config import Config
from playbook.engine import analyse
from playbook.engine.words import fmt_date
from playbook.load import parse_customer

LONG_AGO = d(800)
PEOPLE = (contact("Nadia Farouk", "CTO", primary=True), contact("Ravi Sethi", "Security Lead"),
          contact("Ben Lowther", "CFO"))


def answers(c):
    return [a for a in analyse(c, config(), AS_OF).actions if a.kind == "answer"]


def regular():
    return [touch(n, 1, with_=("Nadia Farouk",)) for n in range(400, 0, -30)]


@pytest.mark.parametrize("from_, that_day, who, why", [
    ("Ravi Sethi", ("Nadia Farouk",), "Ravi Sethi", "Asked 13 Oct 2026, waiting 38 days."),   # `from` wins
    (None, ("Ravi Sethi",), "Ravi Sethi", "by Ravi Sethi, the one person in the touch logged that day"),
    (None, ("Ravi Sethi", "Ben Lowther"), None, "Asked 13 Oct 2026, waiting 38 days."),  # two people: no guess
    (None, (), None, "Asked 13 Oct 2026, waiting 38 days."),
])
def test_the_answer_is_with_the_person_who_asked(from_, that_day, who, why):
    day = d(38)
    items = regular() + ([touch(38, 1, with_=that_day, type="call", direction="in")] if that_day else [])
    c = customer(*items, since=LONG_AGO, contacts=PEOPLE, asks=(ask("SOC 2 vendor evidence pack", day, from_=from_),))
    (a,) = answers(c)
    assert a.contact == (who or "Nadia Farouk")            # else the primary contact
    assert a.title == (f"Answer {who}: SOC 2 vendor evidence pack" if who else "Answer: SOC 2 vendor evidence pack")
    assert why in a.why


@pytest.mark.parametrize("promise_due, promise_firm, merged_due", [
    (d(36), True, d(36)),      # the promise's own date, not the ask's week from 157 days ago
    (d(-10), True, d(-10)),    # even when the promise is due later than the ask's rule of thumb
    (None, False, d(150)),     # an undated promise is no firmer than the ask: the earlier rule-of-thumb date
])
def test_a_merged_action_is_due_on_its_earliest_real_obligation(promise_due, promise_firm, merged_due):
    p = promise("Send the revised data retention schedule", due=promise_due)
    a = ask("A data retention schedule aligned to guidance", d(157), from_="Bo Chan")
    c = customer(*regular(), touch(50, 1, commitments=(p,), with_=("Ann Lee", "Bo Chan")), since=LONG_AGO,
                 asks=(a,), contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "Practice Manager")))
    acts = [x for x in analyse(c, config(), AS_OF).actions if "retention" in x.title]
    (merged,) = acts
    if promise_due is None:   # made 50 days ago, undated: a week after, 43 days ago; the ask's is 150 days ago
        assert merged.due == merged_due and merged.kind == "answer"
    else:
        assert merged.due == merged_due and merged.kind == "follow-up" and merged.firm is promise_firm
    assert merged.contact == "Bo Chan"                       # the one who asked, not the first name in the meeting
    assert len(merged.also) == 1 and merged.also[0].source is not None


def yaml_problems(text: str):
    problems: list = []
    c = parse_customer(text, "acme", "content/customers/acme/customer.yaml", Config(), problems)
    return c, [(p.line, p.severity, p.message) for p in problems]


BASE = "name: Acme\ncontacts:\n  - name: Ravi Sethi\n  - name: Nadia Farouk\nasks:\n"


@pytest.mark.parametrize("ask_yaml, status, until, from_, problem", [
    ("  - what: X\n    from: Ravi\n", "open", None, "Ravi Sethi", None),
    ("  - what: X\n    from: ravi sethi\n", "open", None, "Ravi Sethi", None),
    ("  - what: X\n    from: Joe\n", "open", None, "Joe",
     (7, "warning", "'Joe' is not among this customer's contacts (Ravi Sethi, Nadia Farouk); add them to "
                    "customer.yaml or fix the spelling")),
    ("  - what: X\n    status: parked\n", "parked", None, None, None),
    ("  - what: X\n    status: parked\n    until: 2027-04-01\n", "parked", "2027-04-01", None, None),
    ("  - what: X\n    done: true\n", "answered", None, None, None),
    ("  - what: X\n    status: answered\n", "answered", None, None, None),
    ("  - what: X\n    status: parkd\n", "open", None, None,
     (7, "error", "unknown status 'parkd' (did you mean 'parked'?); use one of 'open', 'answered', 'parked'")),
    ("  - what: X\n    until: 2027-04-01\n", "open", None, None,
     (7, "error", "'until' is for parked asks: add 'status: parked' or remove 'until'")),
    ("  - what: X\n    done: true\n    status: parked\n", "answered", None, None,
     (8, "error", "'done: true' and 'status: parked' disagree; keep one of them")),
])
def test_ask_fields_as_check_reads_them(ask_yaml, status, until, from_, problem):
    c, problems = yaml_problems(BASE + ask_yaml)
    (a,) = c.asks
    assert (a.status, a.until.isoformat() if a.until else None, a.from_) == (status, until, from_)
    assert a.done is (status == "answered")
    assert problems == ([problem] if problem else [])


@pytest.mark.parametrize("pause_yaml, until, problem", [
    ("pause:\n  until: 2027-04-01\n  why: Not before April\n", "2027-04-01", None),
    ("pause:\n  why: Not before April\n", None,
     (6, "error", "'pause' has no 'until'; add the first day you may get in touch again, e.g. 'until: 2027-04-01'")),
    ("pause:\n  until: 2027-04-01\n  since: 2027-05-01\n", "2027-04-01",
     (8, "error", "the pause's 'since' should be before its 'until'")),
    ("pause:\n  untill: 2027-04-01\n", None, None),  # reported as an unknown field (below)
])
def test_pause_as_check_reads_it(pause_yaml, until, problem):
    c, problems = yaml_problems("name: Acme\nowner: maya\ncontacts:\n  - Ravi Sethi\nasks: []\n" + pause_yaml)
    assert (c.pause.until.isoformat() if c.pause else None) == until
    if "untill" in pause_yaml:
        assert any("unknown field 'untill' in pause (did you mean 'until'?)" in m for _, _, m in problems)
    else:
        assert problems == ([problem] if problem else [])


def test_a_parked_ask_with_an_until_comes_back_and_waits_from_then():
    # Held by a pause they asked for (`owed.theirs_back`), as Ashby's was.
    held = pause(d(10), since=d(300))
    a = ask("Hold the phase 2 pricing", d(300), status="parked", until=d(10))
    (x,) = answers(customer(*regular(), since=LONG_AGO, asks=(a,), pause=held))
    assert x.due == d(3) and x.why == (f"Parked until {fmt_date(d(10))} (10 days ago): ask Ann whether it still "
                                       "stands before answering it.")
    # Shelved until a day is no question waiting: what was agreed then may have moved.
    assert x.title == "Take up again: Hold the phase 2 pricing" and x.priority == "low"   # theirs to take up
    (y,) = answers(customer(*regular(), since=LONG_AGO, asks=(replace(a, from_="Ann Lee"),), pause=held))
    assert y.title == "Take up again with Ann Lee: Hold the phase 2 pricing"
    assert AS_OF - timedelta(days=10) == d(10)


def test_an_ask_back_from_parking_is_nobody_waiting_on_us():
    """Ashby's held Phase 2 pricing read "they are waiting for an answer (+15)… 36 days overdue"
    and cost health 5 points as an ask waiting, beside "do not press it" (a fourth blind read):
    whether it still stands is theirs to say."""
    a = ask("Hold the phase 2 pricing", d(300), status="parked", until=d(45), from_="Ann Lee")
    held = pause(d(45), since=d(300))  # held by a pause they asked for, as Ashby's was
    r = analyse(customer(*regular(), since=LONG_AGO, asks=(a,), pause=held), config(), AS_OF)
    (x,) = [x for x in r.actions if x.kind == "answer"]
    assert x.reopened and x.score_reasons[0] == "parked until its day: whether it still stands is theirs to say (+5)"
    assert "38 days overdue (+3)" in x.score_reasons                      # its days since add no urgency
    f = next(f for f in r.health.factors if f.name == "Open asks")
    assert (f.effect, f.why) == (0, "1 open ask, back from parking: whether it still stands is theirs to say, "
                                    "not counted.")
    # Asked again by then, an open one still counts.
    r2 = analyse(customer(*regular(), since=LONG_AGO, asks=(a, ask("A price list", d(20))), pause=held),
                 config(), AS_OF)
    f2 = next(f for f in r2.health.factors if f.name == "Open asks")
    assert f2.effect == -5 and f2.why.endswith("(1 more back from parking: whether it still stands is theirs to "
                                               "say, not counted.)")


@pytest.mark.parametrize("text, present, contact, why", [
    ("Book an exec call between Maya and Simon", ("Craig Dunmore", "Simon Hurst", "Fiona Lyle"), "Simon Hurst",
     "Promised to Simon Hurst in the meeting of 14 Nov 2026 (with Craig Dunmore and Fiona Lyle)"),
    ("Run the admin training session with Kasia", ("Dr Tom Adebayo", "Kasia Nowak"), "Kasia Nowak",
     "Promised to Kasia Nowak in the meeting of 14 Nov 2026 (with Dr Tom Adebayo)"),
    ("Send Tom the quote", ("Kasia Nowak", "Dr Tom Adebayo"), "Dr Tom Adebayo",   # a title is not a first name
     "Promised to Dr Tom Adebayo"),
    ("Send the root-cause report", ("Craig Dunmore", "Simon Hurst", "Fiona Lyle", "Raj Mistry"), "Craig Dunmore",
     "Promised in the meeting of 14 Nov 2026 with Craig Dunmore, Simon Hurst and 2 others"),
    ("Send the MES cutover plan draft", ("Karen Osei",), "Karen Osei", "Promised to Karen Osei in the meeting"),
    ("Chase Sarah for the staff list", ("Sarah Pollard",), "Sarah Pollard",
     "A to-do from the meeting of 14 Nov 2026 with Sarah Pollard"),   # waiting on her, not a promise to her
])
def test_a_promise_is_with_the_person_it_names(text, present, contact, why):
    c = customer(touch(6, 1, type="meeting", with_=present, commitments=(promise(text, due=d(-5)),)),
                 *regular(), since=LONG_AGO)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up"]
    assert a.title == text and a.contact == contact and a.why.startswith(why)


def test_what_one_person_asked_is_one_reply_to_them():
    """Northgate had "Answer Simon Hurst" twice, for the two conditions he set in one meeting
    (an account manager's objection): one reply to him, led by the one due first."""
    people_ = (contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO"))
    asks = (ask("On-site engineer through peak", d(14), from_="Bo Chan"), ask("Service credit for October", d(10),
                                                                             from_="Bo Chan", line=14),
            ask("A price list", d(12), from_="Ann Lee", line=16))
    c = customer(*regular(), since=LONG_AGO, contacts=people_, asks=asks)
    found = answers(c)
    assert [a.title for a in found] == ["Answer Bo Chan: On-site engineer through peak", "Answer Ann Lee: A price list"]
    (bo,) = [a for a in found if a.contact == "Bo Chan"]
    assert [x.text for x in bo.also] == ["Answer Bo Chan: Service credit for October"]
    assert bo.why.endswith("(Also covers \u201cAnswer Bo Chan: Service credit for October\u201d.)")
