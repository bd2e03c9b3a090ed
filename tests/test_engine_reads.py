"""What a third blind read of the example found said twice, or in one place and not another:
each page, the brief and the stage read one judgement the same way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from msgspec.structs import replace

from engine_factory import (AS_OF, Birthday, Source, ask, config, contact, customer, d, pause, promise, steady_history,
                            touch)
from playbook.engine import analyse
from playbook.engine.brief import handle_with_care, talking_points
from playbook.engine.words import fmt_date
from playbook.model import Event

LONG_AGO = d(800)


def test_an_ask_whose_day_has_gone_by_is_not_brought_up_as_waiting():
    """Northgate's brief of 1 Feb read "Simon Hurst's question: A dedicated engineer on site at
    Avonmouth through peak (waiting 87 days)" beside health's "a check, not counted"."""
    peak = Event("End of peak season", AS_OF + timedelta(days=10), None, 0, Source("content/customers/x/customer.yaml", 20))
    engineer = ask("An engineer on site through peak", d(5), from_="Ann Lee")
    c = replace(customer(*steady_history(), since=LONG_AGO, asks=(engineer,)), dates=(peak,))
    later = AS_OF + timedelta(days=40)
    (point,) = [x.text for x in talking_points(analyse(c, config(), later)) if "engineer" in x.text]
    assert point == (f"Ann Lee's question: An engineer on site through peak (asked {fmt_date(d(5))}, for "
                     f"\u201cEnd of peak season\u201d ({fmt_date(peak.on)}), which has gone by: find out whether it "
                     "was done before you meet).")   # not in the room (a thirteenth blind read)
    (before,) = [x.text for x in talking_points(analyse(c, config(), peak.on)) if "engineer" in x.text]
    assert before.endswith("(waiting 15 days).")


def test_our_unanswered_email_is_no_good_news_to_build_on():
    """Saltmarsh's brief: "Good news to build on (3 Nov 2026): Sent the 2027 renewal quote",
    beside "at risk on 23 Nov 2026 if our email of 3 Nov 2026 still has no reply"."""
    sent = touch(5, 1, type="email", direction="out", summary="Sent the renewal quote")
    c = customer(*steady_history(until_days_ago=40), sent, since=LONG_AGO, cadence=60)
    points = [x.text for x in talking_points(analyse(c, config(), AS_OF))]
    assert not [x for x in points if "Sent the renewal quote" in x]
    answered = replace(sent, answered=True)
    c2 = replace(c, interactions=(*c.interactions[:-1], answered))
    assert [x for x in talking_points(analyse(c2, config(), AS_OF)) if "Sent the renewal quote" in x.text]


def test_a_silence_is_not_owed_a_promise_whose_day_has_gone_by():
    """Lantern read "going cold, while we owe them “Book the pre-Christmas Wi-Fi health check”,
    134 days late" in April: nobody waits on a pre-Christmas check then."""
    p = promise("Book the pre-Christmas Wi-Fi health check", due=date(2026, 11, 27))
    items = [touch(n, 1) for n in range(400, 70, -30)] + [touch(70, 1, commitments=(p,))]
    c = customer(*items, since=LONG_AGO, cadence=30)
    r = analyse(c, config(), date(2027, 2, 1))
    assert r.stage.id == "at-risk"
    assert not [x for x in r.stage.reasons if "while we owe them" in x.text]
    assert [x for x in r.stage.reasons if x.text.startswith("Promise \u201cBook the pre-Christmas")]
    # Before Christmas, they may well be waiting on it.
    early = analyse(c, config(), date(2026, 12, 20))
    assert [x for x in early.stage.reasons if "while we owe them" in x.text or x.text.startswith("Promise")]


def test_a_renewal_gone_quiet_names_the_silence_once():
    """Saltmarsh on 10 Apr read "Nothing heard for 192 days" twice: "long enough to be
    dormant" and "going cold, while we owe them…"."""
    late = promise("Send the revised rota", d(190))
    c = customer(*[touch(n, 1) for n in range(600, 200, -30)], touch(200, 1, commitments=(late,)), since=LONG_AGO,
                 cadence=30, renewal=d(30))
    reasons = [x.text for x in analyse(c, config(), AS_OF).stage.reasons]
    assert sum(x.startswith("Nothing heard for") for x in reasons) == 1, reasons
    assert [x for x in reasons if x.startswith("Promise \u201cSend the revised rota\u201d")]


def test_a_promise_in_doubt_earns_nothing_either_way():
    """Kestrel's health rose 13 points with nobody heard from, the day its laptops' day went by
    and "2 promises kept, none overdue" (+8) took the place of the late promise (−5)."""
    kept = replace(promise("Send the welcome pack", due=d(60)), done=True)
    laptops = promise(f"Build the laptops for the {d(5).day} {d(5):%B} starters", due=d(10))
    c = customer(*steady_history(until_days_ago=30), touch(70, 1, commitments=(kept,)),
                 touch(20, 1, commitments=(laptops,)), since=LONG_AGO)
    factor = next(f for f in analyse(c, config(), AS_OF).health.factors if f.name == "Commitments kept")
    assert factor.effect == 0 and factor.why.startswith("1 promise kept, none overdue that counts. 1 more overdue, but")


