"""merge_similar: the indexed merge gives exactly what comparing every pair gives, in
time near-linear in the number of actions (issue 12: 8,000 open items took a minute)."""

from __future__ import annotations


import pytest
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st
from msgspec.structs import replace

from playbook.engine import merge
from playbook.engine.merge import (
    action_topic, apart, combine, merge_similar, same_day, same_person, similar, stem, topic, with_renewal, RENEWAL_WORD,
)
from playbook.engine.types import Action, Reason
from playbook.engine.words import fmt_date
from playbook.model import Source

AS_OF = date(2026, 11, 20)


def pairwise(actions: list[Action]) -> list[Action]:
    """The definition: each action, best-ranked first, joins the first kept one it is similar to."""
    kept: list[list[Action]] = []
    for a in sorted(actions, key=Action.sort_key):
        twin = next((k for k, g in enumerate(kept)
                     if similar(action_topic(a), action_topic(g[0])) and not apart(a, g[0])), None)
        if twin is None:
            kept.append([a])
        else:
            kept[twin].append(a)
    return [combine(g) for g in kept]


def action(title: str, n: int = 0, priority: str = "medium") -> Action:
    return Action(kind="follow-up", title=title, why="Promised.", due=AS_OF + timedelta(days=n % 30),
                  priority=priority, contact=None, owner=None, source=None, customer="acme")


# A small vocabulary, so that topics overlap often and at every size.
WORDS = st.sampled_from("send quote schedule pricing review contract invoice demo the and exec executive "
                        "budget plan roadmap call renew security revised contact organise organization".split())
TITLES = st.lists(WORDS, min_size=0, max_size=9).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TITLES, st.integers(0, 60), st.sampled_from(["high", "medium", "low"])), max_size=40))
def test_the_indexed_merge_equals_comparing_every_pair(specs: list[tuple[str, int, str]]) -> None:
    actions = [action(t, n, p) for t, n, p in specs]
    # Some of them personal touches for one of two people or nobody (never one job across the
    # two), some renewal steps (never one job by their words).
    actions = [replace(a, kind="personal", contact=("Ann", "Bo", None)[n % 3]) if n % 3 == 0 else
               replace(a, kind="renewal", renewal_step="coverage") if n % 5 == 1 else a
               for a, (_, n, _) in zip(actions, specs)]
    assert merge_similar(actions) == pairwise(actions)


def test_two_people_s_personal_touches_are_two_jobs():
    """Marlow: "Keep in touch with Bill Marlow" (who refers us) had become an "(Also covers …)"
    of Lewis's; a promise and an ask about one thing, from two people, stay one job."""
    touches = [replace(action(f"Keep in touch with {who} Marlow"), kind="personal", contact=f"{who} Marlow")
               for who in ("Lewis", "Bill")]
    assert sorted(a.title for a in merge_similar(touches)) == ["Keep in touch with Bill Marlow",
                                                               "Keep in touch with Lewis Marlow"]
    promise = replace(action("Send the data retention schedule"), contact="Owen Price")
    ask = replace(action("Answer Tasha Greene: data retention schedule"), kind="answer", contact="Tasha Greene")
    assert len(merge_similar([promise, ask])) == 1


def test_a_promise_and_an_ask_about_one_thing_merge_into_the_better_ranked() -> None:
    ask = action("Answer: the executive schedule for the review", 5)
    promise = action("Send the exec schedule for the review", 1, "high")
    other = action("Call about pricing", 2)
    assert merge_similar([ask, promise, other]) == [
        replace(promise, why="Promised. (Also covers \u201cAnswer: the executive schedule for the review\u201d.)",
                also=(Reason("Answer: the executive schedule for the review", None),)), other]


def test_a_promise_with_its_own_due_date_leads_and_sets_the_date() -> None:
    """The ask's week to answer is a rule of thumb; the promise's date is the real obligation
    (Calder: a merged ask kept a date 150 days back, where the promise was 36 days late)."""
    ask = replace(action("Answer: the revised retention schedule", 0, "high"), kind="answer",
                  due=AS_OF - timedelta(days=150))
    promise = replace(action("Send the revised retention schedule", 0, "medium"), due=AS_OF - timedelta(days=36),
                      firm=True)
    (merged,) = merge_similar([ask, promise])
    assert merged.title == promise.title and merged.due == promise.due and merged.priority == "high"
    assert merged.firm and [r.text for r in merged.also] == [ask.title]


