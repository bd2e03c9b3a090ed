"""Build model records in memory for engine tests: no files, sensible defaults."""

from __future__ import annotations

from datetime import date, timedelta

from playbook.config import Config, Play, RoleGap, Thresholds
from playbook.model import Ask, Birthday, Commitment, Contact, Customer, Interaction, Pause, Source

AS_OF = date(2026, 11, 20)


def d(days_ago: int) -> date:
    """A date `days_ago` days before AS_OF."""
    return AS_OF - timedelta(days=days_ago)


def contact(name: str, role: str | None = None, birthday: Birthday | None = None, primary: bool = False) -> Contact:
    return Contact(name, role, None, None, birthday, None, primary, Source("content/customers/x/customer.yaml", 5))


def promise(text: str, due: date | None, done: bool = False, made_on: date | None = None,
            line: int = 7) -> Commitment:
    return Commitment(text, done, due, made_on or AS_OF, Source("PLACEHOLDER", line))


def touch(days_ago: int, sentiment: int | None = 1, with_: tuple[str, ...] = ("Ann Lee",), direction: str | None = None,
          type: str = "call", by: str | None = "maya", summary: str | None = None,
          commitments: tuple[Commitment, ...] = (), answered: bool | None = None) -> Interaction:
    day = d(days_ago)
    path = f"content/customers/x/interactions/{day.isoformat()}-{type}-{abs(hash((days_ago, type, summary))) % 1000}.md"
    fixed = tuple(
        Commitment(c.text, c.done, c.due, day, Source(path, c.source.line)) for c in commitments
    )
    return Interaction(day, type, with_, by, sentiment, direction, summary or f"{type} on {day}", "", 6, fixed,
                       Source(path, 1), answered=answered)


def customer(*interactions: Interaction, since: date | None = None, status: str = "active", tier: str | None = None,
             cadence: int | None = 30, contacts: tuple[Contact, ...] | None = None, renewal: date | None = None,
             asks: tuple[Ask, ...] = (), tags: tuple[str, ...] = (), owners: tuple[str, ...] = ("maya",),
             slug: str = "x", name: str = "Example Ltd", pause: Pause | None = None,
             value: float | None = None, renewal_lead: int | None = None) -> Customer:
    return Customer(
        slug=slug, name=name, owners=owners, since=since, tier=tier, tags=tags, cadence=cadence, renewal=renewal,
        value=value, status=status, notes=None,
        contacts=contacts if contacts is not None else (contact("Ann Lee", "CEO", primary=True), contact("Bo Chan", "CFO")),
        asks=asks, interactions=tuple(sorted(interactions, key=lambda i: (i.date, i.source.path))),
        source=Source("content/customers/x/customer.yaml", 1),
        lines={"since": 3, "renewal": 4, "status": 5}, pause=pause, renewal_lead=renewal_lead,
    )


def pause(until: date, why: str | None = "Not before the new budget year", since: date | None = None) -> Pause:
    return Pause(until, why, since, Source("content/customers/x/customer.yaml", 9))


def ask(what: str, since: date | None, status: str = "open", until: date | None = None, from_: str | None = None,
        line: int = 12) -> Ask:
    return Ask(what, since, status == "answered", Source("content/customers/x/customer.yaml", line), status, until, from_)


def config(**thresholds) -> Config:
    return Config(thresholds=Thresholds(**thresholds), plays=())


def steady_history(start_days_ago: int = 400, every: int = 30, until_days_ago: int = 5, sentiment: int = 1) -> list[Interaction]:
    """Regular touches, even count per 90-day window, so nothing reads as growth."""
    return [touch(n, sentiment) for n in range(start_days_ago, until_days_ago - 1, -every)]


__all__ = ["AS_OF", "Ask", "Birthday", "Play", "RoleGap", "Source", "ask", "config", "contact", "customer", "d",
           "pause", "promise", "steady_history", "touch"]
