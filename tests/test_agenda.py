"""The book's agenda (engine/agenda.py): kept up to date across builds by what changed, it
is always the list ranked from scratch."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from engine_factory import AS_OF
from playbook.engine import agenda as agenda_mod
from playbook.engine.agenda import Agenda


def _rel(rng: random.Random, slug: str) -> SimpleNamespace:
    """A relationship as the agenda reads it, with ties across customers (same sort keys)."""
    def action(j: int) -> SimpleNamespace:
        k = (-rng.choice([10, 20]), rng.choice([0, 2]), AS_OF, "shared", "follow-up", f"T{rng.randrange(2)}")
        return SimpleNamespace(sort_key=lambda k=k: k, j=j)
    return SimpleNamespace(customer=SimpleNamespace(slug=slug), actions=tuple(action(j) for j in range(rng.randrange(4))))


@pytest.mark.parametrize("seed", range(8))
def test_the_kept_agenda_is_the_agenda_ranked_again(seed, monkeypatch):
    rng = random.Random(seed)
    book = {f"c{n:02d}": _rel(rng, f"c{n:02d}") for n in range(rng.randrange(1, 30))}
    agenda = Agenda()
    sorts = []
    real = agenda_mod.ranked
    monkeypatch.setattr(agenda_mod, "ranked", lambda rels: sorts.append(1) or real(rels))
    for step in range(40):
        kind = rng.choice(["edit", "edit", "new", "delete", "many", "none"])
        if kind == "edit" and book:
            slug = rng.choice(sorted(book))
            book[slug] = _rel(rng, slug)
        elif kind == "new":
            slug = f"c{rng.randrange(60):02d}"
            book[slug] = _rel(rng, slug)
        elif kind == "delete" and len(book) > 1:
            del book[rng.choice(sorted(book))]
        elif kind == "many":
            for slug in rng.sample(sorted(book), k=len(book) // 2 + 1):
                book[slug] = _rel(rng, slug)
        rels = [book[s] for s in sorted(book)]
        before = len(sorts)
        got = [(slug, j) for _, slug, j, _ in agenda.update(rels)]
        assert got == [(slug, j) for _, slug, j, _ in real(rels)], (step, kind)
        if step and kind in ("edit", "none") and len(book) >= 16:
            assert len(sorts) == before  # one customer changed: nothing sorted again

