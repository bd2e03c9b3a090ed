"""The pre-meeting brief (issue 13, item 10): what to bring up, what to handle with care, and
no team chores."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, Birthday, Source, ask, config, contact, customer, d, pause, promise, touch
from playbook.config import Config, parse_config
from playbook.engine import analyse
from playbook.engine.brief import handle_with_care, talking_points
from playbook.engine.words import fmt_date
from sitecheck import section, text_of

LONG_AGO = d(800)


def texts(reasons) -> list[str]:
    return [r.text for r in reasons]


def test_bring_up_the_renewal_their_questions_promises_due_and_good_news():
    c = customer(touch(400, 1), touch(20, 2, summary="Loved the new dashboards"),
                 touch(5, 1, commitments=(promise("Send the pricing", d(-10)), promise("Later thing", d(-30)))),
                 since=LONG_AGO, value=142_000, renewal=AS_OF + timedelta(days=56),
                 asks=(ask("A service credit for October", d(14), from_="Bo Chan"),))
    points = texts(talking_points(analyse(c, config(), AS_OF), "£"))
    assert points[0] == "The renewal on 15 Jan 2027 (in 56 days), £142,000 a year."
    assert "Bo Chan's question: A service credit for October (waiting 14 days)." in points
    assert "We promised: Send the pricing, due 30 Nov 2026." in points
    assert not any("Later thing" in p for p in points)                    # due in 30 days: not yet
    assert "Good news to build on (15 Nov 2026): call on 2026-11-15." in points  # the latest good touch


def test_good_news_is_never_a_touch_whose_promise_we_are_late_on():
    """The latest good touch held a promise now overdue: the brief said "good news to build
    on" of it beside "we are late on" its promise. The good touch before it is the news."""
    def brief(due_days_ago: int) -> list[str]:
        c = customer(touch(400, 1), touch(40, 1, summary="Loved the new dashboards"),
                     touch(20, 2, summary="Sent the starter list",
                           commitments=(promise("Enrol the starters' laptops", d(due_days_ago)),)),
                     since=LONG_AGO)
        r = analyse(c, config(), AS_OF)
        return texts(talking_points(r)) + texts(handle_with_care(r))

    late = brief(3)
    assert "Good news to build on (11 Oct 2026): Loved the new dashboards." in late
    assert not any("Sent the starter list" in t for t in late), late
    assert any(t.startswith("We are late on: Enrol the starters' laptops") for t in late)
    assert "Good news to build on (31 Oct 2026): Sent the starter list." in brief(-3)  # not due yet: news


def test_renewal_more_than_180_days_off_is_not_a_point():
    c = customer(touch(5, 1), since=LONG_AGO, renewal=AS_OF + timedelta(days=181))
    assert not any("renewal" in p for p in texts(talking_points(analyse(c, config(), AS_OF))))


def test_handle_with_care_complaints_pause_late_promises_parked_and_avoid():
    people = (replace(contact("Ann Lee", "CEO", primary=True), avoid="Friday afternoons"), contact("Bo Chan", "CFO"))
    c = customer(touch(400, 1), touch(20, -2, type="meeting", summary="Outage review went badly",
                                      commitments=(promise("Send the root-cause report", d(7)),)),
                 since=LONG_AGO, contacts=people, pause=pause(AS_OF + timedelta(days=30)),
                 asks=(ask("Click-and-collect", d(300), status="parked"),))
    care = texts(handle_with_care(analyse(c, config(), AS_OF)))
    assert care == [
        "Open complaint (31 Oct 2026): Outage review went badly; nothing good has happened since.",
        # (What we are late on goes ahead during the pause: "Do not chase" flatly read as
        # contradicting it, a twenty-seventh read.)
        "Paused until 20 Dec 2026 at their request: Not before the new budget year. Do not chase anything else.",
        "We are late on: Send the root-cause report (due 13 Nov 2026, 7 days ago). Deliver it; if it cannot go yet, "
        "say when it will.",
        "Parked: Click-and-collect. Do not push it.",
        "Ann Lee: avoid Friday afternoons.",
    ]


def test_after_a_pause_the_brief_says_it_ended_until_they_are_heard_from():
    ended = customer(touch(200, 1), since=LONG_AGO, pause=pause(d(3)))
    assert texts(handle_with_care(analyse(ended, config(), AS_OF))) == [
        "The pause they asked for ended on 17 Nov 2026: Not before the new budget year. Open with it, not as if "
        "the silence were a lapse (last heard 4 May 2026).",
    ]
    heard = customer(touch(200, 1), touch(2, 1), since=LONG_AGO, pause=pause(d(3)))
    assert not any("pause" in t for t in texts(handle_with_care(analyse(heard, config(), AS_OF))))


def test_a_complaint_set_right_is_not_open():
    c = customer(touch(400, 1), touch(20, -2, summary="Bad"), touch(10, 1), since=LONG_AGO)
    assert not any(t.startswith("Open complaint") for t in texts(handle_with_care(analyse(c, config(), AS_OF))))


