"""The stage of a relationship: the first rule that holds, in a fixed order, with its reasons.

Order: ended → dormant → at-risk → establishing → growing → steady. Each rule returns the
reasons that put the relationship there (or nothing), so the page can show why.

Silence alone is not decline: after a good or neutral touch it only makes the relationship
*need a touch* (`needs_touch`, a flag beside the stage), until it breaks the account's own
rhythm (`going_cold`). At risk takes a negative signal; dormant takes a long silence. While a
pause the customer asked for is in force, silence counts for nothing.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from ..config import Thresholds
from ..limits import LATEST
from ..model import STAGE_LABELS, Ask, Customer, Event, Interaction, Opportunity, Pause
from .dates import lead_unheard, renewal_call_days, renewal_lapsed, renewal_window
from .owed import ASK_ANSWER_DAYS, ask_gone_by, is_chase, promises, waiting_since, well_late, worked_for
from .pause import outside_pause, pause_text, paused_part, quiet_since
from .people import COVERAGE_DAYS, key_people, role_text
from .types import OpenCommitment, Reason, Stage, Timeline
from .timeline import heard, timeline, upto
from .words import (
    ago, count, day_list, days, fmt_date, half_up, in_days, money, people, per, sentence, sentiment_word,
    span, theirs_wait, weeks_or_days,
)


def unrepaired_negatives(items: tuple[Interaction, ...], as_of: date, window: int) -> list[Interaction]:
    """Negative touches with nothing positive after them, each within `window` days of as_of or
    of a later one of them, worst first (lowest sentiment, then the latest): the escalation
    matters more than the grumble after it. A bad run is one: a very bad meeting stays named
    while a bad call a week later keeps the run within the window (Northgate's tender threat
    dropped out a month after the meeting, and the repair turned to the lesser call). The window
    reaches back from the last touch heard from them, not from as_of: a setback ages as the
    relationship moves on, not while it is silent (Northgate's tender threat, with nothing
    heard since, stopped counting a month on, and its repair action went with it)."""
    found = []
    answered, _ = heard(items)
    # The window reaches back from here: the last touch heard, then the earliest negative found.
    edge = min(as_of, answered[-1].date) if answered else as_of
    for i in reversed(items):
        if (i.sentiment is not None and i.sentiment > 0) or (edge - i.date).days > window:
            break
        if i.sentiment is not None and i.sentiment < 0:
            found.append(i)
            edge = i.date
    return sorted(found, key=lambda i: (i.sentiment, -i.date.toordinal(), i.source.path))


def last_unrepaired_negative(items: tuple[Interaction, ...], as_of: date, window: int) -> Interaction | None:
    """The worst unrepaired negative touch within `window` days, if any."""
    found = unrepaired_negatives(items, as_of, window)
    return found[0] if found else None


def ended(customer: Customer, tl: Timeline) -> list[Reason]:
    if customer.status != "ended":
        return []
    out = [Reason("Marked 'status: ended' in customer.yaml.", customer.at("status"))]
    if tl.last_interaction:
        out.append(Reason(f"Last touch {fmt_date(tl.last_contact)}: "
                          f"{sentence(tl.last_interaction.summary or tl.last_interaction.type)}",
                          tl.last_interaction.source))
    return out


def unanswered_text(tl: Timeline) -> str:
    """'No reply to our last 3 touches (22 Oct, 4 Nov and 12 Nov 2026).'"""
    n = len(tl.unanswered)
    what = "our last touch" if n == 1 else f"our last {n} touches"
    return f"No reply to {what} ({day_list([i.date for i in tl.unanswered])})."


def _last_heard(tl: Timeline, items: tuple[Interaction, ...]) -> Interaction | None:
    """The last touch we heard from them on: the silence is measured from it."""
    return next((i for i in reversed(items) if i.date == tl.last_heard and i not in tl.unanswered), None)


def _heard_source(tl: Timeline, items: tuple[Interaction, ...]):
    """The source of `_last_heard`."""
    last = _last_heard(tl, items)
    return last.source if last else None


def dormant(tl: Timeline, items: tuple[Interaction, ...], cadence: int, t: Thresholds,
            paused: Pause | None = None, instead: str | None = None) -> list[Reason]:
    """A long silence: at least `dormant_days`, and at least `dormant_cadence_multiple`× the cadence.
    `instead`: why such a silence is at risk, not dormant (`renewal_asleep`), said in place of
    the rule: an at-risk page said "…makes a relationship dormant"."""
    n = tl.quiet_days
    if n is None or paused is not None:
        return []
    by_cadence = math.ceil(t.dormant_cadence_multiple * cadence)
    if n < t.dormant_days or n < by_cadence:
        return []
    # The touch they were last heard in, by its kind: "the last touch (1 Oct)" read false beside
    # "No reply to our last 3 touches (… 12 Nov)" (an account manager's objection).
    last = _last_heard(tl, items)
    what = f"the {last.type} of {fmt_date(last.date)}" if last else \
        f"they were last heard from ({fmt_date(tl.last_heard)})" if tl.last_heard else "the start of the relationship"
    rule = (f"{t.dormant_days} days of silence makes a relationship dormant" if by_cadence <= t.dormant_days
            else f"for a {per(cadence)} cadence, {days(by_cadence)} ({t.dormant_cadence_multiple:g}× the cadence) "
                 "of silence makes it dormant")
    said = f": long enough to be dormant, {instead}" if instead else f"; {rule}"
    out = [Reason(f"Nothing heard for {days(n)} since {quiet_since(tl, what)}{said}.", _heard_source(tl, items))]
    if tl.unanswered:
        out.append(Reason(unanswered_text(tl), tl.unanswered[-1].source))
    return out


def last_rated(items: tuple[Interaction, ...]) -> Interaction | None:
    """The latest touch with a sentiment, if any."""
    return next((i for i in reversed(items) if i.sentiment is not None), None)


def stakeholders_quiet(customer: Customer, tl: Timeline, as_of: date, t: Thresholds) -> list[Reason]:
    """Before a renewal within `renewal_days` (longer by a `renewal_lead`: `renewal_window`), a
    key person not heard from for `stakeholder_days`."""
    r = customer.renewal
    if r is None or not (as_of <= r and (r - as_of).days <= renewal_window(customer, t.renewal_days)):
        return []
    last = {e.name: e.last_touch for e in tl.contacts}
    # Why now, when the renewal is further off than `renewal_days`: St Aldhelm's read "at risk"
    # with its renewal 116 days off, and nothing on the page said its 8 weeks of paperwork made
    # that the run-up (a ninth blind read).
    window = renewal_window(customer, t.renewal_days)
    # Its first day, named: "its run-up begins 116 days before it", 116 days before it, read as
    # if it began in 116 days (a fourteenth blind read).
    # "Its run-up, 60 days and their 8 weeks of lead time, began on…" was hard to read (a
    # thirty-first blind read).
    lead = (f"; its run-up began on {fmt_date(r - timedelta(days=window))}: {t.renewal_days} days, plus the "
            f"{weeks_or_days(customer.renewal_lead)} their side needs to renew" if customer.renewal_lead
            and (r - as_of).days > t.renewal_days else "")
    quiet = []
    for c in key_people(customer, as_of):
        seen = last.get(c.name)
        if seen is None or (as_of - seen).days > t.stakeholder_days:
            who = f"{c.name} ({role_text(c)})" if c.decision else c.name
            quiet.append((who, seen))
    if not quiet:
        return []
    # One reason for all of them: the renewal's day, said once.
    (who, seen), rest = quiet[0], quiet[1:]
    said = f"{who} has not been heard from since {fmt_date(seen)}" if seen else f"{who} is in no logged touch"
    said += "".join(f", nor {w} since {fmt_date(x)}" if x else f", nor is {w} in any logged touch" for w, x in rest)
    return [Reason(f"{said}, and the renewal is on {fmt_date(r)} ({in_days((r - as_of).days)}{lead}).",
                   customer.at("renewal"), "renewal")]


#: Days after which our outreach with no reply, close to a renewal, is a reply missing.
REPLY_LATE_DAYS = 14


def renewal_unanswered(customer: Customer, tl: Timeline, as_of: date,
                       commitments: tuple[OpenCommitment, ...] = ()) -> list[Reason]:
    """The renewal is as close as the call before it (`renewal_call_days`) and what we sent since
    we last heard from them has had no reply for `REPLY_LATE_DAYS`: nobody knows whether they
    will renew. Saltmarsh, ten days before its renewal, with the quote sent a month before
    unanswered and nothing heard for 65 days, read Steady (an account manager's objection).
    Health weighs the silence already (recency): the stage charges nothing more for it."""
    r = customer.renewal
    if r is None or not tl.unanswered or as_of > r or (r - as_of).days > renewal_call_days(customer):
        return []
    # Only what went to those the renewal rests on: an email to the taproom manager about a
    # firmware window, after Jo said she would sign, is no doubt about it; nor is one to the
    # office manager about renewing an SSL certificate.
    key = {c.name for c in key_people(customer, as_of)}
    sent = [i for i in tl.unanswered if key & set(i.with_)]
    if not sent:
        return []
    first = sent[0]
    waited = (as_of - first.date).days
    if waited < REPLY_LATE_DAYS:
        return []
    what = f"{first.type} of {fmt_date(first.date)}"
    if first.summary:
        what += f" ({first.summary.rstrip('.')})"
    more = len(sent) - 1
    then = "" if not more else ", nor the touch since" if more == 1 else f", nor the {more} touches since"
    when = in_days(max(0, (r - as_of).days))
    # Our own chase of it, written in that note and late, is said too: Saltmarsh read at risk
    # for Jo's silence while "Follow up with Jo on the renewal quote" was ours, 11 days late (a
    # tenth blind read).
    ours = max((oc for oc in commitments if oc.commitment.source.path == first.source.path and oc.overdue_days > 0
                and is_chase(oc.commitment.text)), key=lambda oc: oc.overdue_days, default=None)
    chase = (f"; our own \u201c{ours.commitment.text}\u201d is {days(ours.overdue_days)} overdue"
             if ours is not None else "")
    return [Reason(f"The renewal is on {fmt_date(r)} ({when}), and our {what} has had no reply in "
                   f"{days(waited)}{then}{chase}.", first.source, "renewal")]


def reply_tip(customer: Customer, tl: Timeline, as_of: date) -> tuple[date, Interaction] | None:
    """The day our outreach still unanswered will put the account at risk before its renewal
    (`renewal_unanswered`), if no reply comes first, with the first touch that waits for one.
    Saltmarsh, its renewal quote unanswered, read "at risk if still quiet on 30 Dec 2026", a
    fortnight after its renewal of 14 Dec, and turned at risk on 23 Nov (an account manager's
    objection)."""
    r = customer.renewal
    if r is None or not tl.unanswered or as_of >= r or customer.status == "ended":
        return None
    key = {c.name for c in key_people(customer, as_of)}
    sent = [i for i in tl.unanswered if key & set(i.with_)]
    if not sent:
        return None
    day = max(sent[0].date + timedelta(days=REPLY_LATE_DAYS), r - timedelta(days=renewal_call_days(customer)))
    return (day, sent[0]) if as_of < day <= r else None


def renewal_lead_unheard(customer: Customer, tl: Timeline, as_of: date, cadence: int) -> list[Reason]:
    """Their side's time to renew (`renewal_lead`) has begun with nothing heard from them since
    (`dates.lead_unheard`), and the silence is past the cadence: unless their side has started,
    the renewal cannot be done by its day. St Aldhelm's stage named its quiet decision makers
    but not its 8 weeks of NHS paperwork running in silence, which its renewal call and brief
    said (an account manager's objection). A silence within the cadence is no risk yet (the
    call asks all the same). Health weighs the silence already (recency): the stage charges
    nothing more."""
    r = customer.renewal
    if r is None or as_of > r or not customer.renewal_lead or tl.quiet_days is None or tl.quiet_days <= cadence:
        return []
    begun = lead_unheard(customer, r, tl.last_heard, as_of)
    if begun is None:
        return []
    return [Reason(f"Their side needs {weeks_or_days(customer.renewal_lead)} to renew by {fmt_date(r)}: that time "
                   f"began on {fmt_date(begun)}, and nothing has been heard from them since.",
                   customer.at("renewal_lead"), "renewal")]


def renewal_passed(customer: Customer, as_of: date) -> list[Reason]:
    """The renewal date in customer.yaml has gone by and nobody has recorded how it went: the
    account may have lapsed. Saltmarsh's renewal passed with our quote unanswered, and the
    stage's reasons spoke only of a late follow-up (an account manager's objection)."""
    if not renewal_lapsed(customer, as_of):
        return []
    r = customer.renewal
    return [Reason(f"The renewal date, {fmt_date(r)}, passed {days((as_of - r).days)} ago and nothing records how it "
                   "went: customer.yaml still gives it.", customer.at("renewal"), "renewal")]


def asleep_and_owed(customer: Customer, tl: Timeline, items: tuple[Interaction, ...],
                    commitments: tuple[OpenCommitment, ...], cadence: int, as_of: date, t: Thresholds,
                    paused: Pause | None = None) -> list[Reason]:
    """`renewal_asleep`, and with it what we owe them and the key people gone quiet: Calder's
    stage, at risk for its renewal gone quiet, stopped naming the retention schedule 177 days
    late that had led every earlier reading, and health's stage line cited a quiet decision
    maker the reasons did not show (an account manager's objection)."""
    found = renewal_asleep(customer, tl, items, cadence, as_of, t, paused)
    if not found:
        return found
    # (Not the silence again: Saltmarsh's read "Nothing heard for 192 days" twice.) The worst bad
    # touch not set right stays named: Northgate's escalation, its tender threat, left the reasons
    # once its renewal lapsed into silence, while health still charged it (a check of a
    # seventeenth blind read's fixes).
    # Key people gone quiet, when longer than the account: Oakmere's read "nobody there has been
    # heard from since 17 Nov 2026" and "Freya Lindqvist (gatekeeper) has not been heard from since
    # 17 Nov 2026", one silence said twice (a twenty-seventh read).
    last = {e.name: e.last_touch for e in tl.contacts}
    longer = tl.last_heard is None or any(last.get(c.name) is None or last[c.name] < tl.last_heard
                                          for c in key_people(customer, as_of))
    return [*found, *setbacks(items, as_of, t, 1), *broken_promises(commitments, as_of, t),
            *(stakeholders_quiet(customer, tl, as_of, t) if paused is None and longer else [])]


def renewal_asleep(customer: Customer, tl: Timeline, items: tuple[Interaction, ...], cadence: int, as_of: date,
                   t: Thresholds, paused: Pause | None = None) -> list[Reason]:
    """A silence long enough to be dormant, over a renewal gone by unrecorded or with one to come
    within COVERAGE_DAYS: at risk, not dormant. A customer under contract gone quiet is one to
    keep, not to win back, and "dormant" took it out of the year's value at risk (by June the
    frozen example read £31,000 at risk against £648,300 in April, and Fernhill, mid-onboarding
    with its renewal 107 days off, got a "win-back note": account managers' objections)."""
    if paused is not None or customer.status == "ended" or not dormant(tl, items, cadence, t, paused):
        return []
    if renewal_lapsed(customer, as_of):
        return [*renewal_passed(customer, as_of),
                *dormant(tl, items, cadence, t, paused, "but at risk while nobody knows whether they renewed")]
    r = customer.renewal
    if r is None or not 0 <= (r - as_of).days <= COVERAGE_DAYS:
        return []
    heard = f"since {fmt_date(tl.last_heard)}" if tl.last_heard else "at all"
    return [Reason(f"The renewal is on {fmt_date(r)} ({in_days((r - as_of).days)}), and nobody there has been heard "
                   f"from {heard}: a customer under contract, gone quiet.", customer.at("renewal"), "renewal"),
            *dormant(tl, items, cadence, t, paused, "but at risk with a renewal to come")]


def setbacks(items: tuple[Interaction, ...], as_of: date, t: Thresholds, most: int = 3) -> list[Reason]:
    """The bad touches not set right (`unrepaired_negatives`), worst first, at most `most`."""
    out = []
    for neg in unrepaired_negatives(items, as_of, t.negative_window_days)[:most]:
        who = f" with {', '.join(neg.with_)}" if neg.with_ else ""
        when = ago(as_of, neg.date).replace(f" ({fmt_date(neg.date)})", "")
        out.append(Reason(f"{sentiment_word(neg.sentiment).capitalize()} {neg.type}{who} on {fmt_date(neg.date)}"
                          f" ({when}): {sentence(neg.summary or 'no summary')} Nothing positive since.", neg.source,
                          "setback"))
    return out


def at_risk(items: tuple[Interaction, ...], tl: Timeline, commitments: tuple[OpenCommitment, ...],
            cadence: int, as_of: date, t: Thresholds, customer: Customer | None = None,
            paused: Pause | None = None) -> list[Reason]:
    """Negative signals only: a bad touch left unrepaired, a promise well overdue, silence after a
    bad touch or with our outreach unanswered, a silence that breaks the account's rhythm
    (`going_cold`), a key person quiet before the renewal, our outreach unanswered as the renewal
    comes (`renewal_unanswered`), their time to renew begun in silence (`renewal_lead_unheard`),
    a renewal gone by unrecorded. Each
    names its kind (`Reason.cause`), for the plays that hold for some kinds only."""
    out: list[Reason] = renewal_passed(customer, as_of) if customer is not None else []
    negatives = setbacks(items, as_of, t)
    out += negatives
    broken = broken_promises(commitments, as_of, t)
    out += broken
    n = tl.quiet_days
    silent = paused is None and n is not None and n > t.silence_cadence_multiple * cadence
    over = f"over {t.silence_cadence_multiple:g}× the {per(cadence)} cadence"
    bad = last_rated([i for i in items if i not in tl.unanswered])
    if silent and bad is not None and bad.sentiment < 0 and not negatives:
        # The bad run aged as unrated touches followed it, then they stopped too. The worst of
        # the run is named: a tender threat a week before the last bad call is what the silence
        # follows.
        run = unrepaired_negatives(items[:items.index(bad) + 1], bad.date, t.negative_window_days)
        worst = run[0] if run else bad
        last = _last_heard(tl, items) or bad
        out.append(Reason(f"Nothing heard for {days(n)} since "
                          f"{quiet_since(tl, f'the {last.type} of {fmt_date(last.date)}')}, {over}; "
                          f"nothing positive since the {sentiment_word(worst.sentiment)} {worst.type} of "
                          f"{fmt_date(worst.date)} ({(worst.summary or 'no summary').rstrip('.')}).", worst.source,
                          "setback"))  # the silence follows the setback: what a play for setbacks is for
    if tl.one_sided and (silent or out):
        text = unanswered_text(tl)
        out.append(Reason(f"{text[:-1]}; nothing heard for {days(n)}{outside_pause(tl)}, "
                          f"{over}." if silent and n is not None
                          else text, tl.unanswered[-1].source, "silence"))
    elif not (silent and bad is not None and bad.sentiment < 0) and going_cold(tl, cadence, t, paused):
        out.append(owed_silence(cold_reason(tl, items, cadence), commitments, as_of, t))
    if customer is not None and paused is None:
        out += stakeholders_quiet(customer, tl, as_of, t)
        out += renewal_unanswered(customer, tl, as_of, commitments)
        out += renewal_lead_unheard(customer, tl, as_of, cadence)
    if broken and len(out) == len(broken) and not let_down(commitments, as_of, t):
        # Only our own lateness, a few weeks of it, on an account otherwise well: said by the
        # stage it is in, with the day it tips over (`late_promises_reason`). Westmarch, growing
        # with a £60,000 lab to come, read "at risk" for a training session 16 days late, and
        # "£535,000 a year at risk" on the home page counted four such accounts (a seventh
        # blind read).
        return []
    return out


def let_down(commitments: tuple[OpenCommitment, ...], as_of: date, t: Thresholds) -> bool:
    """Whether our lateness alone puts the relationship at risk: a promise more than twice
    `overdue_days` late (a month, by default), or most likely missed (`missed_by`), or two or
    more promises more than `overdue_days` late. A single one late by less is a warning: with a
    silence or a setback beside it, it is one of their reasons (`at_risk`)."""
    late = well_late(commitments, as_of, t.overdue_days)
    return len(late) >= 2 or any(oc.overdue_days > 2 * t.overdue_days or oc.missed_by(as_of, t.overdue_days) is not None
                                 for oc in late)


def let_down_on(late: list[OpenCommitment], t: Thresholds) -> date | None:
    """The day the late promises `late` (counted, most overdue first) would put the relationship at
    risk if still open (`let_down`): the first one's more than twice `overdue_days` late, the
    second one's more than `overdue_days` late, or the day after the day one is for, when it
    will be more than `overdue_days` late by then (most likely missed), whichever comes first."""
    dues = sorted(oc.due for oc in late if oc.due is not None)
    found = [dues[0] + timedelta(days=2 * t.overdue_days + 1)] if dues else []
    if len(dues) >= 2:
        found.append(dues[1] + timedelta(days=t.overdue_days + 1))
    found += [oc.occasion.day + timedelta(days=1) for oc in late if oc.occasion is not None and oc.due is not None
              and (oc.occasion.day - oc.due).days > t.overdue_days]
    return min(found, default=None)


def broken_promises(commitments: tuple[OpenCommitment, ...], as_of: date, t: Thresholds) -> list[Reason]:
    """Each promise more than `overdue_days` late, as a reason for at risk (alone, only once it is
    a let-down: `let_down`). One in doubt (its ask marked done, its day gone by before it was
    late) is said, not a risk (late_promises_reason)."""
    out = []
    for oc in well_late(commitments, as_of, t.overdue_days):
        # Well late when its day came: most likely missed, as its action says (Lantern's read
        # "if it was done, tick it" here and "most likely missed" there: a fourth blind read).
        lag = oc.missed_by(as_of, t.overdue_days)
        gone = f"; it was for {oc.gone_by(as_of).text}, which has gone by, and it was {days(lag)} late by " \
               "then: most likely missed" if lag is not None else ""
        out.append(Reason(f"Promise \u201c{oc.commitment.text}\u201d was due {fmt_date(oc.due)}, "
                          f"{days(oc.overdue_days)} overdue{gone}.", oc.commitment.source, "late-promise"))
    return out


def owed_silence(cold: Reason, commitments: tuple[OpenCommitment, ...], as_of: date, t: Thresholds) -> Reason:
    """A silence while a promise of ours is late: they may be waiting on us, and delivering is
    what breaks it, so it counts as a late promise (an executive sponsor call for Brightwell's
    quiet, with its cutover plan weeks late, would have embarrassed the team). Not one in doubt
    (`OpenCommitment.in_doubt`): Kestrel's laptops, "not counted as a risk" on 15 Dec, were the
    risk again on 1 Feb; nor one whose day has gone by, which nobody waits on any more:
    Lantern's "pre-Christmas Wi-Fi health check" was still owed in April (account managers'
    objections)."""
    owed = [oc for oc in late_promises(commitments)
            if not oc.in_doubt(as_of, t.overdue_days) and oc.gone_by(as_of) is None]
    if not owed:
        return cold
    first = owed[0]
    return Reason(f"{cold.text[:-1]}, while we owe them \u201c{first.commitment.text}\u201d, "
                  f"{days(first.overdue_days)} late.", cold.source, "late-promise")


def cold_after(tl: Timeline, cadence: int, t: Thresholds) -> int | None:
    """Days of silence after which the account's rhythm has broken: over `cold_usual_multiple`
    times its usual gap between touches (`Timeline.usual_gap`, so the day a steady stage names
    stays put while the silence lasts), and over `cold_cadence_multiple` cadences. None
    without a rhythm to break (fewer than two touches in the year before the silence)."""
    if tl.usual_gap is None:
        return None
    return math.floor(max(t.cold_cadence_multiple * cadence, t.cold_usual_multiple * tl.usual_gap))


def going_cold(tl: Timeline, cadence: int, t: Thresholds, paused: Pause | None = None) -> bool:
    """A silence that breaks the account's own rhythm, after however good a last touch: the
    "shrinking pattern" that is a negative signal, not quiet past the cadence, which only needs
    a touch. A fortnightly account not heard from for ten weeks, usually in touch every five,
    read as "steady" to an account manager, who called it at risk; one that has always talked
    every six weeks does not tip over each time it does so again."""
    n = tl.quiet_days
    after = cold_after(tl, cadence, t)
    return paused is None and n is not None and after is not None and n > after


def quiet_until(tl: Timeline, items: tuple[Interaction, ...], cadence: int, t: Thresholds,
                renewal: date | None = None, window: int = 0) -> tuple[str, date] | None:
    """The stage the silence since `last_heard` leads to first, and its first day: at risk when
    it follows a bad touch or our unanswered outreach (`at_risk`), or goes cold (`going_cold`);
    else dormant (`dormant`), or at risk if the `renewal` has gone by unrecorded by then, or
    is within `window` days of it (`renewal_asleep`). None past the last date a playbook may
    hold (thresholds set to centuries)."""
    assert tl.quiet_from is not None
    asleep = max(t.dormant_days, math.ceil(t.dormant_cadence_multiple * cadence))
    bad = last_rated([i for i in items if i not in tl.unanswered])
    risky = [math.floor(t.silence_cadence_multiple * cadence) + 1] \
        if tl.one_sided or (bad is not None and bad.sentiment < 0) else []
    after = cold_after(tl, cadence, t)
    risky += [after + 1] if after is not None else []
    stage_id, n = ("at-risk", min(risky)) if risky and min(risky) < asleep else ("dormant", asleep)
    if n > (LATEST - tl.quiet_from).days:
        return None
    day = tl.quiet_from + timedelta(days=n)
    near = renewal is not None and (renewal < day or (renewal - day).days <= window)
    return ("at-risk" if stage_id == "dormant" and near else stage_id), day


def over_year(tl: Timeline, until: date, year: str = "", as_of: date | None = None) -> str:
    """The span a usual gap was taken over, up to `until` (the last touch heard from them): a
    year, or, for a relationship begun within it, since its first touch. Loomwork's "every 12
    days over the last year", three months in, and Fernhill's "the usual 8 days … in the year
    before it", its onboarding weeks, read as a year's habit; "since it began on 15 Sep" beside
    "Customer since 6 Oct" read as a contradiction (a seventeenth blind read and its check).
    `year`: how that year is called; by default "over the last year", or "in the year to 1 Oct
    2026" when `until` is over a month before `as_of` (Calder's "every 107 days over the last
    year" in July stood beside a chart of that year). Without `as_of`, `until` is taken as long
    past (a silence is being weighed)."""
    stale = as_of is None or (as_of - until).days > 31
    if tl.start is None or tl.first_contact is None or tl.start <= until - timedelta(days=365):
        return year or (f"in the year to {fmt_date(until)}" if stale else "over the last year")
    # A young account's span ends too, at `until`: Fernhill's "every 8 days since the first touch,
    # on 22 Sep 2026" stood, in July, beside 253 days of silence (a check of that fix).
    return f"from {fmt_date(tl.first_contact)} to {fmt_date(until)}" if stale else \
        f"since the first touch, on {fmt_date(tl.first_contact)}"


def cold_reason(tl: Timeline, items: tuple[Interaction, ...], cadence: int) -> Reason:
    """'Nothing heard for 72 days since the visit of 9 Oct 2026: 1.9× the usual 37 days between
    touches in the year before it, and 5.1× the 14-day cadence; the relationship is going cold.'"""
    n = tl.quiet_days or 0
    gap = tl.usual_gap or 1
    last = _last_heard(tl, items)
    what = f"the {last.type} of {fmt_date(last.date)}" if last else "the start of the relationship"
    year = over_year(tl, tl.last_heard, "in the year before it") if tl.last_heard else "in the year before it"
    return Reason(f"Nothing heard for {days(n)} since {quiet_since(tl, what)}: {n / gap:.1f}× the usual "
                  f"{days(half_up(gap))} between touches {year}, and {n / cadence:.1f}× the "
                  f"{per(cadence)} cadence; the relationship is going cold.", last.source if last else None, "silence")


def needs_touch(tl: Timeline, items: tuple[Interaction, ...], cadence: int, paused: Pause | None = None) -> Reason | None:
    """Quiet past the cadence: time for a touch, and nothing more (unless a rule above says so)."""
    n = tl.quiet_days
    if paused is not None or n is None or (n <= cadence and not tl.paused_days):
        return None
    last = _last_heard(tl, items)
    src = last.source if last else None
    what = (f"the {last.type} of {fmt_date(last.date)}" + (f" ({sentiment_word(last.sentiment)})"
                                                           if last.sentiment is not None else "")
            if last else "the start of the relationship")
    more = f" {unanswered_text(tl)}" if tl.unanswered else ""
    if n <= cadence:  # their pause is over: the touch it put off is due, however short the count
        return Reason(f"Nothing heard since {quiet_since(tl, what)}: time to get back in touch.{more}", src)
    wait = theirs_since(tl, items)
    if wait is not None:
        if tl.last_heard + timedelta(days=n) < wait[1]:
            return None
        gone = (tl.last_heard + timedelta(days=n) - wait[0]).days
        return Reason(f"Quiet for {days(n)} since {what}, {gone} of them since {fmt_date(wait[0])}, the time they "
                      f"gave: time for a touch.{more}", src)
    return Reason(f"Quiet for {days(n)} since {quiet_since(tl, what)}, against a {per(cadence)} cadence: "
                  f"time for a touch.{more}", src)


def theirs_since(tl: Timeline, items: tuple[Interaction, ...]) -> tuple[date, date] | None:
    """`words.theirs_wait` of the last word heard: when it left the next move to them at a time
    still to come then, that time's first day and the day a touch falls due without it ("Alan
    says they'll call us in the new year", 30 Sep 2025: 1 Jan and 1 Feb 2026). None otherwise,
    and past a pause they asked for (its end is where the count starts). The silence itself
    still counts from the touch: the stage, health and "Quiet for" say how long it has been."""
    if tl.paused_days or tl.last_heard is None:
        return None
    last = _last_heard(tl, items)
    return theirs_wait(last.summary or "", last.date) if last is not None else None


#: Work from the first `establishing_days` still open and late keeps a relationship
#: establishing for at most this many times as long: past that, it is whatever else it is.
ESTABLISHING_MAX_MULTIPLE = 2


def unfinished_start(commitments: tuple[OpenCommitment, ...], began: date, as_of: date,
                     t: Thresholds) -> OpenCommitment | None:
    """The most overdue promise or to-do made in the first `establishing_days` from `began`,
    still open and late (not in doubt: `OpenCommitment.in_doubt`): the start not yet done.
    Fernhill, its staff list for accounts 48 days late and nothing heard for 81, read "Steady"
    at three and a half months (an account manager's objection)."""
    end = began + timedelta(days=t.establishing_days)
    late = [oc for oc in commitments if began <= oc.commitment.made_on < end and oc.overdue_days > 0
            and not oc.in_doubt(as_of, t.overdue_days)]
    return max(late, key=lambda oc: (oc.overdue_days, oc.commitment.source.path, oc.commitment.source.line),
               default=None)


def establishing(tl: Timeline, customer: Customer, as_of: date, t: Thresholds,
                 items: tuple[Interaction, ...] = (), commitments: tuple[OpenCommitment, ...] = ()) -> list[Reason]:
    if tl.start is None:
        return [Reason("No interactions logged yet.", customer.source)]
    # A customer since the contract (`since`): the intro and the pitch before it are no part of
    # the onboarding. Loomwork, signed on 6 Oct after an intro on 15 Sep, read "growing" with an
    # expansion play on 15 Dec, its 30/60/90 plan still running (an account manager's objection).
    # Before the contract (`since` still to come), the intro is the start.
    signed = customer.since if customer.since is not None and customer.since <= as_of else None
    began = signed or tl.start
    age = (as_of - began).days
    if age >= ESTABLISHING_MAX_MULTIPLE * t.establishing_days:
        return []
    if age >= t.establishing_days:
        open_ = unfinished_start(commitments, began, as_of, t)
        if open_ is None:
            return []
        c, i = open_.commitment, open_.interaction
        since = f"A customer since {fmt_date(signed)}" if signed is not None else \
            f"The relationship began {fmt_date(tl.start)}"
        # A late promise has a reason of its own after this one (`classify`), with its lateness.
        what = (f"our to-do \u201c{c.text}\u201d from the {i.type} of {fmt_date(i.date)}, "
                f"{days(open_.overdue_days)} overdue" if is_chase(c.text)
                else f"the promise \u201c{c.text}\u201d from the {i.type} of {fmt_date(i.date)}")
        last = began + timedelta(days=ESTABLISHING_MAX_MULTIPLE * t.establishing_days - 1)
        return [Reason(f"{since}, {days(age)} ago: past its first {t.establishing_days} days, but work from its "
                       f"start is still open: {what}. Establishing until it is done, at most until "
                       f"{fmt_date(last)}.", c.source)]
    young = f"{days(age)} ago (under {t.establishing_days} days)"
    if signed is not None:
        before = ""
        if tl.start < signed:
            first = next((i for i in items if i.date == tl.start), None)
            before = f"; the relationship began {'with the ' + first.type + ' of ' if first else ''}{fmt_date(tl.start)}"
        return [Reason(f"A customer since {fmt_date(signed)}, {young}{before}.", customer.at("since"))]
    # Without `since`, the first note says when, so the reason names it.
    first = next((i for i in items if i.date == tl.start), None)
    when = f"with the {first.type} of {fmt_date(tl.start)}" if first else fmt_date(tl.start)
    return [Reason(f"The relationship began {when}, {young}.", first.source if first else None)]


def new_business(customer: Customer | None, as_of: date, window: int) -> list[Opportunity]:
    """Opportunities that came up, or were won, in the last `window` days."""
    if customer is None:
        return []
    start = as_of - timedelta(days=window)
    return [o for o in customer.opportunities if o.status != "lost"
            and any(d is not None and start < d <= as_of for d in (o.since, o.decided_on()))]


def purchases(customer: Customer | None, as_of: date, window: int) -> list[Interaction]:
    """What they bought (interactions of type `purchase`, not rated badly) in the last `window`
    days, the latest first."""
    if customer is None:
        return []
    start = as_of - timedelta(days=window)
    return sorted((i for i in customer.interactions if i.type == "purchase" and start < i.date <= as_of
                   and (i.sentiment is None or i.sentiment >= 0)), key=lambda i: i.date, reverse=True)


def _came(o: Opportunity) -> str:
    """'won 27 Oct 2026', or 'opened 19 Nov 2026' while it is open."""
    return f"won {fmt_date(o.decided_on())}" if o.status == "won" else f"opened {fmt_date(o.since)}"


def growth_held(tl: Timeline, t: Thresholds, customer: Customer, as_of: date, cadence: int) -> Reason | None:
    """New business of the last `growth_window_days` that the silence keeps from reading as
    growth (`GROWING_QUIET_CADENCES`), said: Kestrel, its £38,000 move won in October, read
    steady in January with nothing of it among the reasons (a sixteenth blind read)."""
    if tl.quiet_days is None or tl.quiet_days <= GROWING_QUIET_CADENCES * cadence:
        return None
    found = new_business(customer, as_of, t.growth_window_days)
    if not found:
        return None
    o = max(found, key=lambda o: o.decided_on() or o.since or as_of)
    return Reason(f"Not read as growing while this quiet: new business, \u201c{o.what}\u201d, {_came(o)}, but nothing "
                  f"heard for {days(tl.quiet_days)}, over {GROWING_QUIET_CADENCES}\u00d7 the {per(cadence)} cadence.",
                  o.source)


#: An account quiet for more than this many cadences is not called growing, whatever the
#: quarter before looked like: more touches three months ago and six weeks of silence since
#: read as a relationship cooling, not widening (an account manager's objection).
GROWING_QUIET_CADENCES = 2


#: Growth in touches is at least this many more than in the window before (and
#: `growth_touches_multiple` times as many): one touch more, as a note slides in or out of a
#: window, is a regular rhythm, not growth. Counting it so moved a fortnightly account between
#: steady and growing eleven times in four months (an account manager's objection).
GROWTH_MIN_MORE = 2
#: ...and at least this many touches in the last window: two after a quiet spell (a birthday
#: message and a check-in, "up from 0") is an account's usual rhythm coming round again.
GROWTH_MIN_TOUCHES = 3


def more_touches(recent: int, earlier: int, t: Thresholds) -> bool:
    """Whether `recent` touches are clearly more than `earlier`: 4 against 2, not 6 against 5
    nor 2 against 0."""
    return (recent >= GROWTH_MIN_TOUCHES and recent >= earlier + GROWTH_MIN_MORE
            and recent >= t.growth_touches_multiple * earlier)


#: Growth shown only by counts (touches, people) must have shown a week before too: two
#: windows of a few touches each tip one way and back as single notes slide across their
#: edges (Lantern House read growing for three days). New business counts from its day.
GROWTH_HELD_DAYS = 7


def wider(tl: Timeline) -> bool:
    """More people engaged than in the window before, two at least and someone among them for
    the first time: not the same people's touches falling on either side of the windows' edge,
    nor one person heard from again after a quiet spell."""
    return tl.people_recent > tl.people_earlier and tl.people_recent >= 2 and bool(tl.people_new)


def mood_recent(tl: Timeline, as_of: date, window: int) -> bool:
    """Whether the last rated touch is inside the window. The steady stage then states the
    mood as health does (`Timeline.mood`), so a page never gives two averages for one mood."""
    return tl.mood_to is not None and (as_of - tl.mood_to).days < window


def mood_text(tl: Timeline) -> str:
    """'+0.5, the average of 3 rated touches in the three months to 20 Oct 2026'."""
    if tl.mood_to is None or tl.mood is None:
        return "none rated"
    if tl.mood_count == 1:
        return (f"{tl.mood:+.1f}, from the touch of {fmt_date(tl.mood_to)}, the only one rated in the "
                f"{span(tl.window)} to it")
    return (f"{tl.mood:+.1f}, the average of {tl.mood_count} rated touches in the {span(tl.window)} to "
            f"{fmt_date(tl.mood_to)}")


def growing(tl: Timeline, t: Thresholds, customer: Customer | None = None, as_of: date | None = None,
            cadence: int | None = None, currency: str | None = None) -> list[Reason]:
    if cadence is not None and tl.quiet_days is not None and tl.quiet_days > GROWING_QUIET_CADENCES * cadence:
        return []
    touches = more_touches(tl.touches_recent, tl.touches_earlier, t)
    more_people = wider(tl)
    # Growth is read over the last `w` days, its warmth too (not health's mood, which reaches
    # back from the last rated touch and would count touches from before the growth).
    positive = tl.sentiment_recent is not None and tl.sentiment_recent > 0
    w = t.growth_window_days
    found = new_business(customer, as_of, w) if as_of is not None else []
    # What they bought, logged as a purchase, is said among the reasons: Westmarch read growing
    # for a Geochemistry quote not yet sent, and not for its cluster order of 29 Oct (a
    # fifteenth blind read). Not growth on its own: an account that buys every month is steady.
    bought = purchases(customer, as_of, w) if as_of is not None else []
    if not (touches or more_people or found) or not positive:
        return []
    if not found and customer is not None and as_of is not None:
        was = timeline(customer, as_of - timedelta(days=GROWTH_HELD_DAYS), t)
        if not (more_touches(was.touches_recent, was.touches_earlier, t) or wider(was)):
            return []

    def opened(o: Opportunity) -> Reason:
        worth = f", worth {money(o.value, currency)}" if o.value else ""  # as the page's figures read
        return Reason(f"New business: {sentence(o.what)[:-1]}{worth}, {_came(o)}.", o.source)
    # Won first, then bought, then only opened.
    out = ([opened(o) for o in found if o.status == "won"]
           + [Reason(f"Bought ({fmt_date(i.date)}): {sentence(i.summary or i.type)}", i.source) for i in bought]
           + [opened(o) for o in found if o.status != "won"])
    if touches:
        # (The window named as health names it: "in the last three months" beside "in the last 90
        # days" on one page read as two windows.)
        out.append(Reason(f"{count(tl.touches_recent, 'touch', 'touches')} in the last {span(w)}, up from "
                          f"{tl.touches_earlier} in the {span(w)} before."))
    if more_people:
        out.append(Reason(f"{count(tl.people_recent, 'person', 'people')} engaged in the last {span(w)}, "
                          f"up from {tl.people_earlier}; {people(tl.people_new)} for the first time."))
    # Said as health says its mood (`mood_text`), window and count: Westmarch's page read "average
    # +0.8" here and "+1.0, the average of 6 rated touches in the three months to 19 Nov" in its
    # health, two figures for one mood with nothing to tell why (a twentieth blind read).
    # From the window's first day: "in the last three months", then "in the three months to today
    # (24 Sep to 19 Nov 2026)", beside health's "in the three months to 19 Nov 2026" read as one
    # window with two counts (checks of that fix).
    # Positive as health has it too, said as health says it: one figure on the page (two windows,
    # two counts, read as a contradiction however named: a twenty-sixth blind read).
    rated = tl.rated_recent
    since = f"since {fmt_date(as_of - timedelta(days=w - 1))}" if as_of is not None else f"in the last {span(w)}"
    out.append(Reason(f"Sentiment is positive: {mood_text(tl)}." if tl.mood is not None and tl.mood > 0 else
                      f"Sentiment is positive: +{tl.sentiment_recent:.1f}, from the one rated touch {since} "
                      f"({fmt_date(rated[0])})." if len(rated) == 1 else
                      f"Sentiment is positive: the {len(rated)} rated touches {since} average "
                      f"{tl.sentiment_recent:+.1f}."))
    return out


def key_person_tip(customer: Customer, tl: Timeline, as_of: date, t: Thresholds) -> tuple[date, str] | None:
    """The day a key person's silence will put the account at risk before its renewal
    (`stakeholders_quiet`), if no one hears from them first: the renewal comes within its
    window, or they pass `stakeholder_days` quiet inside it, whichever is later. St Aldhelm's
    read "at risk if still quiet on 9 Dec", and turned at risk on 5 Dec for Helen Marsh, unheard
    since March (an account manager's objection)."""
    found = key_people_tip(customer, tl, as_of, t)
    return (found[0], people(found[1], 4)) if found is not None else None


def key_people_days(customer: Customer, tl: Timeline, as_of: date, t: Thresholds) -> list[tuple[date, str]]:
    """Each key person's day (`key_person_tip`), up to the renewal, come or to come: deciders
    first. None once the renewal has gone by (an empty list)."""
    r = customer.renewal
    if r is None or customer.status == "ended" or r < as_of:
        return []
    opens = r - timedelta(days=renewal_window(customer, t.renewal_days))
    last = {e.name: e.last_touch for e in tl.contacts}
    found: list[tuple[date, str]] = []
    for c in key_people(customer, as_of):   # deciders first: a tie names them in that order
        seen = last.get(c.name)
        day = max(opens, seen + timedelta(days=t.stakeholder_days + 1)) if seen else opens
        if day <= r:
            found.append((day, c.name))
    return found


def key_people_tip(customer: Customer, tl: Timeline, as_of: date,
                   t: Thresholds) -> tuple[date, tuple[str, ...]] | None:
    """`key_person_tip`'s day, with the people whose silence tips it then, by name."""
    found = [(day, name) for day, name in key_people_days(customer, tl, as_of, t) if as_of < day]
    if not found:
        return None
    first = min(day for day, _ in found)
    return first, tuple(name for day, name in found if day == first)


def heard_reason(tl: Timeline, items: tuple[Interaction, ...], cadence: int, t: Thresholds,
                 paused: Pause | None = None, renewal: date | None = None, window: int = 0,
                 key_tip: tuple[date, str] | None = None,
                 reply: tuple[date, Interaction] | None = None) -> tuple[Reason, bool] | None:
    """'Last heard from them 81 days ago (21 Oct 2026), against a 30-day cadence; at risk if
    still quiet on 20 Jan 2027', and whether it warns: names such a day while quiet past the
    cadence. None when nothing was heard."""
    if tl.days_since_heard is None or tl.last_heard is None:
        return None
    # Past the cadence, the day the silence alone would tip it over (as a late promise
    # says), to at risk or, for a slow account, straight to dormant; or, sooner, the day a
    # key person's silence would before the renewal (`key_person_tip`), or our outreach
    # still unanswered (`reply_tip`).
    tips = ""
    quiet = tl.quiet_days is not None and (tl.quiet_days > cadence or tl.paused_days > 0)
    # Within the cadence the silence's day is named only when it comes before another day
    # named: Oakmere, heard from 18 days before, read "at risk from 11 May unless Freya
    # Lindqvist is heard from", while its silence alone would put it at risk on 16 Feb (an
    # account manager's objection).
    tipping = quiet_until(tl, items, cadence, t, renewal, window) \
        if paused is None and tl.quiet_from is not None and (quiet or key_tip or reply) else None
    if tipping is not None:
        tips = f"; {STAGE_LABELS[tipping[0]].lower()} if still quiet on {fmt_date(tipping[1])}"
    if key_tip is not None and paused is None and (tipping is None or key_tip[0] < tipping[1]):
        are = "are" if " and " in key_tip[1] else "is"
        tips = (f"; at risk from {fmt_date(key_tip[0])} unless {key_tip[1]} {are} heard from before then, with "
                f"the renewal on {fmt_date(renewal) if renewal else 'its day'}")
    sooner = [day for day in (tipping[1] if tipping else None, key_tip[0] if key_tip else None) if day]
    if reply is not None and paused is None and all(reply[0] < day for day in sooner):
        tips = (f"; at risk on {fmt_date(reply[0])} if our {reply[1].type} of {fmt_date(reply[1].date)} still has "
                f"no reply, with the renewal on {fmt_date(renewal) if renewal else 'its day'}")
    return (Reason(f"Last heard from them {days(tl.days_since_heard)} ago ({fmt_date(tl.last_heard)})"
                   f"{paused_part(tl) if paused is None else ''}, against a {per(cadence)} cadence{tips}.",
                   _heard_source(tl, items)), quiet and bool(tips))


def steady(tl: Timeline, items: tuple[Interaction, ...], cadence: int, t: Thresholds, as_of: date,
           commitments: tuple[OpenCommitment, ...] = (), waiting: Reason | None = None,
           heard: tuple[Reason, bool] | None = None, held: Reason | None = None) -> list[Reason]:
    """`heard`: when they were last heard from, and the day the silence tips it (`heard_reason`);
    `held`: new business the silence keeps from reading as growth (`growth_held`)."""
    out = [heard[0]] if heard is not None else []
    if held is not None:
        out.append(held)
    # The gap the stage weighs a silence by (`Timeline.usual_gap`: between touches heard from them,
    # up to the last), not one counting our own unanswered emails: Kestrel read "every 18 days"
    # while steady, then "the usual 21 days" once that silence had it going cold, and Fernhill's
    # profile gave 8 and 11 days side by side (a check of a seventeenth blind read's fixes).
    if tl.usual_gap is not None and tl.last_heard is not None:
        out.append(Reason(f"Usually in touch every {days(half_up(tl.usual_gap))} "
                          f"{over_year(tl, tl.last_heard, as_of=as_of)}."))
    late = late_promises(commitments)
    # A to-do chasing them is no promise, but "no overdue promise" beside Fernhill's "Chase Sarah
    # for the staff list", 49 days late, read as false (an account manager's objection).
    chased = max((oc for oc in commitments if is_chase(oc.commitment.text) and oc.overdue_days > 0),
                 key=lambda oc: oc.overdue_days, default=None)
    todo = (f"; our to-do \u201c{chased.commitment.text}\u201d is {days(chased.overdue_days)} overdue"
            if chased and not late else "")
    if mood_recent(tl, as_of, t.growth_window_days):
        out.append(Reason(f"Recent sentiment {mood_text(tl)}; no unrepaired bad meeting"
                          + ("." if late else f", no overdue promise{todo}.")))
    if late:
        out += late_promises_reason(late, t, as_of)
    if waiting is not None:
        out.append(waiting)
    return out or [Reason("No sign of growth or risk.")]


def unworked(asks: tuple[Ask, ...], commitments: tuple[OpenCommitment, ...], as_of: date,
             dates: tuple[Event, ...] = ()) -> tuple[Ask, ...]:
    """The asks still waiting on an answer of their own: none an open promise is the work for
    (`owed.worked_for`: Brightwell's network drops "waited 16 days for an answer" beside the
    promise to confirm the switches' lead time), nor one whose day has gone by (a check:
    `owed.ask_gone_by`)."""
    tied = worked_for(commitments)
    return tuple(a for a in asks if a.source not in tied and ask_gone_by(a, as_of, dates) is None)


def waiting_reason(asks: tuple[Ask, ...], as_of: date, answer_days: int) -> Reason | None:
    """'Gareth Pryce's question has waited 127 days for an answer (2 more are waiting too).' No
    stage rule weighs an unanswered question, but a steady stage saying "no overdue promise"
    beside one four months old read as all being well (an account manager's objection).
    `asks`: the open ones, longest waiting first (`owed.open_asks`)."""
    late = [(a, since) for a in asks if (since := waiting_since(a, as_of)) is not None
            and (as_of - since).days > answer_days]
    if not late:
        return None
    a, since = late[0]
    who = f"{a.from_}'s question" if a.from_ else "Their question"
    more = f" ({len(late) - 1} more {'is' if len(late) == 2 else 'are'} waiting too)" if len(late) > 1 else ""
    return Reason(f"{who} has waited {days((as_of - since).days)} for an answer{more}.", a.source)


def late_promises(commitments: tuple[OpenCommitment, ...]) -> list[OpenCommitment]:
    """The promises past their due date, most overdue first."""
    return sorted((oc for oc in promises(commitments) if oc.overdue_days > 0), key=lambda oc: -oc.overdue_days)


def late_promises_reason(late: list[OpenCommitment], t: Thresholds, as_of: date) -> list[Reason]:
    """'2 promises are overdue, the most “Send the plan”, by 8 days; it puts the relationship
    at risk if still open on 10 Dec 2026.' A stage short of at risk still says a promise is late: the
    page lists it as overdue, and "no overdue promise" beside that list was an account
    manager's objection; the day it tips over is what they asked for next."""
    counted = [oc for oc in late if not oc.in_doubt(as_of, t.overdue_days)]
    doubted = [oc for oc in late if oc.in_doubt(as_of, t.overdue_days)]
    out = []
    if counted:
        first = counted[0]
        # The day our lateness alone would tip it over (`let_down_on`); an overdue one has a due date.
        tip = let_down_on(counted, t)
        tips = f" if still open on {fmt_date(tip)}" if tip is not None else ""
        what = f"\u201c{first.commitment.text}\u201d"
        dues = sorted(oc.due for oc in counted if oc.due is not None)
        if len(dues) >= 2 and tip == dues[1] + timedelta(days=t.overdue_days + 1):
            # The day two of them tip it, and the day the first alone would: Westmarch read "at risk
            # if still open on 16 Dec" of its training session, the day its quote would tip it
            # with it (a seventh blind read).
            alone = dues[0] + timedelta(days=2 * t.overdue_days + 1)
            tips = (f" if {'both are' if len(counted) == 2 else 'two of them are'} still open on {fmt_date(tip)}"
                    + (f", or if {what} is still open on {fmt_date(alone)}" if alone > tip else ""))
        # Its day gone by: Kestrel's laptops "for the 1 December starters" read as if there were
        # still time on 4 Dec.
        gone = first.gone_by(as_of)
        day = first.occasion
        if len(counted) == 1 and day is not None and not gone and first.due is not None \
                and (day.day - first.due).days <= t.overdue_days:
            # Its day comes before it would tip over: after it, whether it was done is unknown
            # (`OpenCommitment.in_doubt`), so no day at risk is said that would never come.
            # On the day itself, "before then" has no time left in it (Kestrel on 1 Dec).
            out.append(Reason(f"Promise {what} is {days(first.overdue_days)} overdue, and is for {day.text}"
                              + (", today: deliver it today." if day.day == as_of else ": deliver it before then."),
                              first.commitment.source))
        else:
            out.append(Reason(f"Promise {what} was for {gone.text}, which has gone by, and is "
                              f"{days(first.overdue_days)} overdue: if it was done, tick it; if not, it puts the "
                              f"relationship at risk{tips}.", first.commitment.source) if gone and len(counted) == 1 else
                       Reason(f"Promise {what} is {days(first.overdue_days)} overdue; it puts the relationship at "
                              f"risk{tips}.", first.commitment.source) if len(counted) == 1 else
                       Reason(f"{len(counted)} promises are overdue, the most overdue {what}"
                              + (f" (it was for {gone.text}, which has gone by: if it was done, tick it)" if gone else "")
                              + f", by {days(first.overdue_days)}; it puts the relationship at risk{tips}.",
                              first.commitment.source))
    # Lantern's tablet pricing, late while the ask for that pricing was marked done: more likely
    # never ticked than broken. Said, and not counted, until one of the two is put right. So is
    # one whose day went by before it was late enough to count: nothing logged says whether it
    # was done.
    for oc in doubted[:2]:
        a = oc.answered
        if a is not None:
            out.append(Reason(f"Promise \u201c{oc.commitment.text}\u201d is {days(oc.overdue_days)} overdue, but their "
                              f"ask \u201c{a.what}\u201d is marked done (customer.yaml line {a.source.line}): not "
                              "counted as a risk. Tick the promise if it went, or reopen the ask.", oc.commitment.source))
        else:
            gone = oc.gone_by(as_of)
            out.append(Reason(f"Promise \u201c{oc.commitment.text}\u201d was for {gone.text if gone else 'a day'}, "
                              "which has gone by, and nothing logged says whether it was done: not counted as a "
                              "risk. Tick it if it was; if not, tell them what we will do now.", oc.commitment.source))
    return out


def classify(customer: Customer, tl: Timeline, commitments: tuple[OpenCommitment, ...], cadence: int,
             as_of: date, t: Thresholds, paused: Pause | None = None, currency: str | None = None,
             asks: tuple[Ask, ...] = ()) -> Stage:
    """Exactly one stage, by the first rule that holds; a pause in force leads the reasons of a
    stage it kept from being dormant or at risk."""
    items = upto(customer, as_of)
    renewal = customer.renewal if customer.status != "ended" else None

    def heard() -> tuple[Reason, bool] | None:
        return heard_reason(tl, items, cadence, t, paused, renewal, COVERAGE_DAYS,
                            key_person_tip(customer, tl, as_of, t), reply_tip(customer, tl, as_of))
    for stage_id, reasons in (
        ("ended", lambda: ended(customer, tl)),
        ("at-risk", lambda: asleep_and_owed(customer, tl, items, commitments, cadence, as_of, t, paused)),
        ("dormant", lambda: dormant(tl, items, cadence, t, paused)),
        ("at-risk", lambda: at_risk(items, tl, commitments, cadence, as_of, t, customer, paused)),
        ("establishing", lambda: establishing(tl, customer, as_of, t, items, commitments)),
        ("growing", lambda: growing(tl, t, customer, as_of, cadence, currency)),
        ("steady", lambda: steady(tl, items, cadence, t, as_of, commitments,
                                  waiting_reason(unworked(asks, commitments, as_of, customer.dates), as_of,
                                                 ASK_ANSWER_DAYS), heard(),
                                  growth_held(tl, t, customer, as_of, cadence))),
    ):
        found = reasons()
        if found and stage_id == "establishing":
            # Quiet past its cadence, the day its silence tips it: Fernhill, past its first 90
            # days with its start not done, turned at risk ten days on without a word of warning.
            said = heard()
            if said is not None and said[1]:
                found = [*found, said[0]]
        if found and stage_id in ("establishing", "growing"):
            late = late_promises(commitments)  # steady says so itself, in its place among its reasons
            if late:
                found = [*found, *late_promises_reason(late, t, as_of)]
        if found:
            if paused is not None and stage_id != "ended":
                note = Reason(pause_text(paused), paused.source)
                # At risk despite the pause: the warning leads, the pause is context.
                found = [*found, note] if stage_id == "at-risk" else [note, *found]
            return Stage(stage_id, STAGE_LABELS[stage_id], tuple(found))
    raise AssertionError("steady always has a reason")  # pragma: no cover
