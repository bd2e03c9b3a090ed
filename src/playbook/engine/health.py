"""Health: a 0-100 figure that is nothing but the sum of named, explained factors.

It starts from a baseline of 50; each factor moves it up or down and says why. The
factors' ranges are chosen so recency and sentiment weigh most, as they do for people.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..config import Thresholds
from ..model import Ask, Customer, Event, Interaction, Pause
from .owed import ASK_ANSWER_DAYS, ask_gone_by, is_chase, promised, promises, theirs_back, waiting_since
from .pause import pause_text, paused_part
from .stage import (last_unrepaired_negative, mood_text, renewal_passed, stakeholders_quiet, theirs_since,
                    unanswered_text)
from .timeline import upto
from .types import Health, HealthFactor, OpenCommitment, Reason, Stage, Timeline
from .words import days, fmt_date, people, per, sentiment_word, span

BASELINE = 50
#: The floors of the good and fair bands (the site's `HEALTH_BANDS` shows them so).
HEALTH_GOOD = 70
HEALTH_FAIR = 40


def recency_points(ratio: float) -> int:
    """Points for a silence of `ratio` cadences."""
    return 20 if ratio <= 0.5 else 12 if ratio <= 1 else 0 if ratio <= 2 else -10 if ratio <= 4 else -20


def recency(tl: Timeline, cadence: int, paused: Pause | None = None,
            waits: tuple[date, date] | None = None) -> HealthFactor:
    """How recently we heard from them in a touch that did not go badly: our own unanswered
    outreach earns nothing, and nor does an outage call or a tender threat (every bad touch in
    the example raised health through this factor, by up to 40 points). `waits`: the time they
    gave for their move and the day a touch falls due without it (`stage.theirs_since`), while
    that day is to come: the silence costs nothing till then, as a pause's."""
    n = tl.days_since_heard
    if n is None:
        return HealthFactor("Recency", 0, "No touch logged yet.")
    # With the day, as the stage says it: Rosalind's read "49 days ago" beside "Rosalind Baptiste
    # has not been heard from since 2 Oct", the 49 days from a note naming no one (a sixteenth
    # blind read).
    why = f"Last heard from them {days(n)} ago" + (f" ({fmt_date(tl.last_heard)})" if tl.last_heard else "")
    if tl.gone_badly and tl.last_heard is not None:
        # The times they were heard from, not every touch: Northgate's "all 5 conversations since
        # 8 Jul went badly" was counted wrong by a reader beside our remediation email of 10 Nov,
        # neutral and acknowledged in one line (a seventeenth blind read).
        which = "it" if tl.gone_badly == 1 else f"all {tl.gone_badly} times we heard from them since " \
            f"{fmt_date(tl.last_good)}" if tl.last_good else f"all {tl.gone_badly} times we heard from them"
        anchor = tl.last_good or tl.start
        if anchor is None or anchor > tl.last_heard:
            return HealthFactor("Recency", 0, f"{why}, but {which} went badly.")
        n += (tl.last_heard - anchor).days
        since = f"the last that did not was {days(n)} ago" if tl.last_good else f"none has gone well since the start, {days(n)} ago"
        why += f", but {which} went badly: {since}"
    ratio = n / cadence
    effect = recency_points(ratio)
    if tl.paused_days and effect < 0 and paused is None:  # while it holds, it says so below
        # The silence they asked for costs nothing, and earns nothing: a year's pause is no recent touch.
        ratio = (n - tl.paused_days) / cadence
        effect = min(0, recency_points(ratio))
        counted = n - tl.paused_days
        why += f"{paused_part(tl)}, so {days(counted)} {'counts' if counted == 1 else 'count'}"
    why += f", against a {per(cadence)} cadence ({ratio:.1f}× the cadence)."
    if tl.unanswered:
        # Why our own touches did not reset it; what their going unanswered costs is
        # Reciprocity's: Calder's health read "No reply to our last 3 touches" under both, as if
        # charged twice (an account manager's objection).
        k = len(tl.unanswered)
        why += (f" Our {'touch' if k == 1 else f'{k} touches'} since, with no reply, "
                f"{'does' if k == 1 else 'do'} not count as hearing from them.")
    if paused is not None and effect < 0:
        return HealthFactor("Recency", 0, f"{why} {pause_text(paused)} The silence is expected.")
    if waits is not None and effect < 0:
        # Pemberton's fell to 40 on 29 Jan 2026 while its brief said to leave it to them until
        # 1 Feb: "Alan says they'll call us in the new year" (a check read).
        return HealthFactor("Recency", 0, f"{why} They were to get back to us from {fmt_date(waits[0])}: the "
                                          f"silence is expected until {fmt_date(waits[1])}.")
    return HealthFactor("Recency", effect, why)


