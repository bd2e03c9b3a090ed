"""The Jinja environment and static assets: a team's `templates/` over the package defaults.

A playbook overrides any single template or asset by placing a file of the same name in
its own `templates/` folder (a `ChoiceLoader`, as Hugo's layouts and MkDocs' `custom_dir`).
Templates receive plain view data only; autoescape is on and a missing field is an error.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError

from ..paths import inside
from ..problems import Problem, error

#: The folder in a playbook that overrides the defaults, file by file.
TEAM_TEMPLATES = "templates"
ASSETS = "assets"


@lru_cache(maxsize=1)
def default_templates() -> Path:
    """Where the default templates live: the data-only package `playbook.default_templates`
    (the repository's top-level templates/ folder, mapped in pyproject.toml), in an
    editable install and a wheel alike; the repository folder as a last resort."""
    spec = importlib.util.find_spec("playbook.default_templates")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            if (Path(loc) / "base.html").is_file():
                return Path(loc)
    here = Path(__file__).resolve().parents[3] / TEAM_TEMPLATES  # src/playbook/site → repo root
    if (here / "base.html").is_file():
        return here
    raise FileNotFoundError("the default templates of playbook are missing from this installation")


def template_dirs(root: Path) -> list[Path]:
    """Search order: the team's templates/ (when it exists), then the defaults."""
    team = root / TEAM_TEMPLATES
    dirs = [team] if team.is_dir() else []
    default = default_templates()
    if not dirs or team.resolve() != default.resolve():
        dirs.append(default)
    return dirs


def environment(root: Path) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(root)]),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


class TemplateProblem(Exception):
    """A team template failed to compile or render; carries the Problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem

    def __reduce__(self):  # raised in a worker process, it crosses back whole
        return TemplateProblem, (self.problem,)


def _where(root: Path, filename: str | None) -> str:
    if not filename:
        return TEAM_TEMPLATES
    p = Path(filename).resolve()
    for base in (root.resolve(), default_templates().parent.resolve()):
        if inside(p, base):
            return p.relative_to(base).as_posix()
    return p.name


def render(env: Environment, template: str, context: dict[str, Any], root: Path | None = None) -> bytes:
    """Render one page; a template fault becomes a TemplateProblem naming template file:line."""
    try:
        return env.get_template(template).render(**context).encode("utf-8")
    except TemplateError as exc:
        raise _problem(exc, template, root) from None


#: Pieces of a streamed page are gathered up to about this many characters.
PIECE = 1 << 18


def render_pieces(env: Environment, template: str, context: dict[str, Any], root: Path | None = None) -> list[bytes]:
    """The page as `render` makes it, in pieces of about PIECE bytes: a page over 10,000
    customers is tens of megabytes, and this never holds it as one string (Python's text
    can take up to four bytes a character) besides the bytes."""
    out: list[bytes] = []
    buf: list[str] = []
    size = 0
    try:
        for chunk in env.get_template(template).generate(**context):
            buf.append(chunk)
            size += len(chunk)
            if size >= PIECE:
                out.append("".join(buf).encode("utf-8"))
                buf, size = [], 0
    except TemplateError as exc:
        raise _problem(exc, template, root) from None
    if buf or not out:
        out.append("".join(buf).encode("utf-8"))
    return out


def _problem(exc: TemplateError, template: str, root: Path | None) -> TemplateProblem:
    """The Problem to report for a template fault: the template file and line."""
    if isinstance(exc, TemplateSyntaxError):
        where = _where(root or Path.cwd(), exc.filename)
        return TemplateProblem(error(where, exc.lineno or 0, 0, f"template syntax: {exc.message}"))
    # The innermost template frame of the traceback names the line that failed.
    line, name = 0, None
    tb = exc.__traceback__
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if fname.endswith(".html"):
            name, line = fname, tb.tb_lineno
        tb = tb.tb_next
    where = _where(root or Path.cwd(), name) if name else f"{TEAM_TEMPLATES}/{template}"
    return TemplateProblem(error(where, line, 0, f"template error while rendering {template}: {exc}; "
                                                 "check the names used against the default template"))


def assets(root: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, bytes]]:
    """Every file in assets/ of the defaults and the team's templates, the team's file winning,
    sorted by name. Names in `skip` are produced elsewhere."""
    found: dict[str, Path] = {}
    for d in reversed(template_dirs(root)):  # defaults first, so the team's overwrite them
        folder = d / ASSETS
        if folder.is_dir():
            for f in folder.iterdir():
                if d.resolve() != default_templates().resolve() and not inside(f, root):
                    continue  # a link out of the playbook: never read what lies outside it
                if f.is_file() and not f.name.startswith(".") and f.name not in skip:
                    found[f.name] = f
    for name in sorted(found):
        yield f"{ASSETS}/{name}", found[name].read_bytes()