def test_internal_plays_are_marked_and_parsed():
    config_, problems = parse_config("plays:\n  - name: Review\n    when: {}\n    do: Review at stand-up\n"
                                     "    within: 5\n    internal: true\n")
    assert problems == [] and config_.plays[0].internal is True and config_.plays[0].with_ is None
    named, problems = parse_config("plays:\n  - name: Budget\n    when: {}\n    do: Check in\n"
                                   "    within: 5\n    with: budget holder\n")
    assert problems == [] and named.plays[0].with_ == "budget holder"
    c = customer(touch(5, 1), since=LONG_AGO)
    (a,) = analyse(c, Config(plays=config_.plays), AS_OF).actions
    assert a.internal


def test_the_brief_leaves_out_team_chores(example_site: Path):
    brief = (example_site / "customers/northgate-logistics/brief.html").read_text("utf-8")
    todo = text_of(section(brief, "b-next"))
    assert "stand-up" not in todo and "Send root-cause report" in todo
    assert "stand-up" in text_of((example_site / "customers/northgate-logistics/index.html").read_text("utf-8"))
    care = text_of(section(brief, "b-care"))
    assert "We are late on: Send root-cause report for the 3 November outage" in care
    assert "Open complaint (6 Nov 2026): Escalation meeting" in care
    points = text_of(section(brief, "b-points"))
    assert "The renewal on 15 Jan 2027 (in 56 days), £142,000 a year." in points
    assert "Simon Hurst's question: Service credit for the October SLA breaches" in points


def test_news_behind_a_late_promise_goes_in_its_covering_note():
    """Calder (a seventeenth blind read): its brief led with "Newly available: Managed zero-trust
    access" while the retention schedule was 41 days late; its action said to tell them in the
    schedule's covering note."""
    from playbook.available import Availability, Available
    entries = Availability.of((Available("Managed zero-trust access", d(2), ("zero-trust",), 40),))
    late = promise("Send the revised schedule", d(41))
    c = customer(touch(400, 1), touch(50, 1, commitments=(late,)), since=LONG_AGO,
                 asks=(ask("Zero-trust access for contractors", d(38), from_="Bo Chan", line=12),))
    points = texts(talking_points(analyse(c, replace(config(), available=entries), AS_OF), "£"))
    assert points[0] == ("Newly available: Managed zero-trust access (since 18 Nov 2026). Bo Chan asked for it on 13 Oct "
                         "2026: Zero-trust access for contractors. Tell Bo along with what we are late on (under "
                         "Handle with care), not on its own.")


def test_what_they_asked_for_that_has_come_in_is_news_to_bring_up_not_a_question_or_a_parked_idea():
    from playbook.available import Availability, Available
    entries = Availability.of((Available("Managed zero-trust access", d(2), ("zero-trust",), 40),))
    cfg = replace(config(), available=entries)
    c = customer(touch(400, 1), touch(30, 1), since=LONG_AGO,
                 asks=(ask("Zero-trust access for contractors", d(38), from_="Bo Chan", line=12),
                       ask("Zero trust for the platform team", d(20), status="parked", line=16),
                       ask("A service credit for October", d(14), from_="Bo Chan", line=20)))
    r = analyse(c, cfg, AS_OF)
    points = texts(talking_points(r, "£"))
    assert points[:3] == [
        "Newly available: Managed zero-trust access (since 18 Nov 2026). Bo Chan asked for it on 13 Oct 2026: "
        "Zero-trust access for contractors.",
        "Newly available: Managed zero-trust access (since 18 Nov 2026). They asked for it on 31 Oct 2026: "
        "Zero trust for the platform team.",
        "Bo Chan's question: A service credit for October (waiting 14 days).",
    ]
    assert not any("Zero-trust access for contractors (waiting" in p for p in points)
    assert not any(p.startswith("Parked") for p in texts(handle_with_care(r)))
    # Without the entry the same asks are a question and a parked idea, as before.
    r = analyse(c, config(), AS_OF)
    assert "Bo Chan's question: Zero-trust access for contractors (waiting 38 days)." in texts(talking_points(r))
    assert "Parked: Zero trust for the platform team. Do not push it." in texts(handle_with_care(r))


def test_with_a_complaint_open_the_renewal_waits_on_it_and_no_anniversary_is_raised():
    """Northgate's brief said to bring up the renewal and "5th anniversary of working with
    Northgate" to a CEO threatening to tender over the outages."""
    people = (replace(contact("Ann Lee", "CEO", primary=True), birthday=Birthday(AS_OF.month, AS_OF.day + 5)),
              contact("Bo Chan", "CFO"))
    since = AS_OF.replace(year=AS_OF.year - 5) + timedelta(days=10)
    def points(mood: int) -> list[str]:
        c = customer(touch(400, 1), touch(20, mood, type="meeting", summary="Outage review"), since=since,
                     contacts=people, value=142_000, renewal=AS_OF + timedelta(days=56))
        return texts(talking_points(analyse(c, config(), AS_OF), "£"))
    calm, sore = points(1), points(-2)
    assert calm[0] == "The renewal on 15 Jan 2027 (in 56 days), £142,000 a year."
    assert any(p.startswith("5th anniversary") for p in calm)
    assert sore[0] == ("The renewal on 15 Jan 2027 (in 56 days), £142,000 a year. "
                       "Settle the open complaint (31 Oct 2026) first.")
    assert not any("anniversary" in p for p in sore)
    assert any(p.startswith("Ann Lee's birthday") for p in sore)  # hers, and it stays