def sentiment(tl: Timeline, as_of: date, window: int) -> HealthFactor:
    """The mood as last seen (`Timeline.mood`: rated conversations over the `window` up to the
    last of them), so silence alone never raises it. Past the window it counts for less while
    warm and not at all after twice the window (old warmth is no sign of it now), but a sour
    mood stands: nothing heard since says it has got better."""
    s, last = tl.mood, tl.mood_to
    if s is None or last is None:
        return HealthFactor("Sentiment", 0, "No touch rated yet.")
    over = f"Sentiment {mood_text(tl)}"
    age = (as_of - last).days
    if age < window:
        return HealthFactor("Sentiment", round(s * 8), f"{over}.")
    # Our own touches since, unanswered, are rated too: "none rated since" read as false beside
    # Calder's three notes rated neutral (a twentieth blind read); that they do not count is
    # Recency's and Reciprocity's to say.
    none = "nothing heard from them since" if tl.unanswered else "none rated since"
    if s < 0:
        return HealthFactor("Sentiment", round(s * 8), f"{over}; {none}, so nothing says it has got better.")
    if s == 0:  # neutral: no warmth to count for less (its check)
        return HealthFactor("Sentiment", 0, f"{over}; {none}.")
    if age < 2 * window:
        return HealthFactor("Sentiment", round(s * 6), f"{over}; {none}, so it counts for less.")
    return HealthFactor("Sentiment", 0, f"{over}; {none}: too long ago to count as warmth now.")


def commitments_kept(customer: Customer, open_: tuple[OpenCommitment, ...], as_of: date,
                     t: Thresholds) -> HealthFactor:
    done = sum(1 for i in customer.interactions if i.date <= as_of for c in i.commitments
               if c.done and not is_chase(c.text))
    # One in doubt (the ask it answers marked done, or its day gone by before it was late:
    # `OpenCommitment.in_doubt`; the stage does not count it either) is said, and not charged.
    late = [oc for oc in promises(open_) if oc.overdue_days > 0]
    doubted = [oc for oc in late if oc.in_doubt(as_of, t.overdue_days)]
    overdue = [oc for oc in late if not oc.in_doubt(as_of, t.overdue_days)]
    asked = sum(1 for oc in doubted if oc.answered is not None)
    why = ("the ask it answers is marked done" if asked == len(doubted) == 1 else
           "the day it was for has gone by and whether it was done is not known" if not asked and len(doubted) == 1 else
           "the asks they answer are marked done" if asked == len(doubted) else
           "the days they were for have gone by and whether they were done is not known" if not asked else
           "their asks are marked done or their days have gone by")
    aside = f" {len(doubted)} more overdue, but {why}: not counted." if doubted else ""
    if not overdue and not done:
        # "No promises recorded yet" beside an open one read as the tool not seeing it.
        n = len(promises(open_)) - len(doubted)
        if not n and doubted:
            return HealthFactor("Commitments kept", 0, f"None kept yet; {len(doubted)} overdue, but {why}: not counted.")
        # Nor beside an open to-do of ours: Saltmarsh's "No promises recorded yet" sat above
        # "Follow up with Jo on the renewal quote, 34 days overdue" (a seventeenth blind read).
        todos = [oc.commitment.text for oc in open_ if is_chase(oc.commitment.text)]
        ours = (f"; \u201c{todos[0]}\u201d is our own to-do, not counted" if len(todos) == 1 else
                f"; our own {len(todos)} to-dos are not counted" if todos else "")
        return HealthFactor("Commitments kept", 0, (f"{n} promise{'s' if n != 1 else ''} open, none overdue; none kept "
                                                    "yet." if n else f"No promise to them recorded yet{ours}.") + aside)
    if not overdue:
        # One in doubt earns nothing either way: Kestrel's health rose 13 points, with nobody
        # heard from, the day its laptops' day went by and "none overdue" took their place.
        return HealthFactor("Commitments kept", 0 if doubted else 8,
                            f"{done} promise{'s' if done != 1 else ''} kept, none overdue"
                            f"{' that counts' if doubted else ''}.{aside}")
    late = sum(1 for oc in overdue if oc.overdue_days > t.overdue_days)
    effect = -min(20, 5 * len(overdue) + 5 * late)
    return HealthFactor("Commitments kept", effect,
                        f"{len(overdue)} promise{'s' if len(overdue) != 1 else ''} overdue"
                        f"{f' ({late} by more than {days(t.overdue_days)})' if late else ''}; {done} kept.{aside}")


