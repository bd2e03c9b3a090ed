"""People (issue 13, item 8): how each likes to be reached shapes the action, the deciders'
silence before a renewal is a coverage warning, and the people we keep in touch with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, Birthday, config, contact, customer, d, pause, promise, touch
from playbook.config import Config
from playbook.engine import analyse, team_actions
from playbook.engine.words import fmt_date
from playbook.load import parse_customer
from playbook.model import TeamMember

LONG_AGO = d(800)


def person(name, role=None, primary=False, **kw):
    return replace(contact(name, role, primary=primary), **kw)


def regular(*names):
    names = names or ("Ann Lee", "Bo Chan")
    return [touch(n, 1, with_=(names[k % len(names)],)) for k, n in enumerate(range(300, 0, -20))]


# -- the way they like to be reached ----------------------------------------------------

@pytest.mark.parametrize("prefers, title", [
    (None, "Call Ann Lee before the renewal"), ("email", "Email Ann Lee before the renewal"),
    ("visit", "Visit Ann Lee before the renewal"), ("message", "Message Ann Lee before the renewal"),
])
def test_the_renewal_verb_follows_their_preference(prefers, title):
    people = (person("Ann Lee", "CEO", primary=True, prefers=prefers), person("Bo Chan", "CFO"))
    c = customer(*regular(), since=LONG_AGO, contacts=people, renewal=AS_OF + timedelta(days=40))
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert a.title.startswith(title)


def test_a_check_in_says_how_and_what_to_avoid():
    people = (person("Ann Lee", "CEO", primary=True, prefers="email", avoid="mornings before 10"),
              person("Bo Chan", "CFO"))
    c = customer(touch(400, 1), touch(45, 1, with_=("Ann Lee", "Bo Chan")), since=LONG_AGO, contacts=people)
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "reach-out"]
    assert a.title == "Check in with Ann Lee by email"
    assert a.why.endswith(" Ann: prefers email; avoid mornings before 10.")


def test_a_promise_says_how_to_get_back_to_them_and_a_chase_how_to_ask_them():
    """Rosalind's (blind reads): "Find out from the oven supplier what the sensor kit needs",
    promised to her, said "Rosalind: … avoid calls before 10am" as if for the call to the
    supplier. How she likes to be reached is for getting back to her."""
    people = (person("Ann Lee", "CEO", primary=True, prefers="visit", avoid="calls before 10am"),
              person("Bo Chan", "CFO"))
    told = touch(20, 1, commitments=(promise("Find out from the supplier what the kit needs", d(5)),
                                      promise("Chase Ann for the floor plan", d(5))))
    c = customer(*regular(), told, since=LONG_AGO, contacts=people)
    found = {a.title: a.why for a in analyse(c, config(), AS_OF).actions if a.kind == "follow-up"}
    assert found["Find out from the supplier what the kit needs"].endswith(
        " When you get back to Ann: prefers a visit; avoid calls before 10am.")
    assert found["Chase Ann for the floor plan"].endswith(" Ann: prefers a visit; avoid calls before 10am.")
    assert "get back to" not in found["Chase Ann for the floor plan"]
    # Nor a promise that names them: the work is with them ("Book an exec call between Maya and
    # Simon" read "When you get back to Simon": a check of a fifteenth blind read).
    call = touch(20, 1, commitments=(promise("Book a call between Maya and Ann", d(5)),))
    (a,) = [a for a in analyse(customer(*regular(), call, since=LONG_AGO, contacts=people), config(), AS_OF).actions
            if a.kind == "follow-up"]
    assert a.why.endswith(" Ann: prefers a visit; avoid calls before 10am.") and "get back to" not in a.why


def test_whoever_the_renewal_call_asks_to_join_says_how_to_find_them_a_time():
    """Westmarch (blind reads): the renewal asked Hannah, "avoid anything after 9:30", to join the
    call with Tom, and said nothing of her hours."""
    people = (person("Ann Lee", "CEO", primary=True, decision=("decision maker",)),
              person("Bo Chan", "CFO", avoid="anything after 9:30"))
    talk = replace(touch(360, 1, type="meeting", summary="Renewal agreed"), with_=("Ann Lee", "Bo Chan"))
    c = customer(talk, *regular("Ann Lee"), since=LONG_AGO, contacts=people, renewal=AS_OF + timedelta(days=40))
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert a.asked_to_join == ("Bo Chan",)
    assert a.why.endswith("Bo Chan was in it too: ask Bo to join (Bo: avoid anything after 9:30).")
    # With Bo alone, not "in it too": the call is with Ann, who was not (Westmarch's call to Tom
    # read "Hannah Boateng was in it too" of a call with Hannah alone).
    alone = replace(talk, with_=("Bo Chan",))
    c = customer(alone, *regular("Ann Lee"), since=LONG_AGO, contacts=people, renewal=AS_OF + timedelta(days=40))
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert " Bo Chan was in it: ask Bo to join (Bo: avoid anything after 9:30)." in a.why


@pytest.mark.parametrize("avoid, kept", [
    ("anything but the outages until they are fixed", ("the outages", "until they are fixed")),
    ("Anything except the migration.", ("the migration", None)),
    ("everything other than the pilot, while it runs", ("the pilot", "while it runs")),
    ("before 10", None), ("slide decks", None), ("Six Nations Saturdays", None),
    ("talking about anything", None),
])
def test_an_avoid_that_keeps_to_one_subject(avoid, kept):
    from playbook.engine.people import keeps_to
    assert keeps_to(person("Ann Lee", avoid=avoid)) == kept


def _deciders(avoid, cfo=True):
    ceo = person("Ann Lee", "CEO", decision=("decision maker",), avoid=avoid)
    people = (ceo, person("Bo Chan", "CFO", decision=("budget holder",) if cfo else ()),
              person("Cy Dee", "Ops", primary=True))
    return customer(*regular("Ann Lee", "Bo Chan", "Cy Dee"), since=LONG_AGO, contacts=people,
                    renewal=AS_OF + timedelta(days=40))


def test_the_renewal_is_not_raised_with_a_decider_who_asked_us_to_keep_to_one_thing():
    """Northgate's renewal call went to Simon Hurst, whose profile said "avoid: anything but the
    outages until they are fixed", in the middle of them (an account manager's objection): it
    is prepared with the next who decides, and the main contact, and taken to him after."""
    (a,) = [a for a in analyse(_deciders("anything but the outages until they are fixed"), config(), AS_OF).actions
            if a.kind == "renewal"]
    assert a.title.startswith("Call Bo Chan before the renewal") and a.contact == "Bo Chan"
    assert ("Ann Lee decides it (decision maker), but their profile says to avoid anything but the outages until they are "
            "fixed: prepare the renewal with Bo Chan (budget holder) and Cy Dee, the main contact; take it to Ann "
            "once they are fixed.") in a.why
    # Without another who decides: the main contact.
    (a,) = [a for a in analyse(_deciders("anything but the outages", cfo=False), config(), AS_OF).actions
            if a.kind == "renewal"]
    assert a.contact == "Cy Dee" and "prepare the renewal with Cy Dee (Ops); take it to Ann when that no longer holds." in a.why


@pytest.mark.parametrize("avoid", ["anything but the outages until they are fixed", "before 10"])
def test_the_brief_brings_up_the_renewal_with_whom_its_call_prepares_it(avoid):
    """Northgate's brief said to bring up the renewal beside "Simon Hurst: avoid anything but the
    outages until they are fixed", where its call prepares it with Fiona (a twenty-ninth blind read)."""
    from playbook.engine.brief import talking_points
    r = analyse(_deciders(avoid), config(), AS_OF)
    (point,) = [p.text for p in talking_points(r) if p.text.startswith("The renewal on")]
    said = " Prepare it with Bo Chan; take it to Ann once they are fixed."
    assert point.endswith(said) if avoid.startswith("anything") else "Prepare it with" not in point


