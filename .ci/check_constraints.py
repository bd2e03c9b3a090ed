"""Fail when .ci/constraints-lowest.txt no longer pins pyproject.toml's lower bounds.

Every runtime dependency must be pinned, and every pin of a dependency pyproject.toml names
must be that dependency's lower bound (`jinja2>=3.1` → `jinja2==3.1.0`), so the lowest-versions
run really tests the oldest versions a user can get. Pins for packages pyproject.toml does not name yet are allowed (pip ignores them).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUND = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^]]*\])?\s*>=\s*([0-9][0-9.]*)")
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([0-9][0-9.]*)")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _release(version: str) -> tuple[int, ...]:
    # 3.1 and 3.1.0 are the same release
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins: dict[str, str] = {}
    for line in (ROOT / ".ci" / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines():
        if m := PIN.match(line):
            pins[_name(m[1])] = m[2]
    faults = []
    runtime = project.get("dependencies", [])
    for requirement in runtime + project.get("optional-dependencies", {}).get("test", []):
        m = BOUND.match(requirement)
        if m is None:
            faults.append(f"'{requirement}' has no '>=' lower bound to test")
            continue
        name, bound = _name(m[1]), m[2]
        if name not in pins:
            if requirement in runtime:
                faults.append(f"runtime dependency '{requirement}' is not pinned")
            continue
        pin = pins[name]
        if _release(pin) != _release(bound):
            faults.append(f"'{name}=={pin}' is not the lower bound of '{requirement}'")
    for fault in faults:
        print(f".ci/constraints-lowest.txt: {fault}", file=sys.stderr)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