def test_a_promise_missed_when_its_day_came_is_owned_not_checked():
    """Lantern read "at risk" for its pre-Christmas Wi-Fi check, 28 days late when Christmas
    came, beside an action scored "a check: done, or past helping?" (a fourth blind read): one
    verdict. Well late by its day, it is most likely missed: the stage's risk, and an action to
    own it, high, whose lateness since adds nothing, so the call before a renewal days off still
    comes first. One whose day came before it was well late stays a check."""
    p = promise("Book the pre-Christmas Wi-Fi health check", due=d(-7))      # due 27 Nov
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p,)), since=LONG_AGO,
                 value=26_500, renewal=date(2027, 4, 6))
    jan = analyse(c, config(), date(2027, 1, 8))
    assert jan.stage.id == "at-risk"
    (a,) = [a for a in jan.actions if a.title.endswith(p.text)]
    assert (a.missed, a.check, a.priority) == (True, False, "high")
    # Its title says to own it: "Book the pre-Christmas Wi-Fi health check" stood, high, in
    # February and April (a thirteenth blind read). So does the brief, once: its renewal point
    # sends the reader to what we are late on (it had said it there too: a sixteenth). The call
    # before the renewal, listed first, leads, and that goes into it: "First see to what we are
    # late on" read against the list (a twenty-ninth blind read).
    assert a.title == f"Own the missed promise: {p.text}"
    april = analyse(c, config(), date(2027, 4, 2))
    assert april.actions[0].renewal_step == "call"
    assert [x.text for x in talking_points(april) if x.text.startswith("The renewal")][0].endswith(
        "Take what we are late on into it (under Handle with care).")
    assert any("it was for Christmas: most likely missed). Own it" in x.text for x in handle_with_care(april))
    assert a.score_reasons[0] == "a promise we missed: own it (+15)"
    assert "42 days overdue (+3)" in a.score_reasons
    assert "and it was 28 days late by then: most likely missed" in a.why
    # The stage and the brief say the same (they had read "if it was done, tick it").
    assert jan.stage.reasons[0].text.endswith("and it was 28 days late by then: most likely missed.")
    (care,) = [x.text for x in handle_with_care(jan) if x.text.startswith("We are late on")]
    assert care.endswith("it was for Christmas: most likely missed). Own it, unless it was done after all: say what "
                         "we will do now.")
    april = analyse(c, config(), date(2027, 4, 1)).actions
    assert [x.kind for x in april][:2] == ["renewal", "follow-up"], [(x.title, x.score) for x in april]
    # Due 20 Dec, five days late when Christmas came: as likely done as not, a check, no risk.
    q = promise("Book the pre-Christmas Wi-Fi health check", due=date(2026, 12, 20))
    c2 = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(q,)), since=LONG_AGO)
    r2 = analyse(c2, config(), date(2027, 1, 8))
    (b,) = [x for x in r2.actions if x.title.endswith(q.text)]
    assert (b.missed, b.check) == (False, True) and r2.stage.id != "at-risk"
    # Its title says it is a check (Kestrel's laptops, low in January, read as work put off: a
    # sixteenth blind read).
    assert b.title == f"Check it was done: {q.text}"


def test_an_undated_promise_whose_day_went_by_is_a_check_as_the_stage_says():
    """A promise with no due date never puts the account at risk (the stage counts none late),
    so once the day it was for has gone by it is a check, not "most likely missed"."""
    p = promise("Book the pre-Christmas Wi-Fi health check", due=None, made_on=d(20))
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p,)), since=LONG_AGO)
    r = analyse(c, config(), date(2027, 1, 8))
    (a,) = [x for x in r.actions if x.title == f"Check it was done: {p.text}"]
    assert (a.check, a.missed) == (True, False) and "most likely missed" not in a.why
    assert r.stage.id != "at-risk"


def test_news_riding_on_what_we_owe_someone_else_does_not_also_wait_on_the_question(example_root):
    """Calder on 15 Jun 2027 (a check of a nineteenth blind read's fixes): with the schedule owed
    to Tasha going first, on its own, the news for Owen said to raise it in that message and
    also "(Low priority until you know whether they renewed: ask that first.)"."""
    from playbook.load import load
    loaded = load(example_root)
    calder = next(c for c in loaded.playbook.customers if c.slug == "calder-wren")
    r = analyse(calder, loaded.config, date(2027, 6, 15))
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    assert owed.contact == "Tasha Greene" and owed.priority == "high" and not owed.waits_on
    (news,) = [a for a in r.actions if a.kind == "tell"]
    assert "in the one message that goes next (\u201cSend the revised data retention schedule\u201d, to Tasha Greene)" \
        in news.why
    assert "ask that first" not in news.why and not news.waits_on
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    assert ask.contact == "Eleanor Calder" and "Take what we owe them" not in ask.why


def test_what_goes_after_the_message_we_owe_is_not_raised_by_its_own_lateness(example_root):
    """Calder on 24 Feb 2027 (a thirtieth blind read): the email to Eleanor before the renewal,
    which goes after the retention schedule we owe Tasha, read "High · 69 days overdue" on the
    home page, "high because of what is at stake", inviting a message to the managing partner
    before the one we owe. It is due once the schedule has gone: today, while that is late."""
    from playbook.load import load
    loaded = load(example_root)
    calder = next(c for c in loaded.playbook.customers if c.slug == "calder-wren")
    r = analyse(calder, loaded.config, date(2027, 2, 24))
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    (email,) = [a for a in r.actions if a.kind == "renewal" and a.contact == "Eleanor Calder"]
    # On its own day (a fixed one, not "today" on every build), its lateness not scored.
    assert email.after == owed.source and email.due == date(2026, 12, 17) and owed.due < email.due
    assert email.priority == "medium" and owed.priority == "high", (email.priority, email.score_reasons)
    assert not any(" overdue (" in x or "because of what is at stake" in x for x in email.score_reasons)
    assert r.actions.index(owed) < r.actions.index(email)


def test_what_is_raised_in_the_message_we_owe_is_not_scored_for_its_own_lateness(example_root):
    """Calder on 14 Dec 2026 (a thirty-first session's read): "Tell Owen Price: zero-trust access
    is available… raise this in the one message that goes next (“Send the revised data retention
    schedule”…)" scored "21 days overdue (+10)" beside the schedule it rides in. It keeps its own
    day (a day that moved to "today" on every build hid what was overdue: a check read), and
    its lateness is the message's, not scored again."""
    from playbook.load import load
    loaded = load(example_root)
    calder = next(c for c in loaded.playbook.customers if c.slug == "calder-wren")
    r = analyse(calder, loaded.config, date(2026, 12, 14))
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    (news,) = [a for a in r.actions if a.kind == "tell"]
    assert "raise this in the one message that goes next" in news.why and news.rides == owed.source
    assert news.due == date(2026, 11, 23) and owed.due < news.due
    assert not any(" overdue (" in x for x in news.score_reasons), news.score_reasons
    assert r.actions.index(owed) < r.actions.index(news)