def test_the_renewal_goes_to_a_main_contact_the_profile_does_not_list():
    """The main contact can be someone only the notes name (no one `primary`): no role, no error."""
    ann = person("Ann Lee", "CEO", decision=("decision maker",), avoid="anything but the outages")
    c = customer(*regular("Ann Lee"), touch(3, 1, with_=("Zed Roe",)), since=LONG_AGO, contacts=(ann,),
                 renewal=AS_OF + timedelta(days=40))
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert a.contact == "Zed Roe" and "prepare the renewal with Zed Roe; take it to Ann" in a.why


@pytest.mark.parametrize("avoid", ["before 10", "anything but the renewal terms", None])
def test_an_ordinary_avoid_leaves_the_renewal_with_whoever_decides(avoid):
    (a,) = [a for a in analyse(_deciders(avoid), config(), AS_OF).actions if a.kind == "renewal"]
    assert a.contact == "Ann Lee" and "decides it (decision maker); Cy Dee, the main contact" in a.why


# -- coverage: the deciders before a renewal ------------------------------------------------

@pytest.mark.parametrize("quiet, renewal_in, flagged", [
    (90, 120, False),    # heard from 90 days ago: not over stakeholder_days
    (91, 120, True),
    (91, 180, True),     # the renewal 180 days off: within the renewals strip's reach
    (91, 181, False),
])
def test_a_quiet_decision_maker_before_the_renewal(quiet, renewal_in, flagged):
    people = (person("Ann Lee", "Head of IT", primary=True, decision=("champion",)),
              person("Helen Marsh", "Director", decision=("decision maker",), prefers="visit"))
    c = customer(*regular("Ann Lee"), touch(quiet, 1, with_=("Helen Marsh",)), since=LONG_AGO, contacts=people,
                 renewal=AS_OF + timedelta(days=renewal_in))
    r = analyse(c, config(), AS_OF)
    flags = [f for f in r.flags if f.id == "coverage"]
    meets = [a for a in r.actions if a.kind == "renewal" and a.contact == "Helen Marsh"]
    assert bool(flags) is flagged and bool(meets) is flagged
    assert r.stage.id != "at-risk"   # a warning, not an alarm, this far out
    if flagged:
        assert flags[0].label == "Decision maker quiet"
        assert flags[0].reason.text.startswith(f"Helen Marsh (decision maker) last heard from {d(quiet).day} ")
        assert meets[0].title.startswith("Visit Helen Marsh (decision maker) before the renewal on ")


