"""The Jinja environment and static assets: a team's `templates/` over the package defaults.

A playbook overrides any single template or asset by placing a file of the same name in
its own `templates/` folder (a `ChoiceLoader`, as Hugo's layouts and MkDocs' `custom_dir`).
Templates receive plain view data only; autoescape is on and a missing field is an error.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

from jinja2 import (
    BaseLoader, BytecodeCache, Environment, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError,
)
from jinja2.bccache import Bucket
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..limits import MAX_ASSET_BYTES, MAX_FILE_BYTES
from ..memo import header, payload_of, read_entry
from ..problems import Problem, error, warning
from ..template_dirs import TEAM_TEMPLATES, bounds, default_templates
from ..reading import (
    OUTSIDE, SKIPPED, LeadsOut, Refused, decode, entry_kind, follow, list_folder, read_file, real_path, walk,
)

ASSETS = "assets"


class Refusal(TemplateError):
    """A template file Playbook will not read (a link out of the playbook, a FIFO, too big)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class PlaybookLoader(BaseLoader):
    """The team's templates over the defaults, as a ChoiceLoader of FileSystemLoaders would
    find them, but reading only regular files inside their folder's bounds (reading.py):
    a `templates/base.html` linked to /proc/self/environ is refused, not rendered."""

    def __init__(self, root: Path):
        self.root = root
        self.searched = bounds(root)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = template.split("/")
        if any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise TemplateNotFound(template)
        for folder, bound in self.searched:
            path = folder.joinpath(*parts)
            if not os.path.lexists(path):
                continue
            rel = _where(self.root, str(path))
            try:
                data = read_file(path, bound, MAX_FILE_BYTES)
            except Refused as exc:
                raise Refusal(error(rel, 0, 0, str(exc))) from None
            problems: list[Problem] = []
            text = decode(data, rel, problems)
            if text is None:
                raise Refusal(problems[0])
            mtime = os.path.getmtime(path)

            def uptodate(path: Path = path, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(path) == mtime
                except OSError:
                    return False
            return text, str(path), uptodate
        raise TemplateNotFound(template)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, its verdict on an attribute kept per (type, name): the checks
    (`is_internal_attribute`, `modifies_known_mutable`) look only at those two, and asked
    anew on each of 3.4 million attribute reads they were 6% of a cold build at 1,000 × 50."""

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:  # Jinja's documented hook
        key = (type(obj), attr)
        safe = self.verdicts.get(key)
        if safe is None:
            safe = self.verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return safe


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in the build cache, read as the memo reads its entries
    (`memo.read_entry`: a regular file in its place, never through a link, never waiting on a
    FIFO) and checked whole (the memo's header: its key, length and CRC), and a damaged one is
    removed and compiled again. Jinja's own file cache opened them plainly and checks only the
    template's source: a FIFO in their place hung every build, one flipped byte was a traceback
    from `marshal` on every build until the cache was deleted (a fuzzing session), and another
    byte made a page read "iitial-scale", silently."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, bucket: Bucket) -> str:
        return os.path.join(self.folder, f"{bucket.key}.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self._path(bucket)
        try:
            data = payload_of(read_entry(path), bucket.key)
        except OSError:
            return
        try:
            if data is None:  # damaged: Jinja checks its source's checksum, never its own bytes
                raise ValueError(path)
            bucket.bytecode_from_string(data)
        except Exception:  # noqa: BLE001 - marshal and pickle raise anything on bad bytes
            bucket.reset()
            try:
                os.unlink(path)
            except OSError:
                pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        path = self._path(bucket)
        temp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            payload = bucket.bytecode_to_string()
            with os.fdopen(fd, "wb") as f:
                f.write(header(payload, bucket.key))
                f.write(payload)
            os.replace(temp, path)  # whole, or not there: another process may read it meanwhile
        except OSError:
            try:
                os.unlink(temp)
            except OSError:
                pass


def environment(root: Path, bytecode: Path | None = None) -> Environment:
    """The Jinja environment for the playbook's templates. `bytecode`: a folder where Jinja
    keeps compiled templates (by name and source checksum), so a build in a new process does
    not compile them again (half a second of a one-edit rebuild)."""
    cache = None
    if bytecode is not None:
        try:
            bytecode.mkdir(parents=True, exist_ok=True)
            cache = CompiledTemplates(bytecode)
        except OSError:
            cache = None  # only slower
    # Sandboxed: a team's template is what anyone with commit access wrote, and the build runs
    # in CI with its secrets. `{{ cycler.__init__.__globals__.os.popen(…) }}` ran a command and
    # wrote outside the output folder (a fuzzing session); the sandbox refuses such attributes,
    # and the templates only read the plain view data they are given.
    env = Sandbox(
        bytecode_cache=cache,
        loader=PlaybookLoader(root),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build renders with the templates its digest was taken of (a `serve` holds one
        # environment per digest): never a file edited since, and no stat of each template
        # and macro file on every page (at 200 customers, 2,000 of them).
        auto_reload=False,
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
    """A template file's path as the person knows it: relative to the playbook, or
    'templates/…' for a default. The path itself, not where a link in it leads (which may be
    outside, or a loop)."""
    if not filename:
        return TEAM_TEMPLATES
    p = Path(os.path.abspath(filename))
    for base in (root, default_templates().parent):
        for b in (Path(os.path.abspath(base)), base.resolve()):
            if p.is_relative_to(b):
                return p.relative_to(b).as_posix()
    return p.name


#: The control characters HTML may not hold (tab, newline and carriage return aside), as the
#: bytes UTF-8 gives them (no other character's bytes are among them).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])


def _html(text: str) -> bytes:
    """A page's text as UTF-8 without control characters: a YAML escape ("Acme\\x01\\e[31m") put
    them on the pages raw (a fuzzing session). What people wrote keeps them (the JSON export
    writes them as escapes; the terminal's output escapes them); a page has no use for them."""
    return text.encode("utf-8").translate(None, _CONTROL_BYTES)


def render(env: Environment, template: str, context: dict[str, Any], root: Path | None = None) -> bytes:
    """Render one page; a template fault becomes a TemplateProblem naming template file:line."""
    try:
        return _html(env.get_template(template).render(**context))
    except TemplateError as exc:
        raise _problem(exc, template, root) from None
    except RecursionError:
        raise _endless(template) from None


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
                out.append(_html("".join(buf)))
                buf, size = [], 0
    except TemplateError as exc:
        raise _problem(exc, template, root) from None
    except RecursionError:
        raise _endless(template) from None
    if buf or not out:
        out.append(_html("".join(buf)))
    return out


def _endless(template: str) -> TemplateProblem:
    """A template that includes or extends itself, at some remove (`{% include "404.html" %}`
    in 404.html was a traceback: a fuzzing session)."""
    return TemplateProblem(error(f"{TEAM_TEMPLATES}/{template}", 0, 0,
                                 f"rendering {template} never ends: a template includes or extends itself "
                                 "(directly or through another); check the include and extends lines"))


def _problem(exc: TemplateError, template: str, root: Path | None) -> TemplateProblem:
    """The Problem to report for a template fault: the template file and line."""
    if isinstance(exc, Refusal):
        return TemplateProblem(exc.problem)
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
    found: dict[str, tuple[Path, Path]] = {}
    for d, bound in reversed(bounds(root)):  # defaults first, so the team's overwrite them
        folder = d / ASSETS
        if not folder.is_dir():
            continue
        try:
            entries = list_folder(folder)
        except Refused as exc:
            raise TemplateProblem(error(_where(root, str(folder)), 0, 0, str(exc))) from None
        for e in entries:
            if not e.name.startswith(".") and e.name not in skip and entry_kind(e) != "dir":
                found[e.name] = (Path(e.path), bound)
    for name in sorted(found):
        path, bound = found[name]
        try:
            if entry_kind_of(path) == "dir":
                continue  # a link to a folder: assets are files
            data = read_file(path, bound, MAX_ASSET_BYTES)
        except LeadsOut:
            continue  # never read; template_problems warns about it
        except Refused as exc:  # a FIFO, a device, unreadable: never read, and an error
            raise TemplateProblem(error(_where(root, str(path)), 0, 0, str(exc))) from None
        yield f"{ASSETS}/{name}", data


def entry_kind_of(path: Path) -> str:
    """'dir' for a folder (a link followed), else 'other'; Refused for a loop or broken link."""
    return "dir" if real_path(path, None).is_dir() else "other"


def template_problems(root: Path, env: Environment | None = None) -> list[Problem]:
    """What `build` would stop on in the team's templates/, found without rendering: files it
    will not read (links out, FIFOs, devices, unreadable, too big) and templates that do not
    compile. `check` reports them, so it catches what `build` trips on. `env`: the
    environment the build renders with (what compiles here is not compiled again)."""
    team = root / TEAM_TEMPLATES
    try:
        if follow(team) != "dir":
            return []
    except Refused as exc:
        return [error(TEAM_TEMPLATES, 0, 0, str(exc))]
    (d, bound), *_ = bounds(root)
    env = env or environment(root)
    found: list[Problem] = []
    for folder, _skipped, files in walk(d, bound):
        for name in files:
            path = Path(folder, name)
            rel = path.relative_to(d).as_posix()
            try:
                if rel.endswith(".html") and not rel.startswith(f"{ASSETS}/"):
                    env.get_template(rel)
                else:
                    read_file(path, bound, MAX_ASSET_BYTES)
            except LeadsOut:  # an asset is skipped, as a note is; a template the team meant is not
                found.append(warning(_where(root, str(path)), 0, 0, SKIPPED) if rel.startswith(f"{ASSETS}/")
                             else error(_where(root, str(path)), 0, 0, OUTSIDE))
            except Refused as exc:
                found.append(error(_where(root, str(path)), 0, 0, str(exc)))
            except TemplateError as exc:
                found.append(_problem(exc, rel, root).problem)
    # A folder where a template of the site's is looked for: the build stops on it (a fuzzing
    # session: `templates/base.html/` passed `check`).
    for name in sorted(p.name for p in default_templates().glob("*.html")):
        if os.path.isdir(d / name) and not os.path.islink(d / name):
            found.append(error(f"{TEAM_TEMPLATES}/{name}", 0, 0, "this is a folder, not a file; Playbook reads only "
                                                                  "regular files. Remove it"))
    return found