def test_what_a_missed_promise_holds_back_says_to_own_it_first():
    """Lantern's note of thanks read "Low priority while we are late on “Book the pre-Christmas
    Wi-Fi health check”, 124 days overdue and most likely missed: own it: see to that first", and
    the question whether its renewal went through "Take what we owe them into it: … most likely
    missed: own it" (a check of a twentieth blind read): a missed promise is owned, not owed."""
    p = promise("Book the pre-Christmas Wi-Fi health check", due=d(-7))      # due 27 Nov
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p,)), since=date(2021, 4, 6),
                 renewal=date(2027, 4, 6), value=26_500)
    r = analyse(c, config(), date(2027, 3, 31))
    (thanks,) = [a for a in r.actions if "anniversary" in a.title]
    assert thanks.priority == "low" and thanks.why.endswith(
        f"Low priority while we are late on \u201c{p.text}\u201d, 124 days overdue and most likely missed: own that "
        "first.")
    (ask,) = [a for a in analyse(c, config(), date(2027, 4, 15)).actions if a.renewal_step == "lapsed"]
    assert (f" Own in the same conversation what we most likely missed: \u201c{p.text}\u201d, 139 days overdue; own "
            "it whatever our records show.") in ask.why


@pytest.mark.parametrize("quiet, note", [(40, True), (200, False)])
def test_what_the_question_takes_along_says_it_goes_with_it(quiet, note):
    """Rosalind (a check of a twentieth blind read): the question whether the renewal went through,
    a visit, took along the oven supplier's answer, which stood beside it, high, with nothing to
    say it was that same visit. Over a renewal gone by into a long silence it is low, and says so."""
    late = promise("Send the revised rota", d(quiet - 10))
    c = customer(*steady_history(until_days_ago=quiet + 30), touch(quiet, 1, commitments=(late,)), since=LONG_AGO,
                 cadence=30, renewal=d(15), value=20_000)
    r = analyse(c, config(), AS_OF)
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    assert ask.takes is not None
    assert "Bring to the same conversation what we are late on, or a date for it: \u201cSend the revised " \
           "rota\u201d" in ask.why
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    said = (f" It goes with asking whether the renewal of {fmt_date(d(15))} went through: one conversation with Ann, "
            "not two.")
    assert (said in owed.why) is note and (owed.priority == "high") is note
    # The brief, which shows the first sentence of why, says it too (`Action.goes_with`).
    assert owed.goes_with == (said.strip() if note else "")
    # Promised to several, unnamed, it goes to them all: Northgate's root-cause report, promised in
    # a meeting of four, read "one conversation with Craig" (a twenty-sixth blind read).
    if note:
        four = replace(c, interactions=tuple(replace(i, with_=("Ann Lee", "Bo Chan")) if i.commitments else i
                                             for i in c.interactions))
        (owed,) = [a for a in analyse(four, config(), AS_OF).actions if a.kind == "follow-up"]
        assert owed.goes_with == (f"It goes with asking Ann whether the renewal of {fmt_date(d(15))} went through: the "
                                  "same message, to all it was promised to."), owed.why
    # Owed to someone else, it is not taken along, and says nothing of the question.
    theirs = replace(c, interactions=tuple(replace(i, with_=("Bo Chan",)) if i.commitments else i
                                           for i in c.interactions))
    (owed,) = [a for a in analyse(theirs, config(), AS_OF).actions if a.kind == "follow-up"]
    assert "It goes with asking" not in owed.why


def test_a_birthday_does_not_wait_on_the_question_whether_they_renewed():
    """Rosalind (a twenty-first blind read): "Wish Rosalind Baptiste a happy birthday… (Low
    priority until you know whether they renewed: ask that first.)". Her birthday is hers."""
    day = AS_OF + timedelta(days=6)
    late = promise("Send the revised rota", d(190))
    c = customer(touch(400, 1), touch(200, 1, commitments=(late,)), since=LONG_AGO, cadence=30, renewal=d(30),
                 contacts=(contact("Ann Lee", "Owner", Birthday(day.month, day.day, 1970), primary=True),))
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    (wish,) = [a for a in r.actions if a.title.startswith("Wish Ann Lee")]
    assert wish.priority == "medium" and not wish.waits_on and "until you know whether they renewed" not in wish.why
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    assert owed.priority == "low"   # the rest still waits on the question


@pytest.mark.parametrize("case", ["heard", "unanswered", "lead", "lead-chased", "silent", "paused"])
def test_a_renewal_gone_by_after_our_touches_went_unanswered_is_not_taken_as_renewed(case):
    """Only Northgate's question whether its renewal went through said "do not take it as
    renewed" (after its tender threat). Saltmarsh's renewal quote had no reply, Calder's last
    three touches none, and St Aldhelm's 8 weeks of paperwork began with nothing heard, which
    its call had said the renewal could not be done without: each read "ask only if they do not
    say" (a twenty-first blind read); so did Kestrel's, Lantern's and Brightwell's, with nothing
    heard all through the renewal's 60-day run-up (a twenty-third). Not while a pause they asked
    for reached into it (Ashby's)."""
    quiet = {"lead": 70, "lead-chased": 70, "silent": 100, "paused": 100}.get(case, 30)
    items = [*steady_history(until_days_ago=quiet)]
    if case == "lead-chased":  # ours since, unanswered: their silence alone
        items.append(touch(62, None, type="email", direction="out", summary="Asked about the paperwork"))
    if case == "unanswered":
        items.append(touch(20, None, type="email", direction="out", summary="Sent the renewal quote"))
    c = customer(*items, since=LONG_AGO, renewal=d(10), value=20_000,
                 renewal_lead=56 if case.startswith("lead") else None,
                 pause=pause(d(50), "Not before the new budget year") if case == "paused" else None)
    r = analyse(c, config(), AS_OF)
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    why = {"unanswered": f"no reply to our last touch ({fmt_date(d(20))})",
           "lead": f"nothing heard from them since {fmt_date(d(70))}, before their side's time to renew began "
                   f"({fmt_date(d(66))})",
           "lead-chased": f"nothing heard from them since {fmt_date(d(70))}, before their side's time to renew "
                          f"began ({fmt_date(d(66))})",
           "silent": f"no word either way since {fmt_date(d(100))}, all through the renewal's run-up"}.get(case)
    # If our records do not show it (it read as asking anyway: a twenty-sixth blind read); whether
    # they have gone elsewhere only on a sign they may have, not on a silence both ways (that read;
    # St Aldhelm's, nothing of ours since either: a check of a twenty-eighth).
    gone = "whether it went through" if case in ("silent", "lead") else "whether they have gone elsewhere"
    said = f" If our records do not show it, then with {why}, do not take it as renewed: ask where it stands ({gone}, "
    assert (said in ask.why) is (why is not None), ask.why
    (point,) = [x.text for x in talking_points(r) if x.text.startswith("Whether the renewal")]
    assert (f"Check our own records before you meet; if they do not show it, then with {why}, do not take it as "
            "renewed: ask where it stands." if why else
            "Check our own records before you meet, and ask only if they do not say.") in point


