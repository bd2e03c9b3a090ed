"""What was said at the last renewal, and who was in it, comes with the call before the next
one: remember the thing they asked about (Kestrel's CFO wanted per-seat pricing)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from msgspec.structs import replace

from engine_factory import AS_OF, config, contact, customer, d, touch
from playbook.engine import analyse
from playbook.engine.brief import talking_points
from playbook.engine.dates import last_renewal_talk, renewal_talk_text

PEOPLE = (contact("Ann Lee", "CTO", primary=True), contact("Bo Chan", "CFO"))
RENEWAL = AS_OF + timedelta(days=30)


def _kestrel(*extra, contacts=PEOPLE):
    signed = touch(335, 1, with_=("Ann Lee", "Bo Chan"), type="meeting",
                   summary="Year-one renewal signed; Bo wants per-seat pricing")
    return customer(touch(400, 1), signed, touch(60, 1, summary="Quarterly check-in"), touch(10, 1), *extra, since=d(700),
                    contacts=contacts, renewal=RENEWAL)


def test_the_call_before_the_renewal_says_what_was_said_last_time_and_who_else_was_there():
    r = analyse(_kestrel(), config(), AS_OF)
    (call,) = [a for a in r.actions if a.kind == "renewal"]
    assert call.contact == "Ann Lee"
    assert call.why == (f"Renewal in 30 days. At the last renewal, the meeting of {d(335).day} Dec 2025 with Ann Lee and Bo Chan: "
                             "Year-one renewal signed; Bo wants per-seat pricing. Bo Chan was in it too: ask Bo "
                             "to join.")
    (point,) = [p for p in talking_points(r) if p.text.startswith("The renewal on")]
    assert "At the last renewal, the meeting of" in point.text and "Bo wants per-seat pricing." in point.text


def test_someone_who_has_left_is_not_asked_to_join():
    r = analyse(_kestrel(contacts=PEOPLE[:1]), config(), AS_OF)
    (call,) = [a for a in r.actions if a.kind == "renewal"]
    assert "Bo wants per-seat pricing." in call.why and "in it too" not in call.why


@pytest.mark.parametrize("summary, found", [
    ("Year-one renewal signed", "renewal"),
    ("Renewed for another year, no changes", "renewal"),
    ("Annual review: happy, costs flat", "annual review"),
    ("Contract review went well", "contract review"),
    ("They asked for Cyber Essentials ahead of the PI insurance renewal", None),   # theirs, not ours
    ("Plotter lease renewal: went for the smaller model", None),
    ("Licence renewal for the GIS seats", None),
    ("Quarterly check-in", None),
])
def test_which_touches_are_about_a_renewal_of_ours(summary, found):
    c = customer(touch(300, 1, summary=summary), since=d(700), renewal=RENEWAL)
    last = last_renewal_talk(c, RENEWAL, AS_OF)
    assert (last[1] if last else None) == found


def test_a_renewal_agreed_comes_before_a_later_review_that_agreed_none():
    """St Aldhelm's: the 2025 review agreed the renewal to March 2027; the 2026 one was a first
    sight of the new wing's plans, and read as "the last renewal"."""
    agreed = touch(620, 1, type="meeting", summary="Year-two contract review: renewal agreed, satellite cover asked")
    review = touch(255, 1, type="meeting", summary="Annual review: first sight of the outpatient wing plans")
    c = customer(agreed, review, since=d(900), renewal=RENEWAL)
    assert last_renewal_talk(c, RENEWAL, AS_OF) == (agreed, "renewal", None)
    # A later review whose notes say the renewal went through is the last renewal (Brightwell's
    # 2026 review: "Fixed-fee project bucket renewed", where 2025's read "Philippa pushed hard").
    renewed = replace(review, body="- Fixed-fee project bucket renewed; Philippa happy\n- New hall in summer\n")
    found = last_renewal_talk(customer(agreed, renewed, since=d(900), renewal=RENEWAL), RENEWAL, AS_OF)
    assert found == (renewed, "renewal", "Fixed-fee project bucket renewed; Philippa happy")
    assert renewal_talk_text(found).endswith(": Annual review: first sight of the outpatient wing plans (\u201cFixed-fee "
                                             "project bucket renewed; Philippa happy\u201d).")
    only = customer(review, since=d(900), renewal=RENEWAL)
    (call,) = [a for a in analyse(only, config(), AS_OF).actions if a.kind == "renewal"]
    assert f"At the last annual review, the meeting of {d(255).day} Mar 2026 with Ann Lee: Annual review: first " \
           "sight of the outpatient wing plans." in call.why