def test_thousands_of_distinct_open_items_are_each_compared_with_a_few_at_most(monkeypatch) -> None:
    # Distinct three-word topics sharing one common word: the old pairwise merge compared each
    # with every other (14 s for 4,000). The work is counted, not timed: a timed bound failed
    # on a busy machine. Each topic is compared only with those sharing its rarer words: none.
    def word(n: int) -> str:  # four letters, distinct for each n, so no two topics meet
        return "".join("abcdefghijklmnopqrstuvwxyz"[n // 26 ** i % 26] for i in range(4))

    compared = []
    monkeypatch.setattr(merge, "similar", lambda mine, theirs: compared.append(1) or similar(mine, theirs))
    actions = [action(f"Send {word(3 * i)} {word(3 * i + 1)} {word(3 * i + 2)}", i) for i in range(4_000)]
    merged = merge_similar(actions)
    assert len(merged) == 4_000
    assert len(compared) == 0
    # The same, with each topic sharing one of its rarer words with the next: each is compared
    # with one other, not all those before it; none is similar (one word of three shared).
    actions = [action(f"Send {word(2 * i)} {word(2 * i + 1)} {word(2 * i + 2)}", i) for i in range(4_000)]
    compared.clear()
    merged = merge_similar(actions)
    assert len(merged) == 4_000
    assert len(compared) <= 2 * len(actions)

    # Birthday greetings, one topic, each for its own person: never one job (`apart`), so none
    # is compared with another's (16,000 contacts with birthdays: 10 million comparisons, a
    # fuzzing session).
    greetings = [replace(action(f"Wish Person{i} Name{i} a happy birthday (Sat 28 Nov)", i), kind="personal",
                         contact=f"Person{i} Name{i}") for i in range(4_000)]
    compared.clear()
    assert len(merge_similar([*greetings, action("Send the birthday cake order", 3)])) == 4_001
    assert len(compared) <= len(greetings)


def test_the_person_an_action_is_with_is_not_its_topic() -> None:
    check_in = replace(action("Check in with Gareth Pryce", 0), kind="reach-out", contact="Gareth Pryce")
    answer = replace(action("Answer Gareth Pryce: nurse-call integration", 3), kind="answer", contact="Gareth Pryce")
    assert len(merge_similar([check_in, answer])) == 2


def test_one_action_made_of_several_is_on_the_list_of_everyone_they_were_for() -> None:
    """Maya's promise of the renewal quote, merged into Tomás's renewal call, is still hers to
    send: it stays on her list (`also_for`), and on no one else's twice."""
    call = replace(action("Call Jo before the renewal", 3, "high"), kind="renewal", owner="tomas")
    quote = replace(action("Send Jo the renewal quote", 1), owner="maya", firm=True, also_for=("lena",))
    (merged,) = merge_similar([call, quote], renewal_passed=True)
    assert (merged.title, merged.owner, merged.also_for) == (call.title, "tomas", ("maya", "lena"))
    (merged,) = merge_similar([call, replace(quote, owner="tomas", also_for=())])
    assert merged.also_for == ()


def test_the_renewal_actions_are_told_apart_by_their_step_not_their_wording() -> None:
    """The meeting with a quiet decider and the renewal call with that same person are one
    conversation, whatever either says; a call with someone else stays its own action."""
    meet = replace(action("Meet Simon Hurst (Decision maker) before the renewal", 5), kind="renewal",
                   contact="Simon Hurst", owner="tomas", renewal_step="coverage", why="Simon has been quiet.")
    call = replace(action("Call Simon Hurst before the renewal", 9, "high"), kind="renewal",
                   contact="Simon Hurst", owner="tomas", renewal_step="call", why="It is in six weeks.")
    (one,) = same_person([meet, call])
    assert one.renewal_step in ("coverage", "call") and {r.text for r in one.also} & {meet.title, call.title}
    other = replace(call, contact="Craig Dunmore", title="Call Craig Dunmore before the renewal")
    assert same_person([meet, other]) == [meet, other]
    # Wording alone never joins them: a follow-up whose reason reads like a renewal call's.
    lookalike = replace(call, kind="follow-up", renewal_step="", why="Renewal in 20 days.")
    assert same_person([meet, lookalike]) == [meet, lookalike]


@pytest.mark.parametrize("who, joined", [("Mark Ellery", True), ("Jo Brand", False)])
def test_an_ask_back_from_parking_joins_the_renewal_question_with_the_same_person(who: str, joined: bool) -> None:
    """Ashby (a seventh blind read): its Phase 2 pricing, back from parking, came third and low
    beside the question whether its support had renewed, both with Mark."""
    lapsed = replace(action("Check whether the renewal of 31 Mar 2027 went through: our records first, then ask "
                            "Mark Ellery", 1, "high"), kind="renewal", contact="Mark Ellery", renewal_step="lapsed")
    back = replace(action("Take up again with Mark Ellery: Phase 2 committee-room pricing", 3, "low"), kind="answer",
                   contact=who, reopened=True, unparked=True,
                   why="Parked until 1 Apr 2027: ask whether it still stands.")
    found = with_renewal([lapsed, back], renewal_passed=True)
    if joined:
        (one,) = found
        assert one.title == lapsed.title and [r.text for r in one.also] == [back.title]
        assert one.why.endswith(f"(Also covers \u201c{back.title}\u201d: {back.why})")
        # On the question's own day, however long the ask waited: it cannot come before the
        # renewal (Lantern's read "143 days overdue" 65 days after it; an eleventh blind read).
        (late,) = with_renewal([lapsed, replace(back, due=AS_OF - timedelta(days=80))], renewal_passed=True)
        assert late.due == lapsed.due
        # Before the renewal, the call leads it too, though the ask came back sooner (Lantern's
        # call was led by "Take up again with Camille: Copilot", due in January); but only once the
        # call is due within a week (a tenth blind read: Lantern's ask, 14 days overdue, became
        # "due in 29 days").
        call = replace(lapsed, title="Call Mark Ellery before the renewal on 31 Mar 2027", renewal_step="call",
                       due=AS_OF + timedelta(days=20))
        assert with_renewal([call, back], as_of=AS_OF) == [call, back]
        assert with_renewal([call, back], as_of=AS_OF + timedelta(days=12)) == [call, back]
        # Joined, on the call's own day: from the ask's, "Call Camille Roux before the renewal" read
        # 74 days overdue, a renewal call missed for months (an eleventh blind read).
        (two,) = with_renewal([call, replace(back, due=AS_OF - timedelta(days=60))], as_of=AS_OF + timedelta(days=13))
        assert (two.title, two.due) == (call.title, call.due)
    else:
        assert found == [lapsed, back]


def test_the_anniversary_of_working_together_joins_the_renewal_conversation() -> None:
    """Saltmarsh (a seventh blind read): "Mark the 4th anniversary", high, on the day of a renewal
    not yet confirmed: a line of thanks in the renewal conversation. A birthday stays its own."""
    call = replace(action("Call Jo Armitage before the renewal on 14 Dec 2026", 1, "high"), kind="renewal",
                   contact="Jo Armitage", renewal_step="call")
    anniversary = replace(action("Mark the 4th anniversary of working with Saltmarsh Brewing Co. (Mon 14 Dec)", 3,
                                 "high"), kind="personal")
    birthday = replace(action("Wish Jo Armitage a happy birthday (Tue 15 Dec)", 4, "high"), kind="personal",
                       contact="Jo Armitage")
    (one, wish) = with_renewal([call, anniversary, birthday])
    assert one.title == call.title and [r.text for r in one.also] == [anniversary.title] and wish == birthday
    assert one.due == call.due  # the call's day, not the anniversary's: it leads
    # Due before the call (Rosalind's 27 Nov, the call before her January renewal on 15 Dec):
    # thanks weeks late would be no thanks.
    early = replace(anniversary, due=call.due - timedelta(days=18))
    assert with_renewal([call, early]) == [call, early]


def test_a_play_with_the_person_asked_whether_a_renewal_went_through_joins_that_question() -> None:
    """Ashby on 5 Jun (an eighth blind read): "Check in before their budget-setting round", with
    Mark, stood beside asking Mark whether the renewal went through; Mark "hates being chased".
    The question leads, though the play fell due first."""
    lapsed = replace(action("Check whether the renewal of 31 Mar 2027 went through: our records first, then ask "
                            "Mark Ellery", 10, "high"), kind="renewal", contact="Mark Ellery", renewal_step="lapsed")
    play = replace(action("Check in before their budget-setting round", 2, "low"), kind="play", contact="Mark Ellery")
    other = replace(play, contact="Jo Brand")
    one, kept = same_person([lapsed, play, other])
    assert (one.title, one.due, [r.text for r in one.also]) == (lapsed.title, lapsed.due, [play.title])
    assert kept == other


def test_a_renewal_follow_up_joins_the_call_not_a_coverage_meeting_that_ranks_first() -> None:
    meet = replace(action("Meet Helen Marsh (Budget holder) before the renewal", 1, "high"), kind="renewal",
                   contact="Helen Marsh", renewal_step="coverage")
    call = replace(action("Call Jo Baines before the renewal", 9), kind="renewal", contact="Jo Baines",
                   renewal_step="call")
    quote = replace(action("Follow up with Jo on the renewal quote", 12), contact="Jo Baines")
    found = with_renewal([meet, call, quote])
    assert found[0] == meet
    assert len(found) == 2 and found[1].title == call.title and [r.text for r in found[1].also] == [quote.title]
    # With no call (the renewal further off), a renewal-worded ask joins no coverage meeting:
    # Tasha's "their PI insurance renewal" swallowed the email to Eleanor, who decides ours.
    evidence = replace(action("Answer Tasha: evidence for their insurance renewal form", 2), kind="answer",
                       contact="Tasha")
    assert with_renewal([meet, evidence]) == [meet, evidence]


@pytest.mark.parametrize("meet_in, said", [(-50, False), (60, True)])
def test_a_renewal_call_joining_a_meeting_due_sooner_leaves_out_its_own_day(meet_in, said):
    """St Aldhelm's visit to Helen, "Fri 16 Oct · 50 days overdue", covered the call "from 3 Feb
    2027: the visit is due 3 weeks before then at the latest" (a tenth blind read: one action,
    two days). Said only when the merge keeps the call's own day."""
    timing = ": the visit is due 3 weeks before then at the latest."
    call = replace(action("Visit Helen before the renewal", 0, "high"), kind="renewal", contact="Helen",
                   renewal_step="call", timing=timing, due=AS_OF + timedelta(days=40),
                   why=f"Renewal in 100 days. Their side needs 8 weeks to renew, from 3 Feb 2027{timing}")
    meet = replace(action("Visit Helen (decision maker) before the renewal", 0, "high"), kind="renewal",
                   contact="Helen", renewal_step="coverage", due=AS_OF + timedelta(days=meet_in))
    (one,) = same_person([meet, call])
    assert one.due == min(meet.due, call.due)
    assert (timing in one.why) is said
    assert "Their side needs 8 weeks to renew, from 3 Feb 2027" in one.why


def test_a_play_about_the_person_the_renewal_call_is_with_joins_it():
    """Harrow (a reader's test): "Book an executive sponsor call" with Pete, who decides the
    renewal, sat beside "Call Pete Osei before the renewal", with no coverage meeting due."""
    call = replace(action("Call Pete Osei before the renewal", 18, "high"), kind="renewal", contact="Pete Osei",
                   renewal_step="call")
    sponsor = replace(action("Book an executive sponsor call", 2, "high"), kind="play", contact="Pete Osei")
    other = replace(sponsor, contact="Ann Lee")
    (one, rest) = same_person([call, sponsor, other])
    assert one.title == sponsor.title and [x.text for x in one.also] == [call.title] and one.due == sponsor.due
    assert rest == other
    # Once the call is due within a week (or late), the renewal's own conversation leads, on its
    # own day: Westmarch's renewal, the next day, was only in the "Also covers" of a budget-round
    # check-in due in January (an eleventh blind read). A week and a day before, the play still does.
    assert same_person([call, sponsor], as_of=AS_OF + timedelta(days=10))[0].title == sponsor.title
    (one,) = same_person([call, sponsor], as_of=AS_OF + timedelta(days=11))
    assert (one.title, one.due, [x.text for x in one.also]) == (call.title, call.due, [sponsor.title])
    # A meeting with that quiet decider before the renewal, due first, leads them both.
    meet = replace(call, title="Meet Pete Osei (decision maker) before the renewal", renewal_step="coverage",
                   due=AS_OF + timedelta(days=5))
    (one,) = same_person([call, sponsor, meet], as_of=AS_OF + timedelta(days=30))
    assert (one.title, one.due, {x.text for x in one.also}) == (meet.title, meet.due, {call.title, sponsor.title})


def test_a_due_meeting_with_a_quiet_decider_leads_a_lighter_play_with_them():
    """Westmarch (a fifteenth blind read): the meeting with Tom before the renewal, late since
    March, was in the "Also covers" of a low budget-round check-in "180 days overdue" in July.
    A play as weighty due first (a value review with the CFO) is taken in too, its lateness
    said; a weightier one (an executive sponsor call, high) still leads."""
    meet = replace(action("Meet Tom (budget holder) before the renewal", 0), kind="renewal", contact="Tom",
                   renewal_step="coverage", due=AS_OF + timedelta(days=60))
    budget = replace(action("Check in before their budget-setting round", 0, "low"), kind="play", contact="Tom")
    review = replace(budget, title="Schedule a value review with finance", priority="medium")
    # Before the meeting is due, the play due first leads, saying why it is due then.
    assert same_person([budget, meet], as_of=AS_OF + timedelta(days=52))[0].title == budget.title
    for day in (53, 60, 180):
        (one,) = same_person([budget, meet], as_of=AS_OF + timedelta(days=day))
        assert (one.title, one.due, [x.text for x in one.also]) == (meet.title, meet.due, [budget.title])
    (one,) = same_person([review, meet], as_of=AS_OF + timedelta(days=180))
    assert one.title == meet.title and one.due == meet.due
    assert one.why.endswith(f" \u201c{review.title}\u201d has been due since {fmt_date(review.due)}.")
    assert one.late_parts == ((review.title, review.due),)
    sponsor = replace(budget, title="Book an executive sponsor call", priority="high")
    assert same_person([sponsor, meet], as_of=AS_OF + timedelta(days=180))[0].title == sponsor.title


def test_late_promises_for_one_of_their_days_and_its_readiness_call_are_one_action():
    day = Source("content/customers/x/customer.yaml", 13)
    check = replace(action("Call Marta to confirm all is ready: the starters", 6), kind="prepare", source=day)
    laptops = replace(action("Order the laptops for the 7 December starters", -4, "high"), firm=True, occasion=day)
    badges = replace(action("Print badges for the 7 December starters", -2, "high"), firm=True, occasion=day)
    other = action("Send the quote", 1)
    (one, rest) = same_day([check, laptops, other, badges])
    assert one.title == laptops.title and {x.text for x in one.also} == {check.title, badges.title}
    assert one.due == laptops.due and rest == other
    # On the day itself, being on hand for it leads, the promises in its text with their own
    # reasons: Loomwork's starters' first morning was headed "Send the device order confirmation
    # to Marta" (a twenty-first blind read).
    on_hand = replace(check, title="Be on hand: the starters' first day is today", due=AS_OF,
                      why="The starters' first day is today.")
    (one, rest) = same_day([on_hand, replace(laptops, why="Promised to Marta; 4 days overdue."), other, badges],
                           AS_OF)
    assert one.title == on_hand.title and one.due == AS_OF and one.priority == "high" and rest == other
    assert one.why.startswith("The starters' first day is today. (Also covers \u201cOrder the laptops for the 7 "
                              "December starters\u201d: Promised to Marta; 4 days overdue.)")
    # The day before, the promise still leads.
    assert same_day([on_hand, laptops, other, badges], AS_OF - timedelta(days=1))[0].title == laptops.title


def test_a_merged_action_names_what_each_member_covered_too():
    """One person's two asks are one reply (`same_asker`); when that reply joins another action,
    both asks are named in its text, not the first alone."""
    reply = replace(action("Answer Simon: an engineer on site", 3), kind="answer",
                    also=(Reason("Answer Simon: a service credit for October", Source("customer.yaml", 60)),))
    lead = action("Send the schedule and engineer rota", 1)
    merged = combine([lead, reply], lead)
    assert merged.why == ("Promised. (Also covers \u201cAnswer Simon: an engineer on site\u201d and "
                          "\u201cAnswer Simon: a service credit for October\u201d.)")
    assert [r.text for r in merged.also] == ["Answer Simon: an engineer on site",
                                             "Answer Simon: a service credit for October"]


def test_a_check_never_leads_live_work_of_the_same_job():
    """Northgate's reply to Simon was led by his engineer "through peak", gone by, and so read
    as a tick-box (a check), with his service credit, still owed, in its parenthesis (an
    account manager's objection). Whichever comes first in the group, the live ask leads."""
    gone = replace(action("Answer Simon: an engineer on site through peak", 3), kind="answer", check=True,
                   why="It was for peak, which has gone by.")
    owed = replace(action("Answer Simon: a service credit for October", 3), kind="answer", why="Waiting.")
    for group in ([gone, owed], [owed, gone]):
        merged = combine(group)
        assert (merged.title, merged.check) == ("Answer Simon: a service credit for October", False)
        assert merged.why == ("Waiting. (Also covers \u201cAnswer Simon: an engineer on site through peak\u201d: "
                              "It was for peak, which has gone by.)")
    # Checks alone stay a check.
    assert combine([gone, replace(owed, check=True)]).check


@pytest.mark.parametrize("one, other", [
    ("revised", "revision"), ("exec", "executive"), ("quote", "quotation"), ("renewal", "renewing"),
    ("organise", "organization"), ("prioritize", "prioritised"), ("licence", "license"), ("colour", "color"),
    ("centre", "center"), ("programme", "program"), ("scheduled", "scheduling"), ("pricing", "price"),
    ("intro", "introduction"), ("docs", "documentation"),
])
def test_one_word_in_its_forms_short_forms_and_spellings_is_one_topic_word(one: str, other: str) -> None:
    assert stem(one) == stem(other)


@pytest.mark.parametrize("one, other", [
    ("revised", "review"), ("contract", "contact"), ("configuration", "conference"), ("present", "president"),
    ("complaint", "company"), ("decision", "december"),
])
def test_words_that_only_begin_alike_are_two_topic_words(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_the_renewal_word_is_the_stem_of_renewal() -> None:
    assert {stem(w) for w in ("renewal", "renew", "renewed", "renewing")} == {RENEWAL_WORD}


def test_a_revised_contract_is_not_the_same_job_as_reviewing_contact_details() -> None:
    """Each word cut to four letters made "revi cont deta" of one and "revi cont" of the other:
    one job, and the review would have vanished into the contract's "Also covers"."""
    send = action("Send the revised contract", 1, "high")
    review = action("Review contact details with finance", 2)
    assert len(topic(send.title) & topic(review.title)) == 0
    assert sorted(a.title for a in merge_similar([send, review])) == [
        "Review contact details with finance", "Send the revised contract"]
    # The same job in two spellings and forms is still one action.
    ask = replace(action("Answer: the revision of the contract", 5), kind="answer")
    assert len(merge_similar([send, ask])) == 1


def test_those_the_renewal_conversation_asks_to_join_bring_their_own_meeting_and_plays_into_it() -> None:
    """Brightwell (an eleventh blind read): the meeting with Dave before the renewal asked Philippa
    to join, beside a value review with her and a meeting with her before the renewal: one
    annual review, as the last two were. Only once that conversation is due within a week, or
    within a month with hers already late (a nineteenth blind read: "Meet Philippa…, 60 days
    overdue" beside "Meet Dave…, due in 8 days")."""
    from playbook.engine.merge import named_joiners, with_joiners
    talk = replace(action("Meet Dave before the renewal", 20, "high"), kind="renewal", contact="Dave",
                   renewal_step="coverage", joiners=("Philippa",), due=AS_OF + timedelta(days=20))
    # Nothing of hers late: a week before.
    ahead = replace(action("Meet Philippa (budget holder) before the renewal", 0), kind="renewal", contact="Philippa",
                    renewal_step="coverage", due=AS_OF + timedelta(days=15))
    assert with_joiners([talk, ahead], AS_OF + timedelta(days=12)) == [talk, ahead]
    assert len(with_joiners([talk, ahead], AS_OF + timedelta(days=13))) == 1
    # Hers late: a month before.
    talk = replace(talk, due=AS_OF + timedelta(days=43))
    review = replace(action("Schedule a value review with finance", 0), kind="play", contact="Philippa",
                     due=AS_OF - timedelta(days=90))
    meet = replace(action("Meet Philippa (budget holder) before the renewal", 0), kind="renewal", contact="Philippa",
                   renewal_step="coverage")
    chore = replace(review, title="Review account health at the stand-up", internal=True)
    answer = replace(action("Answer Philippa: spend forecasts", 0), kind="answer", contact="Philippa")
    other = replace(review, contact="Karen")
    found = [talk, review, meet, chore, answer, other]
    assert with_joiners(found, AS_OF) == found
    assert with_joiners(found, AS_OF + timedelta(days=12)) == found
    (one, *rest) = named_joiners(with_joiners(found, AS_OF + timedelta(days=13)))
    assert with_joiners([talk, replace(review, due=AS_OF + timedelta(days=14))], AS_OF + timedelta(days=13)) == \
        [talk, replace(review, due=AS_OF + timedelta(days=14))]   # (not late yet: not until a week before)
    # Who comes is in the title (`named_joiners`, once nothing of hers stands apart), and it is
    # due when the first of it was, which it says (a check of this fix: "Meet Dave" gave no sign
    # Philippa was to be there, nor that her review was late).
    assert (one.title, one.due, {x.text for x in one.also}) == (
        "Meet Dave with Philippa before the renewal", review.due, {review.title, meet.title})
    # (as shown, on a working day: 22 Aug 2026 was a Saturday)
    assert (" Ask Philippa to join, as at the last renewal. \u201cSchedule a value review with finance\u201d has "
            f"been due since {fmt_date(review.due + timedelta(days=2))}.") in one.why
    assert rest == [chore, answer, other]
    # Not asked twice: the call before the renewal asks those in the last renewal's talk itself;
    # whoever it has not asked is asked here (the call named Karen, not Philippa).
    late = AS_OF + timedelta(days=13)
    asked = replace(talk, why="Karen and Philippa were in it too: ask them to join.", asked_to_join=("Karen", "Philippa"))
    assert "to join, as at the last renewal" not in with_joiners([asked, review], late)[0].why
    karen = replace(talk, why="Karen was in it too: ask them to join.", asked_to_join=("Karen",))
    assert " Ask Philippa to join, as at the last renewal." in with_joiners([karen, review], late)[0].why
    # Her meeting having taken in her value review (`same_person`), the review's lateness is said
    # too: it had been lost once the meeting led (a check of a fifteenth blind read's fix).
    led = replace(meet, late_parts=((review.title, review.due),))
    (one,) = with_joiners([talk, led], late)
    assert one.why.endswith(f" \u201c{meet.title}\u201d has been due since {fmt_date(meet.due)}. \u201c{review.title}"
                            f"\u201d has been due since {fmt_date(review.due)}.")


def test_who_would_rather_be_written_to_is_not_brought_into_the_renewal_meeting() -> None:
    """St Aldhelm's (a twelfth blind read): Anjali's budget-round check-in, by email as she
    prefers, went under a visit to Helen that had waited three months."""
    from playbook.engine import analyse
    from playbook.model import Contact, Source
    from engine_factory import config, customer, touch
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src, decision=("decision maker",)),
              Contact("Bo Chan", "CFO", None, None, None, None, False, src),
              Contact("Cy Dunn", "COO", None, None, None, None, False, src, prefers="email"))
    talk = replace(touch(360, 1, type="meeting", summary="Renewal agreed"), with_=("Ann Lee", "Bo Chan", "Cy Dunn"))
    c = customer(talk, *[touch(n, 1) for n in range(330, 0, -30)], since=AS_OF - timedelta(days=900),
                 contacts=people, renewal=AS_OF + timedelta(days=20))
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal" and a.renewal_step == "call"]
    assert "Bo Chan and Cy Dunn were in it too: ask them to join (Cy: prefers email)." in call.why
    assert call.joiners == ("Bo Chan",)


def test_the_meeting_with_a_quiet_decider_brings_in_who_else_was_at_the_last_renewal() -> None:
    """Brightwell (a thirteenth blind read): "Meet Dave Brightwell (decision maker) before the
    renewal" and "Schedule a value review with finance" with Philippa stood apart for weeks,
    though the last two annual reviews were one meeting of both. Once the meeting is due within
    a week, her items join it; someone who would rather be written to is not brought in."""
    from playbook.engine import analyse
    from playbook.model import Contact, Source
    from engine_factory import config, customer, touch
    src = Source("content/customers/x/customer.yaml", 5)
    people = (Contact("Ann Lee", "CEO", None, None, None, None, True, src, decision=("decision maker",)),
              Contact("Bo Chan", "CFO", None, None, None, None, False, src, decision=("budget holder",)),
              Contact("Cy Dunn", "COO", None, None, None, None, False, src, prefers="email"))
    review = replace(touch(400, 1, type="meeting", summary="Annual review: renewal agreed"),
                     with_=("Ann Lee", "Bo Chan", "Cy Dunn"))
    since = [touch(n, 1, with_=("Cy Dunn",)) for n in range(390, 0, -20)]
    c = customer(review, *since, since=AS_OF - timedelta(days=900), contacts=people,
                 renewal=AS_OF + timedelta(days=80))
    (one,) = [a for a in analyse(c, config(), AS_OF).actions if a.renewal_step == "coverage"]   # both late
    assert (one.contact, one.joiners) == ("Ann Lee", ("Bo Chan",))
    assert [x.text for x in one.also] == [
        "Meet Bo Chan (budget holder) before the renewal on " + fmt_date(AS_OF + timedelta(days=80))]
    # Whoever else decides brings in nobody: the one who decides it leads.
    alone = replace(c, contacts=tuple(replace(p, decision=()) if p.name == "Ann Lee" else p for p in people))
    assert [a.joiners for a in analyse(alone, config(), AS_OF).actions if a.renewal_step == "coverage"] == [()]


def test_a_promise_to_one_person_asked_for_by_another_says_both() -> None:
    """Brightwell (blind reads, thrice): the switches' lead time, promised to Karen and asked for
    by Stefan, read "tell Karen Osei so" on an action with Stefan: whom to call?"""
    promise_ = replace(action("Confirm lead time on switches for the Haas drops", 2), contact="Karen Osei",
                       why="Promised to Karen Osei in the call of 17 Nov 2026; it is due 27 Nov 2026.", firm=True,
                       promised_to="Karen Osei")
    asked = replace(action("Answer Stefan Novak: Network drops for the Haas machines", 5), kind="answer",
                    contact="Stefan Novak")
    one = combine([promise_, asked])
    assert one.contact == "Stefan Novak"
    assert " It is with Stefan Novak, who asked for it; tell Karen Osei too." in one.why
    # Said once, however many merges it goes through.
    again = combine([one, replace(action("Answer Stefan Novak: cable trays", 6), kind="answer", contact="Stefan Novak")])
    assert again.why.count("tell Karen Osei too") == 1
    # Promised to nobody by name (Calder's schedule, promised in a meeting of several): nothing to add.
    unnamed = replace(promise_, why="Promised in the meeting of 1 Oct 2026 with Karen Osei and 2 others.",
                      promised_to=None)
    assert "who asked for it" not in combine([unnamed, asked]).why


def test_renewal_actions_are_joined_by_their_steps_never_their_words() -> None:
    """"Meet Dave Brightwell before the renewal" and "Meet Philippa Rowe (budget holder) before
    the renewal" read alike without the names, and the similar-topics merge put Dave's renewal
    meeting under Philippa's value review."""
    call = replace(action("Meet Dave Brightwell before the renewal on 30 Apr 2027", 10, "high"), kind="renewal",
                   contact="Dave Brightwell", renewal_step="call")
    meet = replace(action("Meet Philippa Rowe (budget holder) before the renewal on 30 Apr 2027", 2), kind="renewal",
                   contact="Philippa Rowe", renewal_step="coverage")
    assert len(merge_similar([call, meet])) == 2


def test_an_anniversary_that_waits_on_what_we_owe_does_not_join_the_renewal_conversation() -> None:
    """Thanks for the years together is no line in the renewal email while we are late on what we
    owe them (Calder's 3rd anniversary joined the email to Eleanor, with its schedule 258 days
    late, once the email stood as its own action)."""
    call = replace(action("Email Eleanor before the renewal on 1 Jun 2027", 1, "high"), kind="renewal",
                   contact="Eleanor", renewal_step="call")
    waits = replace(action("Mark the 3rd anniversary of working with Calder & Wren LLP (Thu 3 Jun)", 3, "low"),
                    kind="personal")
    assert with_renewal([call, waits]) == [call, waits]
    (one,) = with_renewal([call, replace(waits, priority="medium")])
    assert [x.text for x in one.also] == [waits.title]


def test_whom_the_renewal_conversation_asks_to_join_is_asked_in_their_own_conversation() -> None:
    """St Aldhelm's (a seventeenth blind read): "Visit Helen Marsh… ask Anjali to join (Anjali:
    prefers email)" beside "Email Anjali Desai (budget holder) before the renewal", two asks of
    her that did not know of each other."""
    from playbook.engine.merge import invited_in_their_own
    visit = replace(action("Visit Helen (decision maker) before the renewal on 31 Mar 2027", 0, "high"), kind="renewal",
                    contact="Helen", renewal_step="coverage", asked_to_join=("Anjali Desai",))
    email = replace(action("Email Anjali Desai (budget holder) before the renewal on 31 Mar 2027", 5), kind="renewal",
                    contact="Anjali Desai", renewal_step="coverage", why="Coverage before the renewal.")
    other = replace(action("Answer Anjali Desai: budget figures", 3), kind="answer", contact="Anjali Desai")
    one, two, three = invited_in_their_own([visit, email, other])
    assert (one, three) == (visit, other)
    assert two.why == ("Coverage before the renewal. In it, ask Anjali to join the visit with Helen too (\u201cVisit "
                       "Helen (decision maker) before the renewal on 31 Mar 2027\u201d).")
    # Nothing to join in an email, nor without a conversation of theirs.
    assert invited_in_their_own([replace(visit, title="Email Helen before the renewal"), email])[1] == email
    assert invited_in_their_own([visit, other]) == [visit, other]


def test_one_reply_to_a_person_is_led_by_the_ask_whose_answer_helps_whenever_it_comes() -> None:
    """Northgate (a seventeenth blind read): the service credit, one of Simon's conditions, sat in
    the "Also covers" of his engineer "through peak… after that, answering it no longer helps",
    as if it too stopped mattering after peak."""
    from playbook.engine.merge import same_asker
    peak = replace(action("Answer Simon: an engineer through peak", 0, "high"), kind="answer", contact="Simon",
                   why="Asked 6 Nov. Its day, peak's end, is in 29 days: after that, answering it no longer helps.",
                   helps_until=AS_OF + timedelta(days=29))
    credit = replace(peak, title="Answer Simon: service credit", why="Asked 6 Nov.", helps_until=None)
    (one,) = same_asker([peak, credit])
    assert one.title == credit.title
    assert one.why == (f"Asked 6 Nov. (Also covers \u201c{peak.title}\u201d: {peak.why})")


def test_a_play_with_them_is_a_conversation_of_their_own_for_whom_the_renewal_asks_to_join() -> None:
    """St Aldhelm's on 10 Dec (a check of a seventeenth blind read's fixes): "Visit Helen Marsh
    with Anjali Desai before the renewal" beside the budget-round check-in with Anjali, which
    had taken in her email before the renewal and never asked her to the visit."""
    from playbook.engine.merge import invited_in_their_own, named_joiners
    visit = replace(action("Visit Helen before the renewal on 31 Mar 2027", 0, "high"), kind="renewal",
                    contact="Helen", renewal_step="coverage", asked_to_join=("Anjali Desai",))
    check_in = replace(action("Check in before their budget-setting round", 5), kind="play", contact="Anjali Desai",
                       why="Play.")
    chore = replace(check_in, title="Review the account at stand-up", internal=True)
    one, two = invited_in_their_own(named_joiners([visit, check_in]))
    assert one.title == visit.title
    assert two.why == f"Play. In it, ask Anjali to join the visit with Helen too (\u201c{visit.title}\u201d)."
    # A team's chore is no conversation of theirs.
    assert named_joiners([visit, chore])[0].title == "Visit Helen with Anjali Desai before the renewal on 31 Mar 2027"


def test_what_an_action_covers_by_title_is_said_in_one_bracket() -> None:
    """St Aldhelm's read "(Also covers “Check in…”.) (Also covers “Schedule a value review…”.)"."""
    lead = replace(action("Email Anjali before the renewal", 0, "high"), why="Coverage.")
    one = combine([lead, action("Check in before the budget round", 1), action("Schedule a value review", 2)], lead)
    assert one.why == "Coverage. (Also covers \u201cCheck in before the budget round\u201d and \u201cSchedule a value " \
                      "review\u201d.)"


def test_a_part_merged_on_the_renewal_eve_is_not_named_by_its_today_title():
    """Brightwell on 29 Apr (a twenty-seventh read): "“Call Philippa Rowe (budget holder) today:
    where the renewal of 30 Apr 2027 stands” has been due since 13 Nov 2026"."""
    from playbook.engine.merge import _part_title
    eve = replace(action("Call Philippa Rowe (budget holder) today: where the renewal of 30 Apr 2027 stands"),
                  kind="renewal", contact="Philippa Rowe")
    assert _part_title(eve) == "A conversation with Philippa Rowe before the renewal"
    before = replace(eve, title="Meet Philippa Rowe (budget holder) before the renewal on 30 Apr 2027")
    assert _part_title(before) == before.title


def test_an_ask_of_ours_back_from_parking_joins_the_renewal_conversation_which_leads() -> None:
    """Lantern (a check of a twenty-eighth blind read's fix): Camille's Copilot price, ours to
    answer once back from parking and ranked above the meeting before the renewal, took that
    meeting into its own "Also covers"."""
    meet = replace(action("Meet Camille Roux before the renewal on 6 Apr 2027", 1, "high"), kind="renewal",
                   contact="Camille Roux", renewal_step="call", score=80)
    back = replace(action("Answer Camille Roux: What Copilot would cost", 3, "high"), kind="answer",
                   contact="Camille Roux", unparked=True, score=99, why="Parked until 11 Jan 2027.")
    (one,) = with_renewal([back, meet], as_of=meet.due)
    assert one.title == meet.title and [r.text for r in one.also] == [back.title]
    # With its own reason: how long it has been back with us (it read as a title only).
    assert one.why.endswith(f"(Also covers \u201c{back.title}\u201d: {back.why})")