def test_the_question_whether_they_renewed_goes_after_what_we_owe_someone_else():
    """Calder on 3 Jun (a twenty-second blind read): the question whether the renewal went
    through, to Eleanor, stood beside the schedule owed to Tasha, both high, our last three
    touches unanswered, with nothing to say which goes first: a decider hears of our failure
    after the delivery, as the call before a renewal does."""
    schedule = promise("Send the revised schedule", d(190))
    c = customer(touch(400, 1), touch(210, 1, with_=("Bo Chan",), commitments=(schedule,)),
                 *(touch(n, None, type="email", direction="out") for n in (200, 190, 180)),
                 since=LONG_AGO, cadence=30, renewal=d(40), value=20_000,
                 contacts=(contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "Office Manager")))
    r = analyse(c, config(), AS_OF)
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    assert ask.contact == "Ann Lee" and "no reply to our last 3 touches" in ask.why
    assert ask.why.endswith(" This goes after the next message (\u201cSend the revised schedule\u201d, to "
                            "Bo Chan), not alongside it.")
    assert ask.goes_with == ("This goes after the next message (\u201cSend the revised schedule\u201d, to "
                             "Bo Chan), not alongside it.")   # the brief says it too
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    assert owed.contact == "Bo Chan" and owed.priority == "high"
    # And it is listed after it: Calder's question read "This goes after the next message…" from
    # the top of the list, above the schedule (a twenty-eighth blind read).
    assert r.actions.index(owed) < r.actions.index(ask) and ask.score < owed.score
    # Never due before the schedule, on its own day (fixed: "today" on every build hid a renewal
    # gone by from what is overdue), its lateness not scored while the schedule is listed
    # (Calder's email to Eleanor read "High … 69 days overdue" on the home page, a thirtieth read).
    assert ask.due >= owed.due and ask.due < AS_OF, (ask.due, owed.due)
    assert not any(" overdue (" in x for x in ask.score_reasons), ask.score_reasons


@pytest.mark.parametrize("kept_to", [True, False])
def test_what_goes_to_someone_kept_to_one_subject_is_not_taken_along_with_the_renewal_question(kept_to):
    """Northgate (two twenty-eighth blind reads): the root-cause report, promised in a meeting
    with Simon, who asked us to raise "anything but the outages until they are fixed", went "the
    same message, to all it was promised to" with the question to Craig whether the renewal went
    through: "did you renew?" in front of the CEO who had threatened a tender. It goes on its own,
    and the question takes nothing along; without that avoid, it goes with the question."""
    report = promise("Send the root-cause report", d(60))
    ceo = contact("Si Hurst", "CEO")
    people = (contact("Ann Lee", "IT Director", primary=True),
              replace(ceo, avoid="anything but the outages until they are fixed") if kept_to else ceo)
    met = touch(70, 1, with_=("Ann Lee", "Si Hurst"), summary="Escalation", commitments=(report,))
    c = customer(touch(400, 1), met,
                 since=LONG_AGO, cadence=30, renewal=d(20), value=20_000, contacts=people)
    r = analyse(c, config(), AS_OF)
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    assert (ask.takes is None) is kept_to
    assert ("Bring to the same conversation" in ask.why) is not kept_to
    assert ("the same message, to all it was promised to" in owed.why) is not kept_to
    assert bool(owed.goes_with) is not kept_to and owed.priority == "high"


def test_the_touch_a_quiet_account_needs_is_not_over_the_head_of_whom_we_owe():
    """Brightwell (a twenty-second blind read): "It is also the touch this quiet account needs"
    sat on a meeting with its MD and CFO, over the head of Karen, the day-to-day contact, whose
    MES plan we were months late on. What we owe, or a touch with whom the check-in would be,
    carries it before a conversation with someone else, even one due sooner."""
    from playbook.engine.actions import TOUCH_NOTE, fold_reach_out
    from playbook.engine.types import Action

    def act(kind: str, title: str, due_days_ago: int, contact: str, **kw) -> Action:
        return Action(kind=kind, title=title, why=f"{title}.", due=d(due_days_ago), priority="high", contact=contact,
                      owner="maya", source=Source("x", due_days_ago), customer="x", **kw)
    reach = act("reach-out", "Check in with Karen", 0, "Karen Osei")
    meet = act("renewal", "Meet Philippa Rowe before the renewal", 40, "Philippa Rowe", renewal_step="coverage")
    plan = act("follow-up", "Send the MES cutover plan draft", 20, "Karen Osei")
    touched = {a.title: TOUCH_NOTE in a.why for a in fold_reach_out([reach, meet, plan], AS_OF)}
    assert touched == {"Meet Philippa Rowe before the renewal": False, "Send the MES cutover plan draft": True}
    # A promise before an answer, even one due sooner: it fell next to Karen's Copilot question,
    # a sale, beside the MES plan 93 days late (a twenty-third blind read).
    sale = act("answer", "Answer Karen Osei: A Copilot trial", 25, "Karen Osei")
    touched = {a.title: TOUCH_NOTE in a.why for a in fold_reach_out([reach, meet, sale, plan], AS_OF)}
    assert [t for t, yes in touched.items() if yes] == ["Send the MES cutover plan draft"]
    # With nothing owed and nothing with Karen, the meeting is the touch, as before.
    touched = {a.title: TOUCH_NOTE in a.why for a in fold_reach_out([reach, meet], AS_OF)}
    assert touched == {"Meet Philippa Rowe before the renewal": True}


@pytest.mark.parametrize("in_days, eve", [(1, True), (3, False)])
def test_on_the_renewal_eve_what_we_owe_goes_into_the_call_not_first(in_days, eve):
    """Northgate on its renewal day (a twenty-fifth blind read): "Email Fiona Lyle today: where the
    renewal stands… First deliver what we owe them: “Send root-cause report…”": the call cannot
    wait on it; it takes it, or a date for it."""
    late = promise("Send the root-cause report", d(40))
    c = customer(*steady_history(until_days_ago=60), touch(50, 1, commitments=(late,)), since=LONG_AGO,
                 renewal=AS_OF + timedelta(days=in_days), value=20_000)
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    said = "Bring to this conversation what we owe them, or a date for it: " if eve else \
        "First deliver what we owe them: "
    assert f"{said}\u201cSend the root-cause report\u201d, 40 days late." in call.why, call.why