@pytest.mark.parametrize("quiet, renewal_in, opened", [
    (100, 120, 9),      # quiet past stakeholder_days (90) 9 days ago: the gap opened then
    (200, 159, 21),     # quiet long before: the gap opened when the renewal came within 180 days
])
def test_the_meeting_with_a_quiet_decider_falls_due_a_fortnight_after_the_gap_opened(quiet, renewal_in, opened):
    """Not a fortnight after every build's day: that was 17 Dec on 3 Dec and 24 Dec on 10 Dec,
    and never came due (an account manager's objection)."""
    people = (person("Ann Lee", "Head of IT", primary=True), person("Helen Marsh", "Director",
                                                                   decision=("decision maker",)))
    c = customer(*regular("Ann Lee"), touch(quiet, 1, with_=("Helen Marsh",)), since=LONG_AGO, contacts=people,
                 renewal=AS_OF + timedelta(days=renewal_in))
    meets = {k: a for k in (0, 4, 9, 30) for a in analyse(c, config(), AS_OF + timedelta(days=k)).actions
             if a.kind == "renewal" and a.contact == "Helen Marsh"}
    assert {a.due for a in meets.values()} == {d(opened) + timedelta(days=14)}
    # Once late, it says since when and why: St Aldhelm's "Visit Helen Marsh… 59 days overdue"
    # stood under a run-up said to begin on 5 Dec (a thirty-first blind read).
    since = "Helen had gone 90 days unheard (stakeholder_days)" if quiet < 180 else \
        "the renewal came within 180 days"
    said = f"; the gap opened on {fmt_date(d(opened))}, when {since}, and the meeting was due a fortnight later."
    assert [said in meets[k].why for k in sorted(meets)] == [(d(opened) + timedelta(days=14)) < AS_OF + timedelta(days=k)
                                                          for k in sorted(meets)]
    assert said in meets[30].why