def test_this_renewals_run_up_and_our_unanswered_outreach_are_not_the_last_renewal():
    run_up = customer(touch(300, 1, summary="Renewal agreed"), touch(100, 1, summary="Renewal in December"),
                      touch(40, None, type="email", direction="out", summary="Sent the renewal quote"),
                      since=d(700), renewal=RENEWAL)
    assert last_renewal_talk(run_up, RENEWAL, AS_OF)[0].date == d(300)
    emailed = customer(touch(300, None, type="email", direction="out", summary="Sent the renewal quote"),
                       since=d(700), renewal=RENEWAL)
    assert last_renewal_talk(emailed, RENEWAL, AS_OF) is None


def test_a_renewal_not_yet_written_by_the_day_is_not_known():
    c = customer(touch(300, 1, summary="Renewal agreed"), since=d(700), renewal=RENEWAL)
    assert last_renewal_talk(c, RENEWAL, d(301)) is None
    assert last_renewal_talk(c, RENEWAL, d(300))[0].date == d(300)


def test_the_call_keeps_its_reason_when_it_joins_the_meeting_with_a_quiet_decider():
    """St Aldhelm's call before the renewal joined the meeting with Helen, who decides it, and
    its reason went: their side's eight weeks, and what was said at the last renewal."""
    helen = replace(contact("Ann Lee", "CEO", primary=True), decision=("decision maker",))
    signed = touch(330, 1, type="meeting", summary="Renewal agreed for two years")
    c = customer(signed, touch(200, 1), touch(10, 1, with_=()), since=d(700), contacts=(helen,), renewal=RENEWAL)
    (meet,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    assert meet.renewal_step == "coverage"
    # Said as the renewal conversation itself, not as covering "Meet Ann Lee before the renewal"
    # within "Meet Ann Lee (decision maker) before the renewal" (a seventeenth blind read).
    assert "(It is the renewal conversation too: Renewal in 30 days. At the last renewal, the meeting of" in meet.why
    assert "Also covers" not in meet.why


@pytest.mark.parametrize("before, on_record", [(335, False), (514, False), (515, True), (700, True)])
def test_a_renewal_talk_from_before_the_last_renewal_is_said_to_be_the_last_on_record(before, on_record):
    """Westmarch's call of June 2025 read "At the last renewal" before one in August 2027: the
    2026 renewal went unrecorded (a check of a fifteenth blind read)."""
    talk = touch(before, 1, with_=("Ann Lee", "Bo Chan"), type="meeting", summary="Renewal signed")
    c = customer(touch(900, 1), talk, touch(60, 1, summary="Quarterly check-in"), touch(10, 1), since=d(1000),
                 contacts=PEOPLE, renewal=RENEWAL)
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    said = f"At the last renewal{' on record' if on_record else ''}, the meeting of"
    assert said in call.why
    (point,) = [p for p in talking_points(analyse(c, config(), AS_OF)) if p.text.startswith("The renewal on")]
    assert said in point.text


@pytest.mark.parametrize("term", ["{:%B %Y}", "{:%b %Y}", None])
def test_a_renewal_talk_that_named_this_renewal_s_month_was_the_last_renewal(term):
    """St Aldhelm's two-year term, "Renewal through to March 2027 agreed in principle" at the
    meeting of 5 Mar 2025, read "At the last renewal on record" before the renewal of 31 Mar 2027:
    as if one between had gone unrecorded (two twenty-eighth blind reads). Named, the month is
    this renewal's: the last renewal, with that line."""
    talk = touch(700, 1, with_=("Ann Lee", "Bo Chan"), type="meeting", summary="Contract review: renewal agreed")
    line = f"Renewal through to {term.format(RENEWAL)} agreed in principle" if term else "Renewal agreed in principle"
    c = customer(touch(900, 1), replace(talk, body=f"- {line}\n- Invoice split by site\n"), touch(60, 1), touch(10, 1),
                 since=d(1000), contacts=PEOPLE, renewal=RENEWAL)
    (call,) = [a for a in analyse(c, config(), AS_OF).actions if a.kind == "renewal"]
    said = ("At the last renewal, the meeting of" if term else "At the last renewal on record, the meeting of")
    assert said in call.why
    assert (f"Contract review: renewal agreed (\u201c{line}\u201d)." in call.why) is bool(term)


def test_whom_the_conversation_before_the_renewal_asks_to_join_is_in_its_title():
    """Westmarch (blind reads): "Meet Dr Tom Adebayo (budget holder) before the renewal" asked
    Hannah to join only inside the call it had taken in, and the brief shows titles."""
    (call,) = [a for a in analyse(_kestrel(), config(), AS_OF).actions if a.kind == "renewal"]
    assert call.title == f"Meet Ann Lee with Bo Chan before the renewal on {RENEWAL.day} Dec 2026"
    # Led by a meeting with a quiet decider, which took the call in: named there.
    tom = replace(contact("Tom Ade", "PI", primary=False), decision=("budget holder",))
    quiet = customer(touch(400, 1), touch(335, 1, with_=("Ann Lee", "Bo Chan"), type="meeting", summary="Renewal signed"),
                     touch(60, 1, summary="Quarterly check-in"), touch(10, 1), since=d(700),
                     contacts=(*PEOPLE, tom), renewal=RENEWAL)
    (meet,) = [a for a in analyse(quiet, config(), AS_OF).actions if a.kind == "renewal"]
    assert meet.renewal_step == "coverage" and meet.contact == "Tom Ade"
    assert meet.title == f"Meet Tom Ade (budget holder) with Bo Chan before the renewal on {RENEWAL.day} Dec 2026"
    assert "ask Bo to join" in meet.why


def test_whom_the_renewal_conversation_asks_to_join_is_not_in_its_title_beside_their_own_action():
    """Two meetings with one person would read as one too many: Philippa's own meeting before the
    renewal stands apart until `with_joiners` takes it in, a week before."""
    from playbook.engine.merge import named_joiners
    from playbook.engine.types import Action
    talk = Action(kind="renewal", title="Meet Dave before the renewal on 30 Apr 2027", why="Ask Philippa to join.",
                  due=AS_OF, priority="high", contact="Dave", owner=None, source=None, customer="acme",
                  renewal_step="call", asked_to_join=("Philippa",))
    hers = replace(talk, title="Meet Philippa before the renewal on 30 Apr 2027", contact="Philippa",
                   renewal_step="coverage", asked_to_join=())
    assert named_joiners([talk, hers]) == [talk, hers]
    assert named_joiners([talk])[0].title == "Meet Dave with Philippa before the renewal on 30 Apr 2027"
    today = replace(talk, title="Meet Dave today: where the renewal of 30 Apr 2027 stands")
    assert named_joiners([today])[0].title == "Meet Dave with Philippa today: where the renewal of 30 Apr 2027 stands"
    # Not twice: a title that names them already, or a conversation with them.
    assert named_joiners([replace(talk, title="Meet Dave with Philippa before the renewal")])[0].title \
        == "Meet Dave with Philippa before the renewal"
    assert named_joiners([replace(talk, contact="Philippa")])[0].title == talk.title