@pytest.mark.parametrize("in_days, asked", [(1, False), (10, True)])
def test_the_renewal_eve_call_asks_nobody_else_to_join(in_days, asked):
    """Lantern the day before its renewal (a twenty-fifth blind read): "Call Camille Roux with Ollie
    Fenwick today: where the renewal stands… ask Ollie to join", Ollie coming only to the annual
    review. A call today about where it stands is with one person."""
    items = [touch(n, 1) for n in (400, 340, 300, 200, 100, 30)]
    items.append(touch(365 - in_days, 1, type="meeting", with_=("Ann Lee", "Bo Chan"),
                       summary="Renewal signed for another year"))
    c = customer(*items, since=LONG_AGO, renewal=AS_OF + timedelta(days=in_days),
                 contacts=(contact("Ann Lee", "Manager", primary=True), contact("Bo Chan", "Owner")))
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert ("ask Bo to join" in call.why or "with Bo Chan" in call.title) is asked, (call.title, call.why)


def test_a_promise_most_likely_missed_among_several_is_owned_in_the_brief():
    """Brightwell's and Lantern's briefs (a twenty-sixth blind read): "Check first whether
    “Confirm lead time on switches…” was done" beside its action "Own the missed promise"."""
    p = promise("Book the pre-Christmas Wi-Fi health check", due=d(-7))      # due 27 Nov
    q = promise("Send the cutover plan", due=d(-10))
    c = customer(*steady_history(until_days_ago=30), touch(20, 1, commitments=(p, q)), since=LONG_AGO)
    (care,) = [x.text for x in handle_with_care(analyse(c, config(), date(2027, 1, 22)))
               if x.text.startswith("We are late on")]
    assert care.endswith(f"Own \u201c{p.text}\u201d, unless it was done after all; deliver the other, or say when it "
                         "will come."), care


def test_two_directed_touches_are_both_not_all_2():
    """Ashby's health read "All 2 directed touches this year were ours" (a twenty-seventh read)."""
    c = customer(touch(400, 1), touch(100, 1, direction="out"), touch(40, 1, direction="out"), since=LONG_AGO)
    (why,) = [f.why for f in analyse(c, config(), AS_OF).health.factors if f.name == "Reciprocity"]
    assert why.startswith("Both directed touches in the last year were ours"), why


def test_our_directed_touches_are_counted_in_the_last_year_not_this_year():
    """Rosalind's health read "All 3 directed touches this year were ours" in April 2027, of
    touches in June to October 2026 (a thirtieth blind read): the last year, as counted."""
    c = customer(touch(600, 1), *(touch(n, 1, direction="out") for n in (300, 250, 200)), since=LONG_AGO)
    (why,) = [f.why for f in analyse(c, config(), AS_OF).health.factors if f.name == "Reciprocity"]
    assert why.startswith("All 3 directed touches in the last year were ours"), why
    assert "this year" not in why


@pytest.mark.parametrize("ended, since, ours", [(10, None, False), (60, None, True), (60, 5, False)])
def test_once_a_cadence_has_gone_by_since_a_pause_ended_the_wait_is_ours(ended, since, ours):
    """Ashby on 22 Jun (a twenty-eighth blind read): twelve weeks after the pause they asked for
    ended, with nothing from us since, the brief still said to open with it "not as if the
    silence were a lapse". Within a cadence it does; after one, the wait is ours to say; and
    once we have been in touch since, the first conversation after the pause still opens with it."""
    ours_since = [touch(since, None, direction="out", type="email")] if since else []
    items = [*steady_history(until_days_ago=200), *ours_since]
    c = customer(*items, since=LONG_AGO, cadence=30,
                 pause=pause(d(ended), "Asked us not to chase before the new budget year", since=d(190)))
    r = analyse(c, config(), AS_OF)
    said = " ".join(x.text for x in handle_with_care(r))
    assert ("That was 60 days ago, and we have not been in touch since: say so, then ask where things stand "
            f"(last heard {fmt_date(d(220))})." in said) is ours
    assert ("not as if the silence were a lapse" in said) is not ours


@pytest.mark.parametrize("paused", [True, False])
def test_an_ask_parked_without_a_pause_of_theirs_comes_back_ours_to_answer(paused):
    """Lantern (two twenty-eighth blind reads): Camille's Copilot price, parked "after the party
    season" until 11 Jan, read "whether it still stands is theirs to say… do not press it", low,
    in February: bringing the price was ours. Held by a pause they asked for (Ashby's Phase 2
    pricing, with Mark, who hates being chased), it stays theirs to take up."""
    parked = ask("What Copilot would cost for the front office", d(120), status="parked", until=d(25),
                 from_="Ann Lee")
    c = customer(*steady_history(until_days_ago=10), since=LONG_AGO, asks=(parked,),
                 pause=pause(d(25), since=d(60)) if paused else None)
    r = analyse(c, config(), AS_OF)
    (act,) = [a for a in r.actions if a.kind == "answer"]
    assert act.reopened is paused
    assert act.title.startswith("Take up again with Ann Lee:" if paused else "Answer Ann Lee:")
    assert act.priority == ("low" if paused else "medium")
    if not paused:
        assert act.why.startswith(f"Parked until {fmt_date(d(25))}, and back with us since (25 days ago): answer it, "
                                  "checking as you do that it still stands.")
    said = " ".join(x.text for x in talking_points(r))
    assert ("Ask whether it still stands; do not press it." in said) is paused
    assert (f"(parked until {fmt_date(d(25))}, back with us 25 days: bring the answer)" in said) is not paused
    (factor,) = [f for f in r.health.factors if f.name == "Open asks"]
    assert ("back from parking: whether it still stands is theirs to say" in factor.why) is paused


