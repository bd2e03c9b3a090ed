"""A CRM's owner ('Jane Smith', 'jane@acme.com', 'Jane Smith (jane@acme.com)') as a team
handle of playbook.yaml: by the mapping file's 'owners:', by email, by name, or by handle."""

from __future__ import annotations

from typing import Mapping, Sequence

from ..capture import fold
from ..model import TeamMember
from ..names import slugify
from .values import emails_in


class Owners:
    """Looks owners up in the team; remembers the ones it could not place."""

    def __init__(self, team: Sequence[TeamMember], mapped: Mapping[str, str]) -> None:
        self.has_team = bool(team)
        self.by_key: dict[str, str] = {}
        for m in team:
            self.by_key.setdefault(fold(m.handle), m.handle)
            if m.name:
                self.by_key.setdefault(fold(m.name), m.handle)
            if m.email:
                self.by_key.setdefault(m.email.casefold(), m.handle)
        self.mapped = dict(mapped)
        self.unmatched: dict[str, int] = {}
        """Owner as the CRM wrote it → how many customers and notes name them."""

    def handle(self, owner: str) -> str | None:
        """The team handle for `owner`, or None (counted in `unmatched`) when there is no match.
        With no team in playbook.yaml any handle is accepted, so one is made from the name."""
        if not owner:
            return None
        key = owner.casefold()
        if key in self.mapped:
            return self.mapped[key]
        emails = emails_in(owner)
        for e in emails:
            if e.casefold() in self.mapped:
                return self.mapped[e.casefold()]
            if e.casefold() in self.by_key:
                return self.by_key[e.casefold()]
        bare = owner
        for e in emails:
            bare = bare.replace(e, " ")
        name = fold(bare.replace("(", " ").replace(")", " ").replace("<", " ").replace(">", " "))
        if name and name in self.by_key:
            return self.by_key[name]
        if emails and fold(emails[0].split("@")[0]) in self.by_key:
            return self.by_key[fold(emails[0].split("@")[0])]
        if not self.has_team:
            made = slugify(name or emails[0].split("@")[0] if (name or emails) else "", "")
            if made:
                return made
        self.unmatched[owner] = self.unmatched.get(owner, 0) + 1
        return None
