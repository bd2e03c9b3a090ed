"""What one touch says by itself, for the timeline and for when a pause was agreed."""

from __future__ import annotations

import re

from ..model import Interaction

#: Our outreach of these types says nothing about the customer until they reply.
ONE_WAY_TYPES = ("email", "message")

#: A summary that says our try reached nobody: "Rang Jo, voicemail again", "Left Sarah a
#: message". Without it, a two-line note of a voicemail counted as hearing from them, and cleared
#: the silence before a renewal (an account manager's objection). "Jo left a voicemail" is
#: theirs: a leaving is ours only at the start of a clause or after "we".
_VOICEMAIL = re.compile(
    r"(?:(?:went|straight|sent|goes|going) to (?:voicemail|voice mail|answerphone)|"
    r"(?:voicemail|voice mail|answerphone) again|"
    r"(?:^|[,;:.(\u2014\u2013]\s*|\s-\s*|\b(?:and|we|I)\s+)left (?:(?!a\b|another\b)\w+ )?(?:a |another )?"
    r"(?:voicemail|voice mail|message))", re.IGNORECASE)
#: "No answer", "didn't pick up": ours only in a note of a try ("Rang Jo, no answer"), or one
#: that opens with it ("No reply to the quote"), not in one of a meeting ("Met Jo; no answer yet
#: on the budget").
_TRIED = re.compile(r"^\s*(?:rang|rung|called|phoned|tried|chased|no answer|no reply|no response)\b",
                    re.IGNORECASE)
_NO_PICK_UP = re.compile(r"\b(?:no answer|no reply|no response|(?:didn'?t|did not) pick up|not picking up)\b",
                         re.IGNORECASE)
#: ...unless it also says a conversation happened: "voicemail, then she called back".
_TALKED = re.compile(r"\b(?:called back|rang back|phoned back|replied|spoke|talked|agreed|said|confirmed|answered)\b",
                     re.IGNORECASE)


def says_unanswered(summary: str | None) -> bool:
    """Whether a touch's summary says our try reached nobody (`_VOICEMAIL`, or `_NO_PICK_UP`
    in a note of a try) and nothing in it says they answered after all (`_TALKED`)."""
    if not summary or _TALKED.search(summary):
        return False
    return bool(_VOICEMAIL.search(summary) or (_TRIED.search(summary) and _NO_PICK_UP.search(summary)))


def one_way(i: Interaction) -> bool:
    """Our outreach that by itself is no sign of the customer: an email or message we sent, or
    any touch marked `answered: no`, or read so from its summary when not marked
    (`says_unanswered`, at load: a voicemail logged as a two-line note). A meeting, call or
    visit of ours is a conversation unless marked or said so. Asked of every touch on every
    past day a build looks at: attribute checks only."""
    if i.answered is False:
        return i.direction != "in"
    return i.answered is None and i.direction == "out" and i.type in ONE_WAY_TYPES