def test_the_touch_a_quiet_account_needs_is_with_someone_it_rests_on():
    """Westmarch (a twenty-eighth blind read): five months of silence were to be broken by "Run
    the admin training session with Kasia", a lab technician who started in September, while
    Mei Lin, the primary contact and "still our anchor", had no action. The touch goes with the
    check-in's person, the primary contact or a decider (`anchors`); else the check-in stands."""
    from playbook.engine.actions import TOUCH_NOTE, fold_reach_out
    from playbook.engine.types import Action

    def act(kind: str, title: str, due_days_ago: int, contact: str | None, **kw) -> Action:
        return Action(kind=kind, title=title, why=f"{title}.", due=d(due_days_ago), priority="high", contact=contact,
                      owner="maya", source=Source("x", due_days_ago), customer="x", **kw)
    reach = act("reach-out", "Check in with Mei Lin Cheng", 0, "Mei Lin Cheng")
    training = act("follow-up", "Run the admin training session with Kasia", 2, "Kasia Nowak")
    anchors = frozenset({"Mei Lin Cheng", "Tom Adebayo"})
    out = fold_reach_out([reach, training], AS_OF, anchors)
    assert [(a.title, TOUCH_NOTE in a.why) for a in out] == [("Check in with Mei Lin Cheng", False),
                                                            ("Run the admin training session with Kasia", False)]
    meet = act("renewal", "Meet Tom Adebayo before the renewal", 3, "Tom Adebayo", renewal_step="coverage")
    touched = {a.title: TOUCH_NOTE in a.why for a in fold_reach_out([reach, training, meet], AS_OF, anchors)}
    assert touched == {"Run the admin training session with Kasia": False, "Meet Tom Adebayo before the renewal": True}
    # The renewal's own conversation does, whoever it is with: St Aldhelm's question to Siobhan,
    # who owns the framework paperwork, lost it to a low answer told to wait (a check of this fix).
    ask = act("renewal", "Check whether the renewal went through: our records first, then ask Siobhan", 5,
              "Siobhan Keane", renewal_step="lapsed")
    touched = {a.title: TOUCH_NOTE in a.why for a in fold_reach_out([reach, training, ask], AS_OF, anchors)}
    assert touched == {"Run the admin training session with Kasia": False, ask.title: True}
    # A check-in play beside the work that carries it is part of it (Fernhill's chase to Sarah
    # stood beside "Check in on onboarding progress": one email twice).
    quote = act("follow-up", "Send Tom the quote", 2, "Tom Adebayo")
    play2 = act("play", "Check in on onboarding progress", 1, None)
    out = fold_reach_out([reach, quote, play2], AS_OF, anchors)
    assert [(a.title, TOUCH_NOTE in a.why) for a in out] == [("Send Tom the quote", True)]
    assert out[0].why.endswith(" (Also covers \u201cCheck in on onboarding progress\u201d.)")
    assert [x.text for x in out[0].also] == ["Check in on onboarding progress"]
    # With anyone an anchor, the work we owe carries it, as before.
    (only,) = fold_reach_out([reach, training], AS_OF)
    assert TOUCH_NOTE in only.why
    # A play's check-in with nobody named carries it, with the check-in's person: Fernhill's
    # "Check in on onboarding progress" beside "Check in with Dr Imran Qureshi" was two check-ins.
    play = act("play", "Check in on onboarding progress", 1, None)
    out = fold_reach_out([reach, training, play], AS_OF, anchors)
    assert [(a.title, a.contact, TOUCH_NOTE in a.why) for a in out] == [
        ("Run the admin training session with Kasia", "Kasia Nowak", False),
        ("Check in on onboarding progress", "Mei Lin Cheng", True)]


@pytest.mark.parametrize("role, said", [
    ("Co-founder, Commercial", "when Ann is away or busy, nobody else there hears from us."),
    ("Owner", "when Ann is away or busy, nobody else there hears from us."),
    ("Founding Partner", "when Ann is away or busy, nobody else there hears from us."),   # Oakmere's Freya
    ("Office Manager", "if they leave, the relationship leaves with them."),
])
def test_an_owner_as_the_one_thread_does_not_leave_as_an_employee_would(role, said):
    """Saltmarsh (a twenty-eighth blind read): every touch through Jo, co-founder and married to
    Gus, the other co-founder, read "if they leave, the relationship leaves with them"."""
    people = (contact("Ann Lee", role, primary=True), contact("Bo Chan", "Co-founder & Head Brewer"))
    c = customer(*[touch(n, 1) for n in range(170, 0, -30)], since=LONG_AGO, cadence=30, contacts=people)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "broaden"]
    assert a.why.endswith(said)


def test_the_renewal_question_goes_after_a_promise_that_goes_on_its_own():
    """Northgate (a check of a twenty-eighth blind read's fix): once the root-cause report went on
    its own to all it was promised to, Simon among them, nothing said which went first, and the
    question to Craig whether it had renewed stood above it."""
    report = promise("Send the root-cause report", d(60))
    ceo = replace(contact("Si Hurst", "CEO"), avoid="anything but the outages until they are fixed")
    met = touch(70, 1, with_=("Ann Lee", "Si Hurst"), summary="Escalation", commitments=(report,))
    c = customer(touch(400, 1), met, since=LONG_AGO, cadence=30, renewal=d(40), value=90_000,
                 contacts=(contact("Ann Lee", "IT Director", primary=True), ceo))
    r = analyse(c, config(), AS_OF)
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    (owed,) = [a for a in r.actions if a.kind == "follow-up"]
    said = ("It goes after what we are late on: \u201cSend the root-cause report\u201d, 60 days overdue. That goes "
            "first, on its own, to everyone it was promised to (delivered, or a date for it).")
    assert ask.why.endswith(" " + said) and ask.goes_with == said
    assert r.actions.index(owed) < r.actions.index(ask)
    # The brief's point says so too (it asked about the renewal with no word of the report).
    (point,) = [x.text for x in talking_points(r) if x.text.startswith("Whether the renewal")]
    assert point.endswith(f"and ask only if they do not say. {said}") or f"ask where it stands. {said}" in point, point


@pytest.mark.parametrize("done", [False, True])
def test_an_unanswered_touch_we_did_not_follow_up_is_no_sign_they_have_gone(done):
    """Saltmarsh (a twenty-eighth blind read): our renewal quote went unanswered, but its "Follow
    up with Jo on the renewal quote" was never done, and the question said to ask "whether they
    have gone elsewhere": the silence is ours as much as theirs."""
    items = [*steady_history(until_days_ago=70)]
    items.append(touch(50, None, type="email", direction="out", summary="Sent the renewal quote",
                       commitments=(promise("Follow up with Ann on the renewal quote", d(30), done=done),)))
    c = customer(*items, since=LONG_AGO, renewal=d(10), value=20_000)
    (ask,) = [a for a in analyse(c, config(), AS_OF).actions if a.renewal_step == "lapsed"]
    ours = (f", and our own follow-up not done (\u201cFollow up with Ann on the renewal quote\u201d, due "
            f"{fmt_date(d(30))})")
    assert (ours in ask.why) is not done
    assert ("(whether it went through, or the contract runs on meanwhile)" in ask.why) is not done
    assert ("(whether they have gone elsewhere, or the contract runs on meanwhile)" in ask.why) is done