def test_a_quiet_budget_holder_within_renewal_days_is_at_risk():
    people = (person("Ann Lee", "Head of IT", primary=True), person("Bo Chan", "CFO", decision=("budget holder",)))
    c = customer(*regular("Ann Lee"), touch(120, 1, with_=("Bo Chan",)), since=LONG_AGO, contacts=people,
                 renewal=AS_OF + timedelta(days=45))
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    assert r.stage.reasons[0].text.startswith("Bo Chan (budget holder) has not been heard from since")


@pytest.mark.parametrize("lead, renewal_in, clause", [
    # Its first day named: "begins 116 days before it", on that very day, read as if it began in
    # 116 days (a fourteenth blind read).
    (56, 116, f"; its run-up began on {fmt_date(AS_OF)}: 60 days, plus the 8 weeks their side needs to renew"),
    (56, 100, f"; its run-up began on {fmt_date(d(16))}: 60 days, plus the 8 weeks their side needs to renew"),
    (56, 45, ""),                                                    # within renewal_days: plain
    (None, 45, ""),
])
def test_quiet_key_people_before_a_renewal_are_one_reason_that_says_why_now(lead, renewal_in, clause):
    """St Aldhelm's read "at risk" 116 days before its renewal in two reasons, each saying the
    renewal's day, and neither why 116 days is the run-up (its 8 weeks of paperwork: a ninth
    blind read)."""
    people = (person("Ann Lee", "Head of IT", primary=True),
              person("Helen Marsh", "Director", decision=("decision maker",)),
              person("Bo Chan", "CFO", decision=("budget holder",)))
    c = customer(*regular("Ann Lee"), touch(270, 1, with_=("Helen Marsh",)), touch(100, 1, with_=("Bo Chan",)),
                 since=LONG_AGO, contacts=people, renewal=AS_OF + timedelta(days=renewal_in), renewal_lead=lead)
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "at-risk"
    assert [x.text for x in r.stage.reasons if x.cause == "renewal"] == [
        f"Helen Marsh (decision maker) has not been heard from since {fmt_date(d(270))}, nor Bo Chan (budget "
        f"holder) since {fmt_date(d(100))}, and the renewal is on {fmt_date(AS_OF + timedelta(days=renewal_in))} "
        f"(in {renewal_in} days{clause})."]


def test_no_coverage_chase_while_paused():
    people = (person("Ann Lee", primary=True), person("Bo Chan", "CFO", decision=("decision maker",)))
    c = customer(touch(200, 1, with_=("Bo Chan",)), since=LONG_AGO, contacts=people,
                 renewal=AS_OF + timedelta(days=100), pause=pause(AS_OF + timedelta(days=130)))
    r = analyse(c, config(), AS_OF)
    assert [f.id for f in r.flags] == ["paused"]


# -- people who left, and those we keep in touch with ----------------------------------------

def test_someone_who_left_is_not_the_main_contact_and_gets_no_birthday():
    people = (person("Ann Lee", "CEO", primary=True, left=d(30), birthday=Birthday(*((AS_OF + timedelta(3)).timetuple()[1:3]))),
              person("Bo Chan", "CFO"))
    c = customer(touch(400, 1), touch(60, 1, with_=("Bo Chan",)), since=LONG_AGO, contacts=people,
                 renewal=AS_OF + timedelta(days=40))
    r = analyse(c, config(), AS_OF)
    assert {a.contact for a in r.actions} == {"Bo Chan"}
    assert not [k for k in r.key_dates if k.kind == "birthday"]