def test_the_renewal_point_names_what_we_owe_them_first():
    """Kestrel's renewal point on 1 Feb said nothing of Ravi's SOC 2 evidence pack, waiting 111
    days: "Deliver what we are late on first" looked at late promises only, at risk. What we
    owe them comes first however the account stands, and a question two weeks old does not."""
    def renewal_point(*asks, promises=(), made: int = 60) -> str:
        c = customer(touch(400, 1), touch(made, 1, commitments=promises), touch(5, 1), since=LONG_AGO, value=142_000,
                     renewal=AS_OF + timedelta(days=56), asks=asks)
        r = analyse(c, config(), AS_OF)
        (point,) = [p for p in texts(talking_points(r, "£")) if p.startswith("The renewal on")]
        return point

    start = "The renewal on 15 Jan 2027 (in 56 days), £142,000 a year."
    assert renewal_point(ask("SOC 2 vendor evidence pack", d(111), from_="Ravi Shah")) == (
        f"{start} First see to what we owe them: Ravi Shah's question, \u201cSOC 2 vendor evidence pack\u201d, "
        "waiting 111 days.")
    assert renewal_point(ask("SOC 2 vendor evidence pack", d(10))) == start  # not yet a debt
    # Named there, the question is not brought up again on its own (St Aldhelm's brief said
    # Gareth's question twice, one under the other: a fifteenth blind read).
    c = customer(touch(400, 1), touch(5, 1), since=LONG_AGO, value=142_000, renewal=AS_OF + timedelta(days=56),
                 asks=(ask("SOC 2 vendor evidence pack", d(111), from_="Ravi Shah"),
                       ask("A service credit for October", d(20), from_="Ravi Shah", line=20)))
    points = texts(talking_points(analyse(c, config(), AS_OF), "£"))
    assert [p for p in points if "question" in p] == [
        f"{start} First see to what we owe them: Ravi Shah's question, \u201cSOC 2 vendor evidence pack\u201d, waiting "
        "111 days, and 1 more.", "Ravi Shah's question: A service credit for October (waiting 20 days)."]
    far = replace(c, renewal=AS_OF + timedelta(days=200))  # no renewal point: the question is its own
    assert "Ravi Shah's question: SOC 2 vendor evidence pack (waiting 111 days)." in texts(
        talking_points(analyse(far, config(), AS_OF), "£"))
    # An ask that something now available answers is owed the news, not the work (Loomwork's
    # brief called Finn's request for a new service a debt, "waiting 187 days": a fifteenth
    # blind read).
    from playbook.available import Availability, Available
    cfg = replace(config(), available=Availability.of((Available("Managed zero-trust access", d(2), ("zero-trust",),
                                                                 40),)))
    c = customer(touch(400, 1), touch(5, 1), since=LONG_AGO, value=142_000, renewal=AS_OF + timedelta(days=56),
                 asks=(ask("Zero-trust access for contractors", d(111), from_="Ravi Shah"),))
    (point,) = [p for p in texts(talking_points(analyse(c, cfg, AS_OF), "£")) if p.startswith("The renewal on")]
    assert point == (f"{start} First see to what we owe them: Ravi Shah's question, \u201cZero-trust access for "
                     "contractors\u201d, asked 111 days ago: tell Ravi that Managed zero-trust access is available.")
    # ...and not again as news of its own (Loomwork's brief said it twice, one under the other).
    assert not any("available:" in p for p in texts(talking_points(analyse(c, cfg, AS_OF), "£")))
    assert renewal_point(promises=(promise("Send the retention schedule", d(40)),)) == (
        f"{start} First see to what we are late on (under Handle with care).")
    # A promise late comes before a question however long it has waited (Brightwell's brief put
    # Karen's Copilot question first, 52 days old, beside the MES plan we promised, 44 days late).
    assert renewal_point(ask("SOC 2 vendor evidence pack", d(111)),
                         promises=(promise("Send the retention schedule", d(40)),)) == (
        f"{start} First see to what we are late on (under Handle with care).")
    # An ask that is the same job as a promise is counted once, as the promise (Calder's "and 2 more"
    # counted Tasha's ask for the schedule beside the schedule).
    assert renewal_point(ask("A data retention schedule", d(111)),
                         promises=(promise("Send the retention schedule", d(40)),)) == (
        f"{start} First see to what we are late on (under Handle with care).")
    # An ask that a promise not yet due is the work for waits on that promise: no debt (Brightwell's
    # Haas drops, the switches' lead time due in a week, read "waiting 16 days" before its renewal).
    drops = ask("Network drops for the new Haas machines ahead of the January install", d(16), from_="Stefan")
    assert renewal_point(drops, promises=(promise("Confirm lead time on switches for the Haas drops", d(-7)),),
                         made=3) == start
    assert renewal_point(drops).endswith("waiting 16 days.")  # with no promise for it, it is one