@pytest.mark.parametrize("said, theirs", [
    ("Alan says they'll call us in the new year about the online shop.", True),
    ("Mark will get back to us once the budget is set.", True),
    ("She'll be in touch after the audit.", True),
    ("We'll call them in the new year about the online shop.", False),
    ("They called us about the printer.", False),
])
def test_a_last_word_that_left_the_next_move_to_them_is_theirs_to_raise(said, theirs):
    """Pemberton's brief, for the call to rekindle, quoted "Alan says they'll call us in the new
    year about the online shop" under Bring up, beside "Parked: Click-and-collect for Christmas
    trees. Do not push it" (a thirtieth blind read). A last word that left the next move to them,
    not taken since, is theirs to raise: the brief and the rekindle action say so."""
    from playbook.engine.brief import where_we_left
    c = customer(touch(500, 1), touch(435, 1, summary=said), since=LONG_AGO, cadence=60)
    r = analyse(c, config(), AS_OF)
    tail = " They were to get back to us, and have not: ask how they are, and let them raise it."
    (left,) = [x.text for x in where_we_left(c, AS_OF)]
    assert left.endswith(tail) == theirs, left
    (rekindle,) = [a for a in r.actions if a.kind == "reach-out"]
    assert (tail in rekindle.why) == theirs, rekindle.why


@pytest.mark.parametrize("said, written, start", [
    ("Alan says they'll call us in the new year about the online shop.", date(2025, 9, 30), date(2026, 1, 1)),
    ("Mark will get back to us next year, once the budget is set.", date(2026, 3, 2), date(2027, 1, 1)),
    # Said in January, "the new year" is the one begun: nothing still to come.
    ("Alan says they'll call us in the new year.", date(2026, 1, 12), None),
    ("She'll be in touch this year.", date(2026, 3, 2), None),
    ("She'll be in touch after the audit.", date(2026, 3, 2), None),  # (no year named: not read)
    ("We'll call them in the new year about the online shop.", date(2025, 9, 30), None),  # our move
])
def test_the_time_they_gave_for_their_move_is_read_from_the_last_word(said, written, start):
    from playbook.engine.words import theirs_wait
    assert theirs_wait(said, written) == ((start, start + timedelta(days=31)) if start else None)


@pytest.mark.parametrize("said", ["Ann says they'll call us in the new year about the shop.",
                                  "Ann says they'll call us about the shop."])
def test_a_touch_waits_for_the_time_they_gave(said):
    """Pemberton (two reads): "Alan says they'll call us in the new year" (30 Sep 2025), and the
    site said "Needs a touch" and "They were to get back to us, and have not" on 15 Dec 2025,
    before the new year had come; counted from it by a 60-day cadence, the check-in then came
    in March, where "in the new year" meant January. A touch is due a month into the time they
    gave; the silence, the stage and health still count from the touch."""
    from playbook.engine.brief import where_we_left
    c = customer(touch(200), touch(150), touch(100), touch(75, summary=said), since=d(800), cadence=60)
    named = "new year" in said
    for day in (AS_OF, date(2026, 12, 31), date(2027, 1, 29)):  # past the cadence from the note
        r = analyse(c, config(), day)
        touches = [a for a in r.actions if a.kind == "reach-out"]
        assert bool(touches) is not named, day
        assert any(f.id == "needs-touch" for f in r.flags) is not named, day
        (left,) = [x.text for x in where_we_left(c, day)]
        waits = (f" The next move is theirs, {'from' if day < date(2027, 1, 1) else 'since'} 1 Jan 2027: leave it "
                 f"to them until 1 Feb 2027.")
        assert left.endswith(waits) is named, left
    if not named:
        return
    # Health holds meanwhile, as under a pause (it fell to 40 on 29 Jan while the brief said to
    # leave it to them: a check read); past that day the silence counts from the note.
    recency = {day: next(f for f in analyse(c, config(), day).health.factors if f.name == "Recency")
               for day in (date(2027, 1, 29), date(2027, 2, 3))}
    assert recency[date(2027, 1, 29)].effect == 0
    assert recency[date(2027, 1, 29)].why.endswith("the silence is expected until 1 Feb 2027.")
    assert recency[date(2027, 2, 3)].effect < 0
    day = date(2027, 2, 3)
    r = analyse(c, config(), day)
    (due,) = [a for a in r.actions if a.kind == "reach-out"]
    assert due.due_since == date(2027, 2, 1) and due.overdue(day)
    assert due.why.startswith("Nothing heard for 150 days, 33 of them since 1 Jan 2027, the time they gave. ")
    assert "They were to get back to us, and have not" in due.why
    (flag,) = [f for f in r.flags if f.id == "needs-touch"]
    assert "150 days since the call of " in flag.reason.text
    assert flag.reason.text.endswith(", 33 of them since 1 Jan 2027, the time they gave: time for a touch.")
    (left,) = [x.text for x in where_we_left(c, day)]
    assert left.endswith(" They were to get back to us, and have not: ask how they are, and let them raise it.")


@pytest.mark.parametrize("unanswered, with_bo", [(True, True), (False, True), (True, False)])
def test_a_renewal_question_unanswered_names_who_else_was_there_when_it_last_renewed(unanswered, with_bo):
    """Saltmarsh (a check read): "Check whether the renewal went through… then ask Jo" stood for
    four months after our quote to Jo went unanswered, while Gus had signed the last renewal
    with her. Who else was there when a renewal was last talked of is named, as a second route."""
    items = [*steady_history(until_days_ago=120),
             touch(400, 1, type="meeting", with_=("Ann Lee", "Bo Chan") if with_bo else ("Ann Lee",),
                   summary="Renewal for this year signed"),
             touch(60, None, type="email", direction="out", summary="Sent the renewal quote",
                   answered=False if unanswered else None)]
    if not unanswered:
        items.append(touch(55, 1, type="email", direction="in", summary="Thanks, will look"))
    c = customer(*items, since=LONG_AGO, renewal=d(10), value=20_000)
    (ask,) = [a for a in analyse(c, config(), AS_OF).actions if a.renewal_step == "lapsed"]
    said = (f" If Ann does not answer this either, Bo Chan (CFO) was at the meeting of {fmt_date(d(400))} (Renewal "
            "for this year signed) and can answer it.")
    assert (said in ask.why) is (unanswered and with_bo), ask.why
    assert "does not answer this either" not in ask.why or with_bo