@pytest.mark.parametrize("keep, last_ago, due, since", [
    (90, 75, None, None), (90, 76, d(-14), None),
    # Gone by: held at today, overdue since its own day (it read "today" on every build, then
    # "146 days overdue", a count that grew as no check-in's past its cadence did: a check read).
    (90, 150, AS_OF, d(60)),
    (90, 152, AS_OF, d(60)),  # due on a Saturday: since the Monday after (it stayed on a weekend day)
])
def test_keep_in_touch_after_the_account_ends(keep, last_ago, due, since):
    people = (person("Bill Marlow", "MD", primary=True, left=d(140), now="retired", keep_in_touch=keep),
              person("Sandra Kerr", "Office Manager"))
    c = customer(touch(400, 1, with_=("Sandra Kerr",)), touch(last_ago, 1, with_=("Bill Marlow",)),
                 since=LONG_AGO, contacts=people, status="ended")
    r = analyse(c, config(), AS_OF)
    assert r.stage.id == "ended"
    keeps = [a for a in r.actions if a.title == "Keep in touch with Bill Marlow"]
    assert [(a.due, a.due_since) for a in keeps] == ([(due, since)] if due else [])
    assert all(a.kind == "personal" and a.contact == "Bill Marlow" for a in r.actions)
    if keeps:
        assert "left Example Ltd on" in keeps[0].why and "(now: retired)" in keeps[0].why


@pytest.mark.parametrize("bill, sandra, said", [
    ("bill@marlowprint.example.com", "sandra@marlowprint.example.com", True),
    ("Bill@MarlowPrint.example.com", "sandra@marlowprint.example.com", True),
    ("bill.walks@example.org", "sandra@marlowprint.example.com", False),   # his own address
    ("bill@marlowprint.example.com", None, False),                        # nothing says whose domain it is
    ("bill.marlow@gmail.com", "sandra.kerr@gmail.com", False),           # two people at a public mail service
])
def test_keeping_in_touch_at_the_address_of_the_firm_they_left_says_find_another(bill, sandra, said):
    """Marlow's Lewis and Bill, gone since June, were to be kept in touch with at their
    @marlowprint addresses (an eleventh blind read)."""
    people = (person("Bill Marlow", "MD", primary=True, left=d(140), keep_in_touch=90, email=bill),
              person("Sandra Kerr", "Office Manager", email=sandra))
    c = customer(touch(400, 1, with_=("Sandra Kerr",)), touch(150, 1, with_=("Bill Marlow",)),
                 since=LONG_AGO, contacts=people, status="ended")
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.title == "Keep in touch with Bill Marlow"]
    # Whoever is still there may have it: Sandra stayed on under Fairline (a twelfth blind read).
    assert a.why.endswith(" Their email on file is at Example Ltd, which they have left: find one that reaches "
                          "them now (Sandra Kerr, still there, may have it), and put it in customer.yaml.") is said
    # With a phone on file, that is the way to ask (Marlow's said to find Bill an address, his
    # mobile on the same profile: a nineteenth blind read).
    phoned = replace(c, contacts=(replace(c.contacts[0], phone="+44 7700 900152"), c.contacts[1]))
    (a,) = [a for a in analyse(phoned, config(), AS_OF).actions if a.title == "Keep in touch with Bill Marlow"]
    assert a.why.endswith(" Their email on file is at Example Ltd, which they have left: call the phone on file "
                          "(+44 7700 900152) and ask them for an email that reaches them now (or ask Sandra Kerr, "
                          "still there), and put it in customer.yaml.") is said


def test_a_birthday_of_someone_we_keep_in_touch_with():
    soon = AS_OF + timedelta(days=5)
    people = (person("Bill Marlow", "MD", primary=True, keep_in_touch=180, birthday=Birthday(soon.month, soon.day)),)
    c = customer(touch(30, 1, with_=("Bill Marlow",)), since=LONG_AGO, contacts=people, status="ended")
    (a,) = analyse(c, config(), AS_OF).actions
    assert a.title.startswith("Wish Bill Marlow a happy birthday") and "no longer a customer" in a.why


