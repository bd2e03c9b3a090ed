"""A team's templates/: its files override the defaults one by one (pages, partials,
assets); a broken template is reported like content (template file:line), never a
traceback, and the previous site stays as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playbook.build import build
from playbook.cli import main
from playbook.site.render import default_templates


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


def test_a_playbook_without_templates_uses_the_defaults(tmp_path: Path, make_playbook):
    root = make_playbook({})
    assert not (root / "templates").exists()
    out = tmp_path / "site"
    assert build(root, out).ok
    assert (out / "customers/acme/index.html").read_text("utf-8").count("<h1>Acme Bakery</h1>") == 1
    assert (out / "assets/style.css").read_bytes() == (default_templates() / "assets/style.css").read_bytes()


def test_a_team_overrides_single_templates_partials_and_assets(tmp_path: Path, make_playbook):
    root = make_playbook({
        "templates/customer.html": (
            '{% extends "base.html" %}\n{% block main %}<h1>Team page for {{ c.name }}</h1>\n'
            "<p>{{ stage.label }}: {% for r in stage.reasons %}{{ r.text }}{% endfor %}</p>{% endblock %}\n"),
        "templates/partials/customer_head.html": "<h1>{{ title_prefix }}{{ c.name }}, our way</h1>\n",
        "templates/assets/style.css": "body { color: rebeccapurple; }\n",
        "templates/assets/team.js": "// the team's own\n",
    })
    out = tmp_path / "site"
    assert build(root, out).ok
    assert "<h1>Team page for Acme Bakery</h1>" in (out / "customers/acme/index.html").read_text("utf-8")
    brief = (out / "customers/acme/brief.html").read_text("utf-8")  # default brief, team's partial
    assert "<h1>Brief: Acme Bakery, our way</h1>" in brief and 'id="b-who"' in brief
    assert (out / "assets/style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (out / "assets/team.js").is_file() and (out / "assets/site.js").is_file()
    assert "Today" in (out / "index.html").read_text("utf-8")  # everything else is still the default


def test_templates_get_no_undefined_values(tmp_path: Path, make_playbook):
    root = make_playbook({"templates/tags.html": "{{ no_such_thing }}\n"})
    report = build(root, tmp_path / "site")
    assert not report.ok
    (p,) = [p for p in report.problems if p.severity == "error"]
    assert p.path == "templates/tags.html" and p.line == 1 and "no_such_thing" in p.message
    assert not (tmp_path / "site").exists()  # a failed render leaves no half-written site


def test_a_broken_customer_template_in_worker_processes_is_reported_like_content(tmp_path, monkeypatch):
    """Customers' pages render in forked workers on a large playbook; the template's problem
    crosses back whole (it once broke the pool instead)."""
    import playbook.site_files as build_module  # the render phase
    root = make(tmp_path)
    for k in range(60):  # more customers than one worker chunk
        c = root / f"content/customers/c{k:02d}"
        (c / "interactions").mkdir(parents=True)
        (c / "customer.yaml").write_text(f"name: Customer {k}\n")
    (root / "templates").mkdir()
    (root / "templates/customer.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n<p>{{ no_such_field }}</p>\n{% endblock %}\n")
    monkeypatch.setattr(build_module, "PARALLEL_MIN_FILES", 0)
    report = build(root, tmp_path / "site", jobs=2, use_cache=False)
    assert not report.ok
    assert [(p.path, p.line) for p in report.problems if p.severity == "error"] == [("templates/customer.html", 3)]
    assert not (tmp_path / "site").exists()