def test_the_brief_says_where_we_left_it_when_the_next_move_was_theirs(example_root):
    """Pemberton's on 2 Feb 2026, the day its check-in fell due (a check read): the brief listed
    only the anniversary of 1 Mar, not "Alan says they'll call us in the new year", the point
    of the call."""
    from playbook.engine.brief import talking_points
    from playbook.load import load
    loaded = load(example_root)
    pem = next(c for c in loaded.playbook.customers if c.slug == "pembertons-garden-centre")
    points = [x.text for x in talking_points(analyse(pem, loaded.config, date(2026, 2, 2)), "\u00a3")]
    assert any(p.startswith("3rd anniversary") for p in points), points
    assert any(p.startswith("Where we left it, the note of 30 Sep 2025: Alan says they'll call us") for p in points)


def test_on_the_renewal_eve_where_it_stands_is_one_conversation(example_root):
    """St Aldhelm's on its renewal day (a thirty-first blind read): "Ask Siobhan Keane whether
    their side has started… if it has not started, ask Helen Marsh for an extension the same
    day", and beside it "Visit Helen Marsh today" and "Email Anjali Desai today", each "where
    the renewal stands": three people at the trust asked one question on one day. The quiet
    deciders' meetings (and the executive sponsor call with Helen) go into that conversation."""
    from playbook.load import load
    loaded = load(example_root)
    st = next(c for c in loaded.playbook.customers if c.slug == "st-aldhelms-hospital")
    for day in (date(2027, 3, 29), date(2027, 3, 31)):
        r = analyse(st, loaded.config, day)
        (talk,) = [a for a in r.actions if a.kind == "renewal"]
        assert talk.contact == "Siobhan Keane" and talk.title.startswith("Ask Siobhan Keane whether their side")
        covered = [x.text for x in talk.also]
        assert any(t.startswith("Visit Helen Marsh (decision maker)") for t in covered), covered
        assert any(t.startswith("Email Anjali Desai (budget holder)") for t in covered), covered
        assert "Book an executive sponsor call" in covered
        assert not any(a.contact in ("Helen Marsh", "Anjali Desai") for a in r.actions), day
    # Before its eve, the visit to Helen stands on its own, as before.
    r = analyse(st, loaded.config, date(2027, 3, 26))
    assert any(a.kind == "renewal" and a.contact == "Helen Marsh" for a in r.actions)


def test_what_the_question_whether_they_renewed_does_not_take_along_stands(example_root):
    """St Aldhelm's on 5 May 2027 (a check read): its question whether the renewal went through
    goes to Siobhan, who buys for them, and took nothing along; Gareth's nurse-call question,
    280 days owed to the champion and the most we are late on, read "(Low priority until you
    know whether they renewed: ask that first.)", where Brightwell's and Kestrel's answers, in the
    same place, stood high. What the question does not take goes first, to whom it is owed."""
    from playbook.load import load
    loaded = load(example_root)
    st = next(c for c in loaded.playbook.customers if c.slug == "st-aldhelms-hospital")
    r = analyse(st, loaded.config, date(2027, 5, 5))
    (ask,) = [a for a in r.actions if a.renewal_step == "lapsed"]
    (answer,) = [a for a in r.actions if a.kind == "answer" and a.contact == "Gareth Pryce"]
    assert ask.contact == "Siobhan Keane" and ask.takes is None
    assert answer.priority == "high" and not answer.waits_on, (answer.priority, answer.why)


def test_a_meeting_moved_sooner_does_not_say_its_own_later_day(example_root):
    """Brightwell on 10 Feb 2027 (a check read): "Meet Dave Brightwell… 89 days overdue", due
    with Philippa's meeting it took in (13 Nov), read "the gap opened on 6 Jan 2027…; the meeting
    was due a fortnight later". St Aldhelm's email to Anjali, moved sooner to hear from her
    before the account turned, read both days. Each now says only the day it is due."""
    from playbook.load import load
    loaded = load(example_root)
    by = {c.slug: c for c in loaded.playbook.customers}
    r = analyse(by["brightwell-precision"], loaded.config, date(2027, 2, 10))
    (dave,) = [a for a in r.actions if a.kind == "renewal" and a.contact == "Dave Brightwell"]
    assert dave.due == date(2026, 11, 13) and "gap opened" not in dave.why, dave.why
    assert "\u201cMeet Philippa Rowe (budget holder) before the renewal on 30 Apr 2027\u201d has been due since 13 " \
           "Nov 2026." in dave.why
    r = analyse(by["st-aldhelms-hospital"], loaded.config, date(2026, 12, 21))
    (anjali,) = [a for a in r.actions if a.kind == "renewal" and a.contact == "Anjali Desai"]
    assert "It was due by 4 Dec 2026" in anjali.why and "gap opened" not in anjali.why, anjali.why
    (helen,) = [a for a in r.actions if a.kind == "renewal" and a.contact == "Helen Marsh"]
    assert "; the gap opened on 2 Oct 2026, when the renewal came within 180 days, and the visit was due a " \
           "fortnight later." in helen.why


def test_a_check_in_says_what_to_pick_up_with_the_person_it_is_with(example_root):
    """Loomwork on 10 Feb 2027 (a check read): "Check in with Aisha Kamara… Last heard 19 Nov
    2026: Marta sent the December new-starter list" quoted only Marta's email. It says Aisha's
    own last touch too; not when the last note, with nobody in `with`, names them (Pemberton's)."""
    from playbook.load import load
    loaded = load(example_root)
    by = {c.slug: c for c in loaded.playbook.customers}
    r = analyse(by["loomwork"], loaded.config, date(2027, 2, 10))
    (check,) = [a for a in r.actions if a.kind == "reach-out"]
    assert check.contact == "Aisha Kamara"
    assert check.why.endswith("Last heard 19 Nov 2026: Marta sent the December new-starter list and device order. "
                              "With Aisha, last on 9 Nov 2026: 30-day check-in with Aisha \u2014 on plan, happy so "
                              "far."), check.why
    r = analyse(by["pembertons-garden-centre"], loaded.config, date(2027, 2, 10))
    (rekindle,) = [a for a in r.actions if a.kind == "reach-out"]
    assert "With Alan, last on" not in rekindle.why
