"""What one touch says by itself, for the timeline and for when a pause was agreed."""

from __future__ import annotations

from ..model import Interaction

#: Our outreach of these types says nothing about the customer until they reply.
ONE_WAY_TYPES = ("email", "message")


def one_way(i: Interaction) -> bool:
    """Our outreach that by itself is no sign of the customer: an email or message we sent, or
    any touch of ours marked `answered: no` (a voicemail). A meeting, call or visit of ours is
    a conversation unless marked so."""
    if i.direction != "out":
        return False
    return i.answered is False or (i.answered is None and i.type in ONE_WAY_TYPES)