def test_no_anniversary_is_raised_while_we_are_late_on_what_we_owe_them():
    """Calder's brief of 14 May offered "3rd anniversary of working with Calder & Wren" with the
    retention schedule 211 days late: 20 days ahead, before its action (14 days) could say it
    waits (an account manager's objection). A person's birthday stays."""
    people = (replace(contact("Ann Lee", "CEO", primary=True), birthday=Birthday(AS_OF.month, AS_OF.day + 5)),)
    since = AS_OF.replace(year=AS_OF.year - 3) + timedelta(days=20)
    def points(due_days_ago: int) -> list[str]:
        c = customer(touch(400, 1), touch(60, 1, commitments=(promise("Send the retention schedule", d(due_days_ago)),)),
                     touch(5, 1), since=since, contacts=people)
        return texts(talking_points(analyse(c, config(), AS_OF)))
    assert any(p.startswith("3rd anniversary") for p in points(-10))      # not due yet
    assert any(p.startswith("3rd anniversary") for p in points(10))       # late, not yet a debt
    late = points(40)
    assert not any("anniversary" in p for p in late), late
    assert any(p.startswith("Ann Lee's birthday") for p in late)


def test_complaints_and_late_promises_take_a_point_each_so_what_to_avoid_still_fits():
    """Northgate's three complaints and a late promise filled the brief's four points, and
    Simon's "avoid anything but the outages" was left off."""
    people = (replace(contact("Ann Lee", "CEO", primary=True), avoid="anything but the outages"),
              contact("Bo Chan", "CFO"))
    c = customer(touch(400, 1), touch(40, -1, summary="First outage"), touch(30, -1, summary="Second outage"),
                 touch(20, -2, type="meeting", summary="Escalation", commitments=(
                     promise("Send the root-cause report", d(7)), promise("Book the exec call", d(5), line=8),
                     promise("Chase Bo for the penalty figures", d(10), line=9))),
                 since=LONG_AGO, contacts=people)
    r = analyse(c, config(), AS_OF)
    assert texts(handle_with_care(r)) == [
        "Open complaint (31 Oct 2026): Escalation; nothing good has happened since. "
        "Other bad touches with nothing good since: 11 Oct and 21 Oct 2026.",
        "We are late on: Send the root-cause report (due 13 Nov 2026, 7 days ago); Book the exec call "
        "(due 15 Nov 2026, 5 days ago). Deliver each; for what cannot go yet, say when it will.",
        "Ann Lee: avoid anything but the outages.",
    ]
    # A chase is ours to do, waiting on them: not a promise we are late on.
    assert "Our to-do: Chase Bo for the penalty figures (due 10 Nov 2026, 10 days ago)." in texts(talking_points(r))


def test_with_a_promise_late_enough_to_put_the_account_at_risk_the_renewal_waits_on_it():
    """Calder's brief raised the renewal while the retention schedule was 66 days late."""
    c = customer(touch(400, 1), touch(40, 1, commitments=(promise("Send the retention schedule", d(30)),)),
                 touch(10, 1), since=LONG_AGO, value=38_500, renewal=AS_OF + timedelta(days=56))
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    assert texts(talking_points(r, "£"))[0] == ("The renewal on 15 Jan 2027 (in 56 days), £38,500 a year. "
                                                 "First see to what we are late on (under Handle with care).")
    # A promise late but not yet putting the account at risk leaves the renewal as it was.
    c = customer(touch(400, 1), touch(40, 1, commitments=(promise("Send the retention schedule", d(5)),)),
                 touch(10, 1), since=LONG_AGO, value=38_500, renewal=AS_OF + timedelta(days=56))
    assert texts(talking_points(analyse(c, config(), AS_OF), "£"))[0].endswith("£38,500 a year.")


def test_an_ask_our_promise_answers_is_brought_up_once_as_the_promise():
    """Calder's brief had Tasha's question ("A data retention schedule") under Bring up and the
    schedule itself under "We are late on"."""
    def brief(due_in: int) -> tuple[list[str], list[str]]:
        c = customer(touch(400, 1), touch(50, 1, commitments=(promise("Send the data retention schedule",
                                                                      AS_OF + timedelta(days=due_in)),)),
                     touch(5, 1), since=LONG_AGO, asks=(ask("A data retention schedule", d(50), from_="Bo Chan"),))
        r = analyse(c, config(), AS_OF)
        assert any(x.source.line == 12 for a in r.actions for x in a.also)  # one job: the ask merged in
        return texts(talking_points(r)), texts(handle_with_care(r))
    points, care = brief(-20)
    assert not any("Bo Chan's question" in p for p in points)
    assert any(c.startswith("We are late on: Send the data retention schedule") for c in care)
    points, _ = brief(5)
    assert "We promised: Send the data retention schedule, due 25 Nov 2026." in points
    assert not any("Bo Chan's question" in p for p in points)
    points, _ = brief(40)  # the promise is not on the brief yet: their question is
    assert "Bo Chan's question: A data retention schedule (waiting 50 days)." in points