def breadth(tl: Timeline, listed: int) -> HealthFactor:
    """How many people we are engaged with, in touches that did not go badly: the four
    people of an escalation meeting are an escalation, not a wider relationship."""
    engaged = [c for c in tl.contacts if c.good_recent > 0]
    soured = [c.name for c in tl.contacts if c.touches_recent > 0 and not c.good_recent]
    n = len(engaged)
    if tl.count == 0:
        return HealthFactor("Breadth of contacts", 0, "No one engaged yet.")
    only_bad = f" {people(tuple(soured))} only in touches that went badly." if soured else ""
    if n == 0:
        if soured:
            return HealthFactor("Breadth of contacts", -8,
                                f"No named person engaged in the last {span(tl.window)} except in touches that "
                                f"went badly ({people(tuple(soured))}).")
        return HealthFactor("Breadth of contacts", -8, f"No named person engaged in the last {span(tl.window)}.")
    if n == 1:
        return HealthFactor("Breadth of contacts", -5 if listed > 1 else -3,
                            f"Only {engaged[0].name} engaged in the last {span(tl.window)}"
                            f"{f' of {listed} people listed' if listed > 1 else ''}: single-threaded.{only_bad}")
    effect = 5 if n == 2 else 10
    names = ", ".join(c.name for c in engaged[:3]) + (f" and {n - 3} more" if n > 3 else "")
    return HealthFactor("Breadth of contacts", effect,
                        f"{n} people engaged in the last {span(tl.window)}: {names}.{only_bad}")


def reciprocity(tl: Timeline) -> HealthFactor:
    """Do they answer us, and come to us? Few calls from them is no fault: for a service
    account, fewer inbound contacts often means fewer problems."""
    total = tl.inbound_recent + tl.outbound_recent
    if tl.one_sided:  # recency already counts the silence; this is the pattern
        return HealthFactor("Reciprocity", -5, f"{unanswered_text(tl)} Waiting to hear back.")
    if total == 0:
        # Said of the last year's touches only: "not recorded" of an account with none in that
        # year read as false to someone whose notes did record who called whom.
        if tl.count == 0 or tl.days_since is None or tl.days_since >= 365:  # (days_since: from `since` without touches)
            return HealthFactor("Reciprocity", 0, "No touch in the last year to tell who reaches out to whom.")
        return HealthFactor("Reciprocity", 0, "No touch in the last year says who reached out (a note's "
                                              "'direction: in' or 'out').")
    # A problem they brought us (an outage reported, an escalation) is them reaching out, but
    # no sign of warmth: it counts under sentiment, never for the figure here. Northgate read
    # "+5: they came to us 4 of 10 times", all four outages and the tender threat (an account
    # manager's objection).
    warm = tl.inbound_recent - tl.inbound_problems
    if warm:
        problems = f"; {tl.inbound_problems} more with a problem, which counts under sentiment" \
            if tl.inbound_problems else ""
        return HealthFactor("Reciprocity", 5, f"They came to us {warm} of {total} times in the last year "
                                              f"(requests and support tickets count){problems}.")
    if tl.inbound_recent:
        came = f"once in the last year (of {total} directed touches), with a problem" if tl.inbound_recent == 1 \
            else f"{tl.inbound_recent} of {total} times in the last year, each time with a problem"
        return HealthFactor("Reciprocity", 0, f"They came to us {came}: that counts under sentiment, not as warmth.")
    # "In the last year", as the rest of this factor counts: "this year" read as untrue in April
    # of a year with no touch at all (Rosalind's, a thirtieth blind read).
    ours = "The one directed touch in the last year was ours" if total == 1 else \
        "Both directed touches in the last year were ours" if total == 2 else \
        f"All {total} directed touches in the last year were ours"
    return HealthFactor("Reciprocity", 0, f"{ours}, and answered; few calls from them can simply mean few problems.")


