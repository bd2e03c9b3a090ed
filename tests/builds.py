"""Helpers for tests that compare whole built sites: reading a tree, comparing two with a
short diff, copying a playbook, and the everyday operations of the differential walk."""

from __future__ import annotations

import difflib
import random
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from playbook.memo import CACHE_DIR

from helpers import REPO, tree

#: Who commits in the walk (git's facts on a customer's page: who last changed its files, when).
COMMITTERS = [("Maya Okafor", "maya@example.com"), ("Tomas Reyes", "tomas@example.com")]
#: The walk's first day (its "today" moves by `Walk.day_offset`).
WALK_START = date(2026, 11, 20)

#: The line the walk adds to and removes from playbook.yaml: every absolute link depends on it.
SITE_URL_LINE = "site_url: https://team.example.com/playbook\n"


def same(a: dict[str, bytes], b: dict[str, bytes], what: str = "") -> None:
    """Assert two trees are byte-identical, showing the first difference briefly."""
    missing, extra = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    assert not missing and not extra, f"{what}: only in the first {missing[:5]}, only in the second {extra[:5]}"
    differ = [k for k in a if a[k] != b[k]]
    if differ:
        k = differ[0]
        diff = "\n".join(list(difflib.unified_diff(a[k].decode(errors="replace").splitlines(),
                                                   b[k].decode(errors="replace").splitlines(),
                                                   lineterm="", n=0))[:14])
        raise AssertionError(f"{what}: {len(differ)} files differ, e.g. {differ[:5]}; {k}:\n{diff}")


def copy_playbook(src: Path, dst: Path, customers: list[str] | None = None) -> Path:
    """A copy of a playbook without its cache and site; `customers`: only those folders."""
    shutil.copytree(src / "content", dst / "content",
                    ignore=None if customers is None else
                    (lambda d, names: [n for n in names if Path(d).name == "customers" and n not in customers]))
    for name in ("playbook.yaml",):
        if (src / name).exists():
            shutil.copy(src / name, dst / name)
    if (src / "templates").is_dir() and src != REPO:
        shutil.copytree(src / "templates", dst / "templates")
    return dst