def test_an_ask_back_from_parking_is_no_question_waiting_a_day():
    """Ashby's brief read "Mark Ellery's question: Phase 2 pricing held… (waiting 1 day)" the day
    after its park ended: shelved, and his to take up again, not ours to press."""
    held = ask("Phase 2 pricing held until controls lift", d(300), status="parked", until=d(1), from_="Ann Lee")
    c = customer(touch(5, 1), since=LONG_AGO, asks=(held,), pause=pause(d(1), since=d(300)))  # as Ashby's, with it
    points = texts(talking_points(analyse(c, config(), AS_OF)))
    assert f"Parked until {d(1).day} Nov 2026: Phase 2 pricing held until controls lift. Ask whether it still " \
           "stands; do not press it." in points


def test_a_renewal_gone_by_unrecorded_is_what_the_brief_brings_up():
    """Saltmarsh's brief said "Bring up: Nothing in particular" under a stage at risk for its
    renewal gone by unrecorded (an account manager's objection)."""
    signed = touch(380, 1, type="meeting", summary="Renewal for 2026 signed")
    c = customer(signed, touch(20, 1), since=LONG_AGO, renewal=d(10), value=14200)
    points = texts(talking_points(analyse(c, config(), AS_OF), "£"))
    # Our records before the room (a thirteenth blind read: asking Northgate's CEO, who had
    # threatened to tender, whether he renewed would embarrass us).
    assert points[0] == (f"Whether the renewal of {fmt_date(d(10))} (£14,200 a year) went through: nothing records "
                         "it. Check our own records before you meet, and ask only if they do not say. At the last "
                         f"renewal, the meeting of {fmt_date(d(380))} with Ann Lee: Renewal for 2026 signed.")


def test_after_a_complaint_the_brief_does_not_take_a_renewal_gone_by_as_renewed():
    """Northgate (a check of a seventeenth blind read's fixes): its action said not to take the
    renewal as renewed after the escalation; its brief said only "ask only if they do not say",
    and an invoice raised as routine would have read as their staying."""
    signed = touch(380, 1, type="meeting", summary="Renewal for 2026 signed")
    c = customer(signed, touch(20, -2, type="meeting"), since=LONG_AGO, renewal=d(10), value=14200)
    points = texts(talking_points(analyse(c, config(), AS_OF), "£"))
    assert points[0].startswith(f"Whether the renewal of {fmt_date(d(10))} (£14,200 a year) went through: nothing "
                                f"records it. Check our own records before you meet; if they do not show it, then "
                                f"with the complaint of {fmt_date(d(20))} not set right, do not take it as renewed: "
                                "ask where it stands.")


def test_their_lead_time_running_with_nothing_heard_is_what_the_renewal_point_says():
    """St Aldhelm's brief said "The renewal on 31 Mar 2027 (in 16 days)" and nothing of their 8
    weeks of paperwork, begun six weeks before with nothing heard since (an account manager's
    objection). Said once their lead time has begun with nothing heard; not while something
    has been heard since, nor before it begins."""
    for heard, lead, says in ((45, 56, True), (5, 56, False), (45, 14, False)):
        c = customer(touch(400, 1), touch(heard, 1), since=LONG_AGO, value=186_000,
                     renewal=AS_OF + timedelta(days=16), renewal_lead=lead)
        (point,) = [p for p in texts(talking_points(analyse(c, config(), AS_OF), "£")) if p.startswith("The renewal")]
        begun = fmt_date(AS_OF + timedelta(days=16 - lead))
        text = (f" Their side needs {lead // 7} weeks to renew, from {begun}, and nothing has been heard from them "
                "since: ask whether their side has started, or for an extension.")
        assert (text in point) is says, (heard, lead, point)


@pytest.mark.parametrize("then, later, shown", [
    (None, None, True),
    ("call", None, True),                 # a call does not show anyone the till
    ("call", "visit", False),             # a visit since: done, or said
    ("note", "meeting", False),
])
def test_what_a_note_leaves_for_next_time_is_brought_up_until_we_are_there(then, later, shown):
    """Rosalind's renewal visit said nothing of "Kofi is helping on the market stall on Saturdays
    now — show him the till reset next time we're in" (an eleventh blind read)."""
    said = "Kofi is helping on the stall on Saturdays now \u2014 show him the till reset next time we're in."
    note = replace(touch(20, None, type="note"), text=f"Popped by. {said} Bought a loaf.", body_line=3)
    more = [touch(15, 1, type=then)] if then else []
    more += [touch(5, 1, type=later)] if later else []
    c = customer(*[touch(n, 1) for n in range(300, 30, -30)], note, *more, since=d(400))
    points = [x for x in talking_points(analyse(c, config(), AS_OF)) if x.text.startswith("Left for next time")]
    assert [(x.text, x.source.line) for x in points] == (
        [(f"Left for next time ({fmt_date(d(20))}): {said}", 3)] if shown else [])