# -- as check reads them ------------------------------------------------------------------------

@pytest.mark.parametrize("field, expected, problem", [
    ("prefers: email", ("prefers", "email"), None),
    ("prefers: phone", ("prefers", "call"), None),
    ("prefers: pigeon", ("prefers", None), "unknown channel 'pigeon'; use one of 'email', 'call', 'visit', 'message'"),
    ("decision: signs off", ("decision", ("decision maker",)), None),
    ("decision: [budget holder, champion]", ("decision", ("budget holder", "champion")), None),
    ("decision: boss", ("decision", ()),
     "unknown decision role 'boss'; use one of 'champion', 'decision maker', 'budget holder', 'user', "
     "'gatekeeper'"),
    ("left: 2026-06-30", ("left", d(143)), None),
    ("keep_in_touch: true", ("keep_in_touch", 90), None),
    ("keep_in_touch: 6m", ("keep_in_touch", 180), None),
    ("keep_in_touch: no", ("keep_in_touch", None), None),
    ("keep_in_touch: maybe", ("keep_in_touch", None),
     "'keep_in_touch' should be true, false or a cadence like 3m, not 'maybe'"),
    ("avoid: Six Nations Saturdays", ("avoid", "Six Nations Saturdays"), None),
    ("prefer: email", ("prefers", None), "unknown field 'prefer' in a contact (did you mean 'prefers'?)"),
])
def test_contact_fields_as_check_reads_them(field, expected, problem):
    problems: list = []
    c = parse_customer(f"name: Acme\ncontacts:\n  - name: Ann Lee\n    {field}\n", "acme",
                       "content/customers/acme/customer.yaml", Config(), problems)
    (ann,) = c.contacts
    key, value = expected
    assert getattr(ann, key) == value
    messages = [p.message for p in problems]
    assert (any(m.startswith(problem) for m in messages) if problem else messages == []), messages
    assert all(p.line == 4 for p in problems)


# -- someone of the team a promise names ------------------------------------------------

TEAM = (TeamMember("maya", "Maya Okafor"), TeamMember("tomas", "Tomás Reilly"), TeamMember("will", "Will Jones"),
        TeamMember("lena", "Lena Hartmann"))


@pytest.mark.parametrize("text, named", [
    ("Book an exec call between Maya and Simon", ("maya",)),  # Northgate's, written by Tomás
    ("Send the deck with Maya Okafor's figures", ("maya",)),
    ("@lena to send the revised quote", ("lena",)),
    ("Ask @Lena for the quote", ("lena",)),
    ("Email the quote (cc maya@example.com)", ()),  # an address is no mention
    ("Book Maya and Lena in for the visit", ("maya", "lena")),
    ("Tomás to send the plan", ()),  # who wrote it: it is theirs already
    ("Will send the revised quote", ()),  # the start of a sentence: a word, not Will
    ("Quote sent. Will chase on Monday", ()),
    ("Get the figures from Will", ("will",)),
    ("Ask Ann for the PO", ()),  # a contact of theirs, not ours
    ("Introduce Ann Lee to Lena", ("lena",)),
    ("Ask Tomas to sign the SOW", ("tomas",)),  # typed without the accent
])
def test_a_promise_names_the_team_members_it_is_also_for(text, named):
    from playbook.engine.actions import team_named
    assert team_named(text, TEAM, ("Ann Lee", "Bo Chan"), "tomas" if "Tomas" not in text else "maya") == named


def test_a_first_name_a_contact_shares_is_the_contact_s():
    from playbook.engine.actions import team_named
    contacts = ("Maya Patel", "Bo Chan")
    assert team_named("Send Maya the price list", TEAM, contacts, "tomas") == ()
    assert team_named("Send Maya the price list with Maya Okafor", TEAM, contacts, "tomas") == ("maya",)