def unrepaired(items: tuple[Interaction, ...], as_of: date, t: Thresholds) -> HealthFactor:
    """A bad meeting weighs on the relationship until something positive follows it."""
    neg = last_unrepaired_negative(items, as_of, t.repair_days)
    if neg is None:
        return HealthFactor("Unrepaired setback", 0, "No recent bad touch left without a good one after it.")
    return HealthFactor("Unrepaired setback", -12 if neg.sentiment == -1 else -18,
                        f"The {neg.type} of {fmt_date(neg.date)} went {sentiment_word(neg.sentiment)} "
                        "and nothing positive has followed.")


def asks(open_asks: tuple[Ask, ...], as_of: date, open_: tuple[OpenCommitment, ...] = (),
         dates: tuple[Event, ...] = (), late_days: int = 14, pause: Pause | None = None) -> HealthFactor:
    """Their questions waiting over a week, 5 points each, and 5 more for each overdue by more
    than `late_days` (as a promise is: St Aldhelm's champion's question, unanswered for 145
    days, cost what one a week old did: a thirteenth blind read). Not one that is the same
    work as an open promise (counted there), nor one whose day has gone by (`owed.ask_gone_by`:
    a check, as a promise for a day gone by is; `dates`: the customer's own)."""
    if not open_asks:
        return HealthFactor("Open asks", 0, "Nothing the customer is waiting on.")
    covered = promised(open_asks, open_)
    past = {k for k, a in enumerate(open_asks) if k not in covered and ask_gone_by(a, as_of, dates) is not None}
    # Back from parking, whether it still stands is theirs to say: nobody waits on us (Ashby's
    # held Phase 2 pricing cost 5 points the week its parking ended, with Mark, who "hates
    # being chased": an account manager's objection).
    shelved = {k for k, a in enumerate(open_asks)
               if k not in covered and k not in past and theirs_back(a, as_of, pause)}
    c, g, p = len(covered), len(past), len(shelved)
    same = "the same work as an open promise, counted under promises"
    gone = "for a day that has gone by: a check, not counted"
    back = "back from parking: whether it still stands is theirs to say, not counted"
    also = (f" ({c} more: {same}.)" if c else "") + (f" ({g} more {gone}.)" if g else "") \
        + (f" ({p} more {back}.)" if p else "")
    # The same week the 'answer' action allows: an ask older than that is overdue in both places.
    waiting = []  # how long each has waited, in days
    for k, a in enumerate(open_asks):
        since = waiting_since(a, as_of)
        if k not in covered and k not in past and k not in shelved and since is not None \
                and (as_of - since).days > ASK_ANSWER_DAYS:
            waiting.append((as_of - since).days)
    if not waiting:
        n = len(open_asks) - c - g - p
        if not n:
            said = [f"{x} open ask{'s' if x != 1 else ''}, {why}" for x, why in ((c, same), (g, gone), (p, back)) if x]
            return HealthFactor("Open asks", 0, "; ".join(said) + ".")
        return HealthFactor("Open asks", 0, f"{n} open ask{'s' if n != 1 else ''}, all under "
                                            f"{days(ASK_ANSWER_DAYS)} old.{also}")
    long = sum(1 for n in waiting if n > ASK_ANSWER_DAYS + late_days)
    effect = -min(15, 5 * len(waiting) + 5 * long)
    return HealthFactor("Open asks", effect, f"{len(waiting)} ask{'s' if len(waiting) != 1 else ''} waiting "
                                             f"more than {days(ASK_ANSWER_DAYS)} for an answer"
                                             f"{f' ({long} of them more than {days(ASK_ANSWER_DAYS + late_days)})' if long else ''}"
                                             f".{also}")