def test_next_time_to_talk_is_brought_up_until_any_conversation():
    note = replace(touch(20, None, type="email"), text="Ask about the new van when we're next talking? Fine.")
    for later, shown in ((None, True), ("email", True), ("call", False)):
        c = customer(note, *([touch(5, 1, type=later)] if later else []), since=d(400))
        assert any(x.text.startswith("Left for next time") for x in talking_points(analyse(c, config(), AS_OF))) is shown


def test_open_new_business_is_brought_up_unless_something_else_brings_it_or_they_asked_for_a_pause():
    """St Aldhelm's £140,000 outpatient wing, open since March, was in no brief (a fifteenth
    blind read). A quote promised for it is brought up as that promise; a parked ask about it
    is not to be pressed (Ashby's Phase 2, held until spending controls lift); nor is anything
    while they asked not to be chased."""
    from playbook.model import Opportunity, Source
    wing = Opportunity("Outpatient wing network and comms rooms", 140_000, d(200), "open", None,
                       Source("content/customers/x/customer.yaml", 30))

    def points(*interactions, **kw) -> list[str]:
        c = replace(customer(touch(400, 1), touch(20, 1), *interactions, since=LONG_AGO, **kw), opportunities=(wing,))
        return [p for p in texts(talking_points(analyse(c, config(), AS_OF), "£")) if p.startswith("New business")]

    said = (f"New business open since {fmt_date(d(200))}: Outpatient wing network and comms rooms, £140,000. "
            "Ask where it stands.")
    assert points() == [said]
    assert points(touch(10, 1, commitments=(promise("Send the quote for the outpatient wing network", d(-5)),))) == []
    assert points(asks=(ask("Outpatient wing comms rooms held until the capital bid", d(30), status="parked"),)) == []
    assert points(pause=pause(AS_OF + timedelta(days=30))) == []
    assert points(status="ended") == []


def test_the_brief_leaves_out_what_waits_on_something_else_first(example_root: Path, tmp_path: Path):
    """Saltmarsh's brief on 4 Jan put "Bring Gus Armitage into the conversation" second, without
    its "Low priority until you know whether they renewed" (a sixteenth blind read): what waits
    on another question first stays on the profile, which says why. (Kestrel's value review on
    4 Mar waits so; Saltmarsh's broaden no longer comes, its window ending at the last touch.)"""
    from datetime import date
    from playbook.build import build
    assert build(example_root, tmp_path / "site", as_of=date(2027, 3, 4), use_cache=False).ok
    folder = tmp_path / "site/customers/kestrel-pay"
    todo = text_of(section((folder / "brief.html").read_text("utf-8"), "b-next"))
    assert "Check whether the renewal of" in todo and "Schedule a value review" not in todo
    profile = text_of((folder / "index.html").read_text("utf-8"))
    assert "Schedule a value review with finance" in profile
    assert "Low priority until you know whether they renewed" in profile


def test_the_renewal_point_on_its_day_says_today():
    """Saltmarsh's brief read "The renewal on 14 Dec 2026 (in 0 days)" (a check of a sixteenth
    blind read)."""
    c = customer(touch(400, 1), touch(5, 1), since=LONG_AGO, value=14_200, renewal=AS_OF)
    (point,) = [p for p in texts(talking_points(analyse(c, config(), AS_OF), "£")) if p.startswith("The renewal on")]
    assert point.startswith(f"The renewal on {fmt_date(AS_OF)} (today), £14,200 a year.")


def test_the_brief_says_what_goes_ahead_during_a_pause_is_to_be_kept_to(example_root: Path, tmp_path: Path):
    """Ashby's brief on 15 Feb put "Call Mark Ellery before the renewal… Renewal (worth £31,000 a
    year) in 44 days." above "Do not chase" (a nineteenth blind read): the profile's "keep to
    this, nothing more" was cut with the rest of the reason."""
    from datetime import date
    from playbook.build import build
    assert build(example_root, tmp_path / "site", as_of=date(2027, 2, 15), use_cache=False).ok
    todo = text_of(section((tmp_path / "site/customers/ashby-fold-council/brief.html").read_text("utf-8"), "b-next"))
    assert ("Renewal (worth £31,000 a year) in 44 days. (They asked for a pause until 1 Apr 2027, but the renewal "
            "cannot wait: this goes ahead; chase nothing else.)") in todo