def test_a_promise_naming_a_colleague_is_on_their_list_too_but_not_an_owner_s_twice():
    meeting = touch(14, -1, with_=("Ann Lee",), by="tomas", commitments=(
        promise("Book an exec call between Maya and Ann", AS_OF + timedelta(days=7)),
        promise("Ask Lena to check the contract", AS_OF + timedelta(days=7), line=8)))
    cfg = Config(team=TEAM)
    c = customer(*regular(), meeting, since=LONG_AGO, owners=("tomas", "lena"))
    acts = {a.title: a for a in analyse(c, cfg, AS_OF).actions if a.kind == "follow-up"}
    call = acts["Book an exec call between Maya and Ann"]
    assert (call.owner, call.also_for, call.assignees) == ("tomas", ("maya",), ("tomas", "maya"))
    # Lena owns the customer: every action of it is on her list without being "for" her too.
    assert acts["Ask Lena to check the contract"].also_for == ()
    assert analyse(c, Config(), AS_OF).actions and all(not a.also_for for a in analyse(c, Config(), AS_OF).actions)
    assert [a.title for a in team_actions([analyse(c, cfg, AS_OF)], owner="maya")] == [call.title]
    assert team_actions([analyse(c, cfg, AS_OF)], owner="will") == []


def test_the_renewal_goes_to_the_owner_who_holds_that_relationship():
    """Brightwell's meeting with Dave, the decision maker, went to Jonas, the first owner, where
    every one of Dave's meetings was Tomás's (an account manager's objection)."""
    dave = replace(contact("Ann Lee", "MD", primary=True), decision=("decision maker",))
    met = [replace(touch(n, 1), by="tomas") for n in (300, 200, 100)] + [replace(touch(20, 1, with_=("Bo Chan",)), by="jonas")]
    c = customer(*met, since=d(700), owners=("jonas", "tomas"), contacts=(dave, contact("Bo Chan", "CFO")),
                 renewal=AS_OF + timedelta(days=20))
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert call.contact == "Ann Lee" and call.owner == "tomas"
    # A touch by someone who owns no part of the account does not take it over.
    other = replace(c, interactions=(*c.interactions, replace(touch(10, 1), by="priya")))
    (call,) = [a for a in analyse(other, config(), AS_OF).actions if a.kind == "renewal"]
    assert call.owner == "tomas"
    assert [a.owner for a in analyse(replace(c, owners=("jonas",)), config(), AS_OF).actions
            if a.kind == "renewal"] == ["jonas"]
    # One later email of Jonas's does not make the relationship his (Ashby's Mark, met by Tomás
    # at every turn, went to Lena for her one email).
    emailed = replace(c, interactions=(*c.interactions, replace(touch(5, 1, type="email"), by="jonas")))
    (call,) = [a for a in analyse(emailed, config(), AS_OF).actions if a.kind == "renewal"]
    assert call.owner == "tomas"


@pytest.mark.parametrize("notes, bill_left, asked", [
    ("Bill's son. Thinking about a sign-making business.", False,
     "ask Bill Marlow: the notes say \u201cBill's son\u201d"),
    ("Bill\u2019s nephew.", False, "ask Bill Marlow: the notes say \u201cBill\u2019s nephew\u201d"),
    # Bill left too, his email with the firm: his phone is the way to ask him (Lewis's line read
    # "ask Bill Marlow" above Bill's own "call the phone on file").
    ("Bill's son.", True, "call Bill Marlow on +44 7700 900152 and ask: the notes say \u201cBill's son\u201d"),
    ("Worth keeping in touch.", True, "Sandra Kerr, still there, may have it"),
    ("Ann's son.", True, "Sandra Kerr, still there, may have it"),               # nobody of that name here
])
def test_family_in_the_notes_is_who_may_know_how_to_reach_someone_who_left(notes, bill_left, asked):
    """Marlow's Lewis, "Bill's son", was to be found through Sandra, the office manager now
    under the buyer, while we were to call Bill, his father, anyway (a twenty-eighth blind read)."""
    people = (person("Bill Marlow", "MD", left=d(140) if bill_left else None, keep_in_touch=180, phone="+44 7700 900152",
                     email="bill@marlowprint.example.com"),
              person("Lewis Marlow", "Production Manager", left=d(140), keep_in_touch=90, notes=notes,
                     email="lewis@marlowprint.example.com"),
              person("Sandra Kerr", "Office Manager", primary=True, email="sandra@marlowprint.example.com"))
    c = customer(touch(400, 1, with_=("Sandra Kerr",)), touch(150, 1, with_=("Lewis Marlow",)),
                 since=LONG_AGO, contacts=people, status="ended")
    (a,) = [a for a in analyse(c, config(), AS_OF).actions if a.title == "Keep in touch with Lewis Marlow"]
    assert a.why.endswith(f"find one that reaches them now ({asked}), and put it in customer.yaml."), a.why