def git(root: Path, *args: str, author: tuple[str, str] = ("Maya Okafor", "maya@example.com"),
        when: str = "2026-11-20T10:00:00") -> str:
    name, email = author
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "HOME": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def git_init(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text(f"site/\n{CACHE_DIR}/\nout-*/\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")


class Walk:
    """Everyday operations on a playbook, chosen by a seeded random generator. Each returns a
    short description (for the failure message) and leaves the playbook valid."""

    def __init__(self, root: Path, seed: int):
        self.root, self.rng = root, random.Random(seed)
        self.day_offset = 0
        self.n = 0

    def customers(self) -> list[Path]:
        return sorted(p for p in (self.root / "content" / "customers").iterdir() if p.is_dir())

    def notes(self, c: Path) -> list[Path]:
        return sorted((c / "interactions").glob("*.md"))

    def step(self) -> str:
        ops = [self.new_day, self.edit_note, self.new_note, self.delete_note, self.rename_customer,
               self.delete_customer, self.edit_customer, self.edit_config, self.template_override,
               self.touch, self.delete_site, self.commit, self.commit, self.new_customer, self.attachment,
               self.tamper_site, self.tamper_site]
        self.n += 1
        return self.rng.choice(ops)()

    def new_day(self) -> str:
        self.day_offset += self.rng.choice([1, 1, 2, 30, -1])
        return f"as of +{self.day_offset} days"

    def edit_note(self) -> str:
        c = self.rng.choice(self.customers())
        notes = self.notes(c)
        if not notes:
            return self.new_note()
        f = self.rng.choice(notes)
        text = f.read_text()
        text = text.replace("sentiment: positive", "sentiment: negative", 1) if self.rng.random() < 0.3 \
            else text + f"\nAlso discussed item {self.n}.\n\n- [ ] Send the follow-up pack {self.n}\n"
        f.write_text(text)
        return f"edit {f.relative_to(self.root)}"

    def new_note(self) -> str:
        c = self.rng.choice(self.customers())
        day = 1 + self.rng.randrange(28)
        f = c / "interactions" / f"2026-11-{day:02d}-walk-{self.n}.md"
        f.parent.mkdir(exist_ok=True)
        mood = self.rng.choice(["positive", "neutral", "negative"])
        f.write_text(f"---\ndate: 2026-11-{day:02d}\ntype: call\nsentiment: {mood}\n---\n"
                     f"Walk call {self.n}. They asked about pricing.\n")
        return f"new {f.relative_to(self.root)}"

    def delete_note(self) -> str:
        c = self.rng.choice(self.customers())
        notes = self.notes(c)
        if len(notes) < 2:
            return self.touch()
        f = self.rng.choice(notes)
        f.unlink()
        return f"delete {f.relative_to(self.root)}"

    def attachment(self) -> str:
        """A file that is not a note dropped among the notes (a contract, an export), or taken
        away again: the build warns about it, and only the folder's listing changes."""
        c = self.rng.choice(self.customers())
        found = sorted((c / "interactions").glob("*.pdf"))
        if found and self.rng.random() < 0.5:
            found[0].unlink()
            return f"remove {found[0].relative_to(self.root)}"
        f = c / "interactions" / f"contract-{self.n}.pdf"
        f.parent.mkdir(exist_ok=True)
        f.write_bytes(b"%PDF-1.4\n%walk\n")
        return f"attach {f.relative_to(self.root)}"

    def rename_customer(self) -> str:
        c = self.rng.choice(self.customers())
        new = c.with_name(f"{c.name.split('-x')[0]}-x{self.n}")
        c.rename(new)
        return f"rename {c.name} → {new.name}"

    def delete_customer(self) -> str:
        cs = self.customers()
        if len(cs) < 3:
            return self.new_customer()
        c = self.rng.choice(cs)
        shutil.rmtree(c)
        return f"delete customer {c.name}"

    def new_customer(self) -> str:
        c = self.root / "content" / "customers" / f"walk-{self.n}"
        (c / "interactions").mkdir(parents=True)
        (c / "customer.yaml").write_text(f"name: Walk {self.n} Ltd\nowner: maya\ntier: core\ntags: [walk]\n")
        (c / "interactions" / "2026-10-01-intro.md").write_text(
            "---\ndate: 2026-10-01\ntype: meeting\nsentiment: positive\n---\nFirst meeting.\n")
        return f"new customer {c.name}"

    def edit_customer(self) -> str:
        c = self.rng.choice(self.customers())
        f = c / "customer.yaml"
        text = f.read_text()
        choice = self.rng.randrange(5)
        if choice == 4 and "tags: [" in text:  # a tag whose page name another tag may already have
            text = text.replace("tags: [SaaS, ", "tags: [", 1) if "tags: [SaaS, " in text \
                else text.replace("tags: [", "tags: [SaaS, ", 1)
        elif choice == 0:  # a change of meaning: the tier sets the cadence
            text = text.replace("tier: core", "tier: key", 1) if "tier: core" in text \
                else text.replace("tier: key", "tier: core", 1)
        elif choice == 1:  # new bytes, same meaning
            text += f"# reviewed in step {self.n}\n"
        else:  # another owner: owner pages, calendars and the home page change
            text = text.replace("owner: maya", "owner: tomas", 1) if "owner: maya" in text \
                else text.replace("owner: tomas", "owner: maya", 1)
        f.write_text(text)
        return f"edit {f.relative_to(self.root)}"

    def edit_config(self) -> str:
        f = self.root / "playbook.yaml"
        text = f.read_text()
        choice = self.rng.randrange(6)
        if choice == 0:
            text = text.replace("thresholds: {}", "thresholds: {dormant_days: 120}", 1) if "thresholds: {}" in text \
                else text.replace("thresholds: {dormant_days: 120}", "thresholds: {}", 1)
        elif choice == 4:  # what has come in moves: the customers who asked are told from another day
            text = text.replace("    on: 2026-11-18\n", "    on: 2026-12-01\n", 1) if "on: 2026-11-18" in text \
                else text.replace("    on: 2026-12-01\n", "    on: 2026-11-18\n", 1)
        elif choice == 5:  # it answers more asks (or fewer): other customers are told, the asks page changes
            text = text.replace("about: [zero-trust]", "about: [zero-trust, soc]", 1) if "[zero-trust]" in text \
                else text.replace("about: [zero-trust, soc]", "about: [zero-trust]", 1)
        elif choice == 1:
            text = text.replace("    name: Lena Hartmann", "    name: Lena Hartmann-Ruiz", 1) \
                if "Hartmann-Ruiz" not in text else text.replace("Hartmann-Ruiz", "Hartmann", 1)
        elif choice == 2:
            text = text.replace("    within: 7\n", "    within: 5\n", 1) if "within: 7" in text \
                else text.replace("    within: 5\n", "    within: 7\n", 1)
        else:  # the feed's, calendars' and canonical links
            text = text.replace(SITE_URL_LINE, "") if SITE_URL_LINE in text else text + SITE_URL_LINE
        f.write_text(text)
        return f"edit playbook.yaml ({choice})"

    def template_override(self) -> str:
        t = self.root / "templates"
        base = REPO / "templates" / "base.html"
        target = t / "base.html"
        if target.exists() and self.rng.random() < 0.5:
            shutil.rmtree(t)
            return "remove the team's templates"
        t.mkdir(exist_ok=True)
        target.write_text(base.read_text().replace("</footer>", f"<p>Team note {self.n}</p></footer>", 1))
        # …and the customer page shows the last commit's subject and id (all of git's facts
        # on the folder are the pages' inputs, not only the ones the default templates show).
        page = (REPO / "templates" / "customer.html").read_text()
        shown = "by {{ changed.author }}"
        assert shown in page
        (t / "customer.html").write_text(page.replace(shown, shown + " ({{ changed.subject }}, {{ changed.commit }})", 1))
        return "override templates/base.html and customer.html"

    def touch(self) -> str:
        c = self.rng.choice(self.customers())
        f = c / "customer.yaml"
        f.write_bytes(f.read_bytes())  # same bytes, new times
        return f"touch {f.relative_to(self.root)}"

    def delete_site(self) -> str:
        for out in self.root.glob("out-*"):
            shutil.rmtree(out)
        return "delete the built sites"

    def tamper_site(self) -> str:
        """Something put in, or changed in, the cached build's site (`out-warm`) by hand: a file,
        a folder or an empty folder where the build made none, a link in place of a page or of
        a folder, a page removed or its bytes rewritten, the marker rewritten. The next build
        must end as a cold build's (`serve` leaves what is put in its folder by hand, so its
        site is not touched)."""
        out = self.root / "out-warm"
        if not out.is_dir():
            return "tamper with no site (none built)"
        # A moment after the last build: a change within the file system's clock tick of its
        # last write leaves a folder's or a page's times as they were, which only a build
        # FOLDER_RACY_NS / three seconds later could tell (the builds trust no newer times).
        time.sleep(0.03)
        folders = sorted(p for p in [out, *out.rglob("*")] if p.is_dir() and not p.is_symlink())
        pages = sorted(p for p in out.rglob("*.html") if p.is_file() and not p.is_symlink())
        where = self.rng.choice(folders)
        how = self.rng.choice(["file", "folder", "empty", "link", "folder-link", "remove", "rewrite", "marker"])
        if how == "file":
            (where / f"stray-{self.n}.html").write_text("put here by hand")
        elif how == "folder":
            (where / f"stray-{self.n}").mkdir()
            (where / f"stray-{self.n}" / "index.html").write_text("put here by hand")
        elif how == "empty":
            (where / f"stray-{self.n}").mkdir()
        elif how == "folder-link" and where != out:
            shutil.rmtree(where)
            where.symlink_to(self.rng.choice([f for f in folders if f != where and where not in f.parents]))
        elif how == "marker":
            (out / ".playbook-site").write_text("Rewritten by hand.\n")
            where = out / ".playbook-site"
        elif how == "remove" and pages:
            where = self.rng.choice(pages)
            where.unlink()
        elif how == "link" and pages:
            page = self.rng.choice(pages)
            page.unlink()
            page.symlink_to(self.rng.choice(pages) if len(pages) > 1 else out)
            where = page
        elif pages:
            how, where = "rewrite", self.rng.choice(pages)
            where.write_bytes(where.read_bytes()[::-1])
        return f"tamper with out-warm: {how} at {where.relative_to(out).as_posix() or '.'}"

    def commit(self) -> str:
        """Someone of the team commits, on the walk's current day."""
        who = self.rng.choice(COMMITTERS)
        when = (WALK_START + timedelta(days=self.day_offset)).isoformat() + "T10:00:00"
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", f"step {self.n}", author=who, when=when)
        return f"git commit by {who[0].split()[0]}"


def fresh(src: Path, tmp_path: Path, name: str = "pb") -> Path:
    """A copy of a generated playbook (whole, templates included) without cache or site."""
    dst = tmp_path / name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(CACHE_DIR, "site"))
    return dst


def cold(root: Path, as_of=None, since: str | None = None) -> dict[str, bytes]:
    """The site as a cold build makes it: the reference every other path must equal."""
    import tempfile

    from playbook.build import build
    with tempfile.TemporaryDirectory() as d:
        report = build(root, Path(d) / "site", as_of=as_of, since=since, use_cache=False, jobs=1)
        assert report.ok, report.problems
        return tree(Path(d) / "site")


def synthetic_playbook(base: Path, customers: int = 60, interactions: int = 6, seed: int = 3) -> Path:
    """A generated playbook (benchmarks/generate.py)."""
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate
    root = base / "pb"
    generate(root, customers=customers, interactions=interactions, seed=seed)
    return root