def paused_ok(f: HealthFactor, paused: Pause | None, tl: Timeline | None = None,
              window_from: date | None = None) -> HealthFactor:
    """While a pause is in force, a factor that only reflects the silence takes nothing away; nor
    after it, while its window (from `window_from`) reaches back into the pause and nobody has
    been heard from since (Ashby's "No named person engaged in the last three months" took 8
    points the day after its year-long pause ended)."""
    if f.effect >= 0:
        return f
    if paused is not None:
        return HealthFactor(f.name, 0, f"{f.why} Expected while paused, so it takes nothing away.")
    if tl is not None and tl.pause_until is not None and window_from is not None and window_from < tl.pause_until:
        return HealthFactor(f.name, 0, f"{f.why} That reaches back into the pause they asked for (to "
                                       f"{fmt_date(tl.pause_until)}), so it takes nothing away.")
    return f


#: What a reason for "at risk" that no other factor weighs takes away: a key person quiet
#: before the renewal, a renewal gone by unrecorded.
UNWEIGHED_EFFECT = -15
#: The most health an account at risk (dormant) can show: never in the band above it.
STAGE_CEILING = {"at-risk": HEALTH_GOOD - 1, "dormant": HEALTH_FAIR - 1}


def stage_weight(stage: Stage, unweighed: list[Reason], others: int) -> HealthFactor:
    """The stage's verdict, counted once. Its other reasons (a late promise, a setback, a
    silence) are weighed by their own factors: the stage charging them again took 33 points
    for one late promise (an account manager's objection). What it adds is what no factor
    weighs (`unweighed`: a key person quiet before the renewal, a renewal gone by unrecorded)
    and a ceiling: an account at risk never reads as healthy, nor a dormant one as fair.
    `others`: the sum of the other factors."""
    if stage.id not in STAGE_CEILING:
        # Not "no warning signs": Fernhill's read so beside its stage's "at risk if still quiet on
        # 20 Jan" and a to-do 46 days late (an account manager's objection). Today, none counts.
        return HealthFactor("Stage", 0, f"{stage.label}: no stage rule counts against it today.")
    effect = UNWEIGHED_EFFECT if stage.id == "at-risk" and unweighed else 0
    why = f"{stage.label}: {(unweighed[0] if effect else stage.reasons[0]).text}"
    if not effect:
        why += " Already counted above, not charged twice."
    ceiling = STAGE_CEILING[stage.id]
    if others + effect > ceiling:
        band = "good" if stage.id == "at-risk" else "fair"
        why += f" Held at {ceiling}: an account {stage.label.lower()} is never in the {band} band."
        effect = ceiling - others
    return HealthFactor("Stage", effect, why)


def health(customer: Customer, tl: Timeline, open_: tuple[OpenCommitment, ...], open_asks: tuple[Ask, ...],
           cadence: int, as_of: date, t: Thresholds, stage: Stage, paused: Pause | None = None) -> Health:
    items = upto(customer, as_of)
    waits = theirs_since(tl, items) if paused is None else None
    factors = (
        HealthFactor("Baseline", BASELINE, "Every relationship starts at 50; the factors below move it."),
        recency(tl, cadence, paused, waits if waits is not None and as_of < waits[1] else None),
        sentiment(tl, as_of, t.growth_window_days),
        commitments_kept(customer, open_, as_of, t),
        paused_ok(breadth(tl, len(customer.contacts)), paused, tl, as_of - timedelta(days=t.growth_window_days)),
        reciprocity(tl),
        unrepaired(items, as_of, t),
        asks(open_asks, as_of, open_, customer.dates, t.overdue_days, customer.pause),
    )
    unweighed = renewal_passed(customer, as_of) + (stakeholders_quiet(customer, tl, as_of, t)
                                                   if paused is None else [])
    factors += (stage_weight(stage, unweighed, sum(f.effect for f in factors)),)
    total = sum(f.effect for f in factors)
    score = max(0, min(100, total))
    if score != total:
        factors += (HealthFactor("Limit", score - total, f"The factors add up to {total}; health is kept within 0-100."),)
    return Health(score, factors)
