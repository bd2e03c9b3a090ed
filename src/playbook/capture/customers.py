"""Finding the customer a command names: by folder name or display name, forgivingly."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from ..config import Config
from ..load import SLUG, parse_customer, read_text
from ..folders import CUSTOMERS_DIR, ignored
from ..model import Customer
from ..records import Record
from ..yamlio import Map, Scalar, parse
from .errors import CaptureError, InvalidArgument


class CustomerRef(Record):
    """A customer folder, as far as matching needs it."""

    slug: str
    """Folder name."""
    name: str
    """Display name from customer.yaml (the slug when unreadable)."""
    folder: Path
    """Absolute path of the folder."""


def fold(text: str) -> str:
    """Text for forgiving comparison: accents and case dropped, punctuation as spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", plain.casefold()).strip()


def list_customers(root: Path) -> list[CustomerRef]:
    """Every customer folder, with the name its customer.yaml gives."""
    base = root / CUSTOMERS_DIR
    if not base.is_dir():
        return []
    out = []
    for entry in sorted(base.iterdir(), key=lambda p: p.name):
        if ignored(entry.name) or not entry.is_dir() or not SLUG.match(entry.name):
            continue
        name = entry.name
        text = read_text(entry / "customer.yaml", "customer.yaml", []) if (entry / "customer.yaml").is_file() else None
        if text is not None:
            node, _ = parse(text, "customer.yaml")
            if isinstance(node, Map) and isinstance(node.items.get("name"), Scalar):
                name = node.items["name"].text.strip() or name
        out.append(CustomerRef(entry.name, name, entry.resolve()))
    return out


def _describe(refs: Iterable[CustomerRef], limit: int = 25) -> str:
    refs = list(refs)
    lines = [f"  {r.slug}  ({r.name})" for r in refs[:limit]]
    if len(refs) > limit:
        lines.append(f"  … and {len(refs) - limit} more")
    return "\n".join(lines)


def match_customer(root: Path, query: str) -> CustomerRef:
    """The one customer whose slug or name is `query`, else whose slug or name starts with it;
    case, accents and punctuation ignored. Raises CaptureError listing candidates otherwise."""
    refs = list_customers(root)
    q = fold(query)
    if not refs:
        raise CaptureError(f"there are no customers in {root / CUSTOMERS_DIR} yet; "
                           "add one with 'playbook new \"Customer Name\"'")
    if not q:
        raise InvalidArgument(f"'{query}' does not name a customer; give its folder name or name")
    for test in (lambda k: k == q, lambda k: k.startswith(q)):
        hits = [r for r in refs if test(fold(r.slug)) or test(fold(r.name))]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise CaptureError(f"'{query}' matches {len(hits)} customers; give more of the name:\n{_describe(hits)}")
    near = [r for r in refs if q in fold(r.name) or q in fold(r.slug)]
    keys = {fold(r.name): r for r in refs} | {fold(r.slug): r for r in refs}
    for k in difflib.get_close_matches(q, list(keys), n=5, cutoff=0.6):
        if keys[k] not in near:
            near.append(keys[k])
    if near:
        raise CaptureError(f"no customer is called '{query}'; did you mean one of these?\n{_describe(near)}")
    raise CaptureError(f"no customer is called '{query}'. The customers are:\n{_describe(refs)}\n"
                       "Add a new one with 'playbook new \"Customer Name\"'.")


def customer_model(root: Path, ref: CustomerRef, config: Config) -> Customer | None:
    """The customer as the loader reads it (its problems dropped), or None when unreadable."""
    text = read_text(ref.folder / "customer.yaml", "customer.yaml", [])
    if text is None:
        return None
    return parse_customer(text, ref.slug, f"{CUSTOMERS_DIR}/{ref.slug}/customer.yaml", config, [])
