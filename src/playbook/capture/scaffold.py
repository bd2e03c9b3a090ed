"""`playbook new` and `playbook init`: a customer folder, or a whole playbook, from the
commented templates in `playbook/scaffold/`; checked with the loader before anything is written."""

from __future__ import annotations

import os
import re
import secrets
import shutil
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Sequence

from ..config import load_config
from ..load import FOLDER_FALLBACK, SLUG, parse_customer
from ..folders import CUSTOMERS_DIR, ignored
from ..names import MAX_FILE_SLUG, slugify
from ..problems import Problem, did_you_mean
from ..records import Record
from .customers import fold, list_customers
from .errors import CaptureError, InvalidArgument
from .files import Written, create_file, within_root
from .yamlemit import one_line, yaml_value


def _scaffold_text(*parts: str) -> str:
    node = resources.files("playbook").joinpath("scaffold", *parts)
    return node.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _fill(text: str, values: dict[str, str]) -> str:
    # One pass: a value holding '@@SINCE@@' (a customer's name from a CRM export) stays text.
    def one(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise CaptureError(f"template placeholder {m.group(0)} was not filled (a bug in Playbook)")
        return values[m.group(1)]
    return re.sub(r"@@([A-Z0-9_]+)@@", one, text)


def new_customer(root: Path, name: str, *, today: date, owners: Sequence[str] = (), tier: str | None = None,
                 slug: str | None = None, since: date | None = None) -> Written:
    """Create content/customers/<slug>/ with a commented customer.yaml and interactions/."""
    name = one_line(name)
    if not name:
        raise InvalidArgument("the customer needs a name, e.g. playbook new \"Acme Corp\"")
    if slug is None:
        # At most MAX_FILE_SLUG characters, as the site's page names: a 5,000-character name made a
        # folder name the file system refused, quoted whole in the message (a fuzzing session).
        slug = slugify(name, "")[:MAX_FILE_SLUG].rstrip("-")
        if not slug:
            raise InvalidArgument(f"cannot make a folder name from '{name[:60]}'; give one with --slug, "
                                  "e.g. --slug acme")
    elif not SLUG.match(slug) or len(slug) > MAX_FILE_SLUG:
        raise InvalidArgument(f"--slug '{slug[:60]}{'…' if len(slug) > 60 else ''}' is not valid; use at most "
                              f"{MAX_FILE_SLUG} lower-case letters, digits and hyphens, e.g. "
                              f"'{slugify(slug, FOLDER_FALLBACK)[:MAX_FILE_SLUG].rstrip('-')}'")
    owners = [o for o in (one_line(o) for o in owners) if o]
    tier = one_line(tier) if tier else None
    config, _ = load_config(root)
    warnings: list[str] = []
    handles = {m.handle for m in config.team}
    for o in owners:
        if handles and o not in handles:
            warnings.append(f"owner '{o}' is not a team member in playbook.yaml{did_you_mean(o, handles)}")
    tiers = config.tiers
    if tier and tiers and tier not in tiers:
        warnings.append(f"tier '{tier}' has no cadence in playbook.yaml (known: "
                        f"{', '.join(sorted(tiers))}); the default cadence applies")
    base = root / CUSTOMERS_DIR
    target = base / slug
    if target.exists() or target.is_symlink():
        raise CaptureError(f"{CUSTOMERS_DIR}/{slug} already exists; pick another name or a --slug, "
                           "or edit its customer.yaml")
    same = [r for r in list_customers(root) if fold(r.name) == fold(name)]
    if same:
        warnings.append(f"another customer is also called '{name}': {same[0].slug}")
    text = customer_yaml_text(name, owners, since or today, tier)
    rel = f"{CUSTOMERS_DIR}/{slug}/customer.yaml"
    problems: list[Problem] = []
    cust = parse_customer(text, slug, rel, config, problems)
    errors = [p for p in problems if p.severity == "error"]
    if cust is None or errors or cust.name != name:
        raise CaptureError("refusing to write a customer.yaml the loader would reject: "
                           + "; ".join(p.message for p in errors))
    make_customer_folder(root, slug, text)
    return Written(target / "customer.yaml", tuple(warnings))


def customer_yaml_text(name: str, owners: Sequence[str], since: date, tier: str | None,
                       owner_comment: str = "") -> str:
    """The commented customer.yaml `new` writes (`import` too). `owner_comment`: a comment line
    put where the owner goes when there is none to write."""
    owner_line = ((f"# {owner_comment}" if owner_comment else "# owner: maya") if not owners else
                  f"owner: {yaml_value(owners[0]) if len(owners) == 1 else yaml_value(list(owners))}")
    return _fill(_scaffold_text("customer.yaml"), {
        "NAME_COMMENT": name, "NAME": yaml_value(name), "OWNER_LINE": owner_line,
        "SINCE": since.isoformat(),
        "TIER_LINE": f"tier: {yaml_value(tier)}" if tier else "# tier: key",
    })


def make_customer_folder(root: Path, slug: str, text: str) -> Path:
    """content/customers/<slug>/ with `text` as its customer.yaml and an empty interactions/,
    made under a hidden name and renamed into place in one step; CaptureError when the folder
    exists. Returns the folder."""
    base = root / CUSTOMERS_DIR
    target = base / slug
    base.mkdir(parents=True, exist_ok=True)
    within_root(base, root)
    tmp = base / f".new-{slug}.{secrets.token_hex(4)}.tmp"
    tmp.mkdir()
    try:
        create_file(tmp / "customer.yaml", text.encode("utf-8"), root)
        (tmp / "interactions").mkdir()
        create_file(tmp / "interactions" / ".gitkeep", b"", root)
        if target.exists() or target.is_symlink():
            raise CaptureError(f"{CUSTOMERS_DIR}/{slug} appeared meanwhile; nothing was written")
        os.rename(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


INIT_FILES: tuple[tuple[str, str], ...] = (
    # (path under scaffold/init, path in the new playbook); templates avoid leading dots in
    # their names because package-data globs skip hidden files.
    ("playbook.yaml", "playbook.yaml"),
    ("README.md", "README.md"),
    ("dot-gitignore", ".gitignore"),
    ("dot-github/workflows/playbook.yml", ".github/workflows/playbook.yml"),
    ("dot-github/workflows/digest.yml", ".github/workflows/digest.yml"),
    ("dot-gitlab-ci.yml", ".gitlab-ci.yml"),
    ("content/customers/example-co/customer.yaml", "content/customers/example-co/customer.yaml"),
    ("content/customers/example-co/interactions/@@DAY1@@-kickoff.md",
     "content/customers/example-co/interactions/@@DAY1@@-kickoff.md"),
    ("content/customers/example-co/interactions/@@DAY2@@-call.md",
     "content/customers/example-co/interactions/@@DAY2@@-call.md"),
)
SAMPLE_PREFIX = "content/customers/"


class Initialised(Record):
    """What `init` did."""

    root: Path
    """The new playbook folder."""
    created: tuple[str, ...]
    """Files written, relative to root."""
    kept: tuple[str, ...]
    """Files that already existed and were left alone (only with --force)."""


#: The file the CI files install Playbook from (`pip install -r requirements.txt`).
REQUIREMENTS = "requirements.txt"


def init(target: Path, *, today: date, requirements: str, title: str | None = None,
         force: bool = False) -> Initialised:
    """Create a playbook repository in `target`: settings, README, CI and a sample customer.
    `requirements` is the text of requirements.txt, which pins the Playbook that CI installs
    (see origin.py: the command line passes the running one's)."""
    if not requirements.endswith("\n") or any(ch < " " and ch != "\n" for ch in requirements):
        raise InvalidArgument("requirements.txt would hold control characters; nothing was written")
    if target.exists() and not target.is_dir():
        raise InvalidArgument(f"{target} is a file; give a folder for the new playbook")
    existing = [p.name for p in target.iterdir() if p.name != ".git"] if target.is_dir() else []
    if existing and not force:
        raise CaptureError(f"{target} is not empty ({', '.join(sorted(existing)[:5])}"
                           f"{', …' if len(existing) > 5 else ''}). Give a new or empty folder, or add "
                           "--force to add the missing files (existing files are never overwritten)")
    title = one_line(title) if title else "Relationship Playbook"
    values = {
        "TITLE": title, "SINCE": (today - timedelta(days=60)).isoformat(),
        "DAY1": (today - timedelta(days=28)).isoformat(), "DAY1_DUE": (today - timedelta(days=21)).isoformat(),
        "DAY2": (today - timedelta(days=3)).isoformat(), "DUE": (today + timedelta(days=7)).isoformat(),
    }
    yaml_values = dict(values, TITLE=yaml_value(title))
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    # Every file's place is checked before anything is made: with content/ a link out of the
    # folder, folders were created out there before the sample customer's file was refused.
    plan = [(src, _fill(dest, values)) for src, dest in INIT_FILES] + [("", REQUIREMENTS)]
    for _, rel in plan:
        within_root(root / rel, root)
    customers = target / CUSTOMERS_DIR
    skip_sample = customers.is_dir() and any(not ignored(p.name) for p in customers.iterdir())
    created, kept = [], []
    for src, rel in plan:
        if skip_sample and rel.startswith(SAMPLE_PREFIX):
            continue
        text = requirements if rel == REQUIREMENTS else _fill(
            _scaffold_text("init", *src.split("/")), yaml_values if src.endswith((".yaml", ".yml")) else values)
        path = root / rel
        if path.exists() or path.is_symlink():
            kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            create_file(path, text.encode("utf-8"), root)
        except FileExistsError:
            kept.append(rel)
            continue
        created.append(rel)
    return Initialised(root, tuple(created), tuple(kept))