def test_a_note_with_nobody_in_with_names_people_by_a_first_name_they_alone_have():
    """Pemberton's "Alan says they'll call us in the new year…" (no `with`) names Alan: People
    said only "Last spoke 27 Aug" beside the stage's "since the note of 30 Sep"."""
    from playbook.engine.people import named_without_with

    def note(days_ago, text, with_=()):
        return replace(touch(days_ago, None, with_=with_, type="note"), summary=None, body=text, text=text)
    people = (person("Alan Pemberton", "Owner", primary=True), person("Mandy Pemberton", "Café"),
              person("Sam Ode", "IT"), person("Sam Roe", "Finance"), person("Mark Ellery", "Head of IT"))
    c = customer(touch(100, 1, with_=("Alan Pemberton",)),
                 note(60, "Alan says they'll call us in the new year."),
                 note(50, "Mark the anniversary. Sam wants the report."),         # a word; Sam who?
                 note(40, "Spoke to Mandy's husband.", with_=("Mandy Pemberton",)),  # `with` says who
                 note(30, "Sam Roe asked for the quote."),
                 note(25, "Mandy\u2019s back from holiday."),
                 note(-5, "Alan again."),                                          # after as_of
                 since=LONG_AGO, contacts=people)
    assert named_without_with(c, AS_OF) == {"Alan Pemberton": d(60), "Sam Roe": d(30), "Mandy Pemberton": d(25)}
    said = replace(c, interactions=(*c.interactions, note(20, "Met Mark Ellery at the expo.")))
    assert named_without_with(said, AS_OF)["Mark Ellery"] == d(20)


def test_a_call_to_ask_kin_for_an_email_is_their_keep_in_touch_too():
    """Marlow's on 5 May 2027 (a check read): "Keep in touch with Lewis Marlow… call Bill Marlow
    on +44 7700 900152 and ask" and "Keep in touch with Bill Marlow… call the phone on file"
    stood as two overdue rows for one phone call."""
    people = (person("Bill Marlow", "MD", left=d(140), keep_in_touch=180, phone="+44 7700 900152",
                     email="bill@marlowprint.example.com"),
              person("Lewis Marlow", "Production Manager", left=d(140), keep_in_touch=90, notes="Bill's son.",
                     email="lewis@marlowprint.example.com"),
              person("Sandra Kerr", "Office Manager", primary=True, email="sandra@marlowprint.example.com"))
    c = customer(touch(400, 1, with_=("Sandra Kerr",)), touch(300, 1, with_=("Lewis Marlow", "Bill Marlow")),
                 since=LONG_AGO, contacts=people, status="ended")
    keeps = [a for a in analyse(c, config(), AS_OF).actions if a.title.startswith("Keep in touch")]
    assert [a.title for a in keeps] == ["Keep in touch with Lewis Marlow"]
    (a,) = keeps
    assert "call Bill Marlow on +44 7700 900152 and ask" in a.why
    assert a.why.endswith(" The same call is Bill Marlow's own keep-in-touch too.")
    assert [r.text for r in a.also] == ["Keep in touch with Bill Marlow"]
    # Overdue since the earlier of the two days, held at today (`Action.due_since`).
    assert (a.due, a.due_since) == (AS_OF, d(300) + timedelta(days=90))