@pytest.mark.parametrize("late", [True, False])
def test_unanswered_while_we_are_late_the_next_message_is_what_we_owe(late):
    """Calder's brief (a twenty-first blind read): "No reply to our last 3 touches… Do not pile
    on; ask whether now is a bad time", with the retention schedule 231 days late: their silence
    may well be ours, and the question read as evasive."""
    owed = (promise("Send the revised schedule", d(80)),) if late else ()
    c = customer(touch(400, 1), touch(100, 1, commitments=owed),
                 *(touch(n, None, type="email", direction="out") for n in (60, 40, 20)), since=LONG_AGO)
    care = texts(handle_with_care(analyse(c, config(), AS_OF)))
    (said,) = [x for x in care if x.startswith("No reply")]
    # Nor does what we are late on say to send word of when it will come (a twenty-second read).
    assert [x for x in care if x.startswith("We are late on")] == ([
        f"We are late on: Send the revised schedule (due {fmt_date(d(80))}, 80 days ago). Deliver it; if it cannot go "
        "yet, say when it will."] if late else [])
    assert said.endswith("Do not pile on: the next message is what we are late on (above), with an apology." if late
                         else "Do not pile on: ask whether now is a bad time.")


def test_unanswered_while_what_is_past_due_may_have_gone_it_is_checked_first():
    """Nothing logged says a promise for a day gone by was late (the profile counts it no risk):
    the brief says it is past due and not ticked, not "We are late on", and the next message is
    it only if it did not go (Kestrel's laptops for starters three months gone, a thirtieth
    blind read)."""
    owed = (promise("Build the laptops for the 11 September starters", d(80)),)
    c = customer(touch(400, 1), touch(100, 1, commitments=owed),
                 *(touch(n, None, type="email", direction="out") for n in (60, 40, 20)), since=LONG_AGO)
    r = analyse(c, config(), AS_OF)
    care = texts(handle_with_care(r))
    assert not [x for x in care if x.startswith("We are late on")]
    assert [x for x in care if x.startswith("Past due")] == [
        f"Past due, not ticked: Build the laptops for the 11 September starters (due {fmt_date(d(80))}, 80 days ago; "
        "it was for 11 Sep 2026). Check first whether it was done; if not, say what we will do now."]
    (said,) = [x for x in care if x.startswith("No reply")]
    assert said.endswith("Do not pile on: check first whether what is past due (above) went; if not, it is the next "
                         "message, with an apology.")
    kept = next(f for f in r.health.factors if f.name == "Commitments kept")
    assert "not counted" in kept.why  # as the profile says


def test_good_news_is_not_about_what_we_are_late_on():
    """Oakmere's brief gave "Good news to build on: … remote render access requested" with its
    pricing late, and Westmarch's "Kasia to be trained on admin" with her training late (a
    twenty-first blind read): the promise was written in a later note, so the touch was kept."""
    late = promise("Send pricing for remote render access", d(20))
    c = customer(touch(400, 1), touch(60, 2, summary="Planning session: remote render access requested"),
                 touch(40, 0, summary="Check-in", commitments=(late,)), since=LONG_AGO)
    points = texts(talking_points(analyse(c, config(), AS_OF)))
    assert not any(x.startswith("Good news") for x in points), points
    on_time = customer(touch(400, 1), touch(60, 2, summary="Planning session: remote render access requested"),
                       touch(40, 0, summary="Check-in", commitments=(promise(late.text, d(-5)),)), since=LONG_AGO)
    assert any(x.startswith("Good news to build on") for x in texts(talking_points(analyse(on_time, config(), AS_OF))))


@pytest.mark.parametrize("lapsed", [True, False])
def test_over_a_renewal_gone_by_the_brief_does_not_look_forward_to_it(lapsed):
    """Saltmarsh's brief in late December (a twenty-second blind read): under "Whether the
    renewal of 14 Dec went through", "Our to-do: Follow up with Jo on the renewal quote (due 24
    Nov)" and "Good news to build on: Autumn check-in — …, renewal in December", its quote
    unanswered."""
    chase = promise("Follow up with Jo on the renewal quote", d(10))
    c = customer(touch(400, 1), touch(60, 2, summary="Autumn check-in, renewal in December"),
                 touch(30, None, type="email", direction="out", summary="Sent the renewal quote", commitments=(chase,)),
                 since=LONG_AGO, renewal=d(5) if lapsed else AS_OF + timedelta(days=20))
    points = texts(talking_points(analyse(c, config(), AS_OF)))
    assert points[0].startswith("Whether the renewal" if lapsed else "The renewal on")
    assert any(x.startswith("Our to-do: Follow up with Jo on the renewal quote") for x in points) is not lapsed
    assert any(x.startswith("Good news to build on") for x in points) is not lapsed


