"""A team's broken template is reported like content (template file:line), never a traceback,
and the previous site stays as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playbook.cli import main

ROOT = Path(__file__).resolve().parents[1]


def make(tmp_path: Path) -> Path:
    root = tmp_path / "pb"
    c = root / "content/customers/acme"
    (c / "interactions").mkdir(parents=True)
    (root / "playbook.yaml").write_text("as_of: 2026-11-20\n")
    (c / "customer.yaml").write_text("name: Acme\nsince: 2025-01-01\n")
    (c / "interactions/2026-11-10-call.md").write_text("Called.\n")
    return root


def test_template_syntax_error_names_the_template_line(tmp_path):
    root = make(tmp_path)
    assert main(["build", str(root), "--quiet"]) == 0
    before = (root / "site/index.html").read_bytes()
    (root / "templates").mkdir()
    (root / "templates/stage.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    proc = subprocess.run([sys.executable, "-m", "playbook", "build", str(root)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "templates/stage.html:3:1: error: template syntax:" in proc.stderr
    assert (root / "site/index.html").read_bytes() == before


def test_template_naming_a_missing_field_is_reported(tmp_path):
    root = make(tmp_path)
    (root / "templates").mkdir()
    (root / "templates/customers.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n<p>{{ no_such_field }}</p>\n{% endblock %}\n")
    proc = subprocess.run([sys.executable, "-m", "playbook", "build", str(root)], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "templates/customers.html:3:1: error: template error while rendering customers.html" in proc.stderr
    assert "no_such_field" in proc.stderr
    assert not (root / "site").exists()


def test_assets_linked_from_outside_the_playbook_are_not_read(tmp_path):
    root = make(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish")
    (root / "templates/assets").mkdir(parents=True)
    (root / "templates/assets/leak.txt").symlink_to(secret)
    assert main(["build", str(root), "--quiet"]) == 0
    assert not (root / "site/assets/leak.txt").exists()