@pytest.mark.parametrize("in_days, eve", [(1, True), (0, True), (2, True), (3, False)])
def test_on_the_renewal_eve_the_brief_asks_whether_it_is_signed_not_what_comes_first(in_days, eve):
    """Brightwell's brief the day before its renewal (a twenty-fourth blind read): "First see to
    what we are late on", beside "Call Dave Brightwell today: where the renewal stands"."""
    late = promise("Send the cutover plan", d(60))
    c = customer(*(touch(n, 1) for n in (400, 370, 100)), touch(90, 1, commitments=(late,)), since=LONG_AGO,
                 renewal=AS_OF + timedelta(days=in_days))
    (point,) = [x for x in texts(talking_points(analyse(c, config(), AS_OF))) if x.startswith("The renewal on")]
    said = (" Ask whether it is signed; if it is not, ask for an extension (a short one). Take what we are late on "
            "into it (under Handle with care).")
    assert (said in point) is eve and ("First see to what we are late on" in point) is not eve, point


def test_on_their_day_the_brief_says_to_be_on_hand():
    """Loomwork's brief on its starters' first morning (a twenty-fourth blind read): "confirm their
    side is ready, and walk Marta Ruiz through ours", as if it were still to come."""
    from playbook.model import Event
    day = Event("First day of the starters", AS_OF, "Ann Lee", 7, Source("content/customers/x/customer.yaml", 14))
    c = replace(customer(*(touch(n, 1) for n in (400, 100, 20)), since=LONG_AGO), dates=(day,))
    points = texts(talking_points(analyse(c, config(), AS_OF)))
    assert "First day of the starters is today: be on hand, and check in with Ann Lee as it goes." in points, points


def test_with_nothing_else_to_bring_up_the_brief_opens_where_the_last_touch_left_off():
    """Pemberton's brief, for a call to rekindle after 438 days, said "Bring up: Nothing in
    particular" while its last note read "Alan says they'll call us in the new year about the
    online shop" (an account manager's objection, twice)."""
    last = replace(touch(438, None, type="note", with_=()), summary="Alan says they'll call us in the new year about "
                   "the online shop")
    c = customer(touch(600, 1), last, since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "dormant"
    (point,) = talking_points(r)
    # Written in September 2025, "the new year" was 2026: read now, it would be 2027.
    assert point.text == (f"Where we left it, the note of {fmt_date(d(438))}: Alan says they'll call us in the new "
                          "year about the online shop. (\u201cThe new year\u201d then meant 2026.) They were to get back "
                          "to us, and have not: ask how they are, and let them raise it.")
    assert point.source == last.source
    (rekindle,) = [a for a in r.actions if a.kind == "reach-out"]   # and so does the action
    assert "the online shop. (\u201cThe new year\u201d then meant 2026.)" in rekindle.why
    # Dormant, the call to rekindle opens there whatever else there is to bring up (Pemberton's
    # lost it to its anniversary); with nothing dormant about it, the rest comes instead.
    asked = replace(c, asks=(ask("A quote for the tills", d(30), from_="Ann Lee"),))
    points = texts(talking_points(analyse(asked, config(), AS_OF)))
    assert len(points) == 2 and points[-1].startswith("Where we left it")
    awake = customer(touch(600, 1), touch(20, 0), since=LONG_AGO, asks=asked.asks)
    assert not any(p.startswith("Where we left it") for p in texts(talking_points(analyse(awake, config(), AS_OF))))
    # The line says whom it was with; a touch with nothing written says nothing.
    c = customer(touch(600, 1), touch(20, 0, summary="Spring check-in, busiest Easter yet"), since=LONG_AGO)
    assert texts(talking_points(analyse(c, config(), AS_OF))) == [
        f"Where we left it, the call of {fmt_date(d(20))} with Ann Lee: Spring check-in, busiest Easter yet."]
    blank = customer(touch(600, 1), replace(touch(20, 0), summary=None), since=LONG_AGO)
    assert texts(talking_points(analyse(blank, config(), AS_OF))) == []
    assert texts(talking_points(analyse(customer(since=LONG_AGO), config(), AS_OF))) == []   # no touch yet


@pytest.mark.parametrize("text, written, read, said", [
    ("They'll call us in the new year", date(2025, 9, 30), date(2026, 12, 12),
     " (\u201cThe new year\u201d then meant 2026.)"),
    ("They'll call us in the new year", date(2025, 9, 30), date(2025, 12, 12), ""),   # still the coming one
    ("Back after the new year break", date(2026, 1, 5), date(2026, 3, 1), ""),        # said in January: this one
    ("The same setup for the Geochemistry lab next year", date(2026, 11, 19), date(2027, 2, 10),
     " (\u201cNext year\u201d then meant 2027.)"),
    ("Budget flat this year", date(2025, 6, 18), date(2026, 6, 1), " (\u201cThis year\u201d then meant 2025.)"),
    ("Worse than last  year", date(2025, 6, 18), date(2026, 6, 1), " (\u201cLast year\u201d then meant 2024.)"),
    ("Nothing about a year", date(2025, 6, 18), date(2027, 6, 1), ""),
])
def test_a_year_said_by_the_day_a_note_was_written_is_said_as_meant(text, written, read, said):
    from playbook.engine.words import year_meant
    assert year_meant(text, written, read) == said
