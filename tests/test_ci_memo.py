"""CI keeps the build memo between runs, and only the default branch's runs write what it reads:
the GitHub workflow and GitLab file that `playbook init` writes, and this repository's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from playbook.memo import CACHE_DIR

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "src/playbook/scaffold/init"
GITHUB = [REPO / ".github/workflows/playbook.yml", SCAFFOLD / "dot-github/workflows/playbook.yml"]
GITLAB = [REPO / ".gitlab-ci.yml", SCAFFOLD / "dot-gitlab-ci.yml"]
ON_DEFAULT_BRANCH = "github.ref_name == github.event.repository.default_branch"


@pytest.mark.parametrize("path", GITHUB, ids=lambda p: str(p.relative_to(REPO)))
def test_github_restores_the_memo_and_only_the_default_branch_saves_it(path: Path):
    flow = yaml.safe_load(path.read_text())
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare 'on' as true
    # These would run with the base branch's cache scope on a fork's code.
    assert not {"pull_request_target", "workflow_run"} & set(on)
    steps = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = [s.get("run") for s in steps]
    restore, save = steps[uses.index("actions/cache/restore")], steps[uses.index("actions/cache/save")]
    assert uses.index("actions/cache/restore") < runs.index("playbook check --format github")
    assert runs.index("playbook build") < uses.index("actions/cache/save")
    assert restore["with"]["path"] == save["with"]["path"] == CACHE_DIR
    key = restore["with"]["key"]
    assert save["with"]["key"] == key
    assert "hashFiles('content/**', 'templates/**', 'playbook.yaml')" in key
    assert key.startswith(restore["with"]["restore-keys"])
    condition = " ".join(save["if"].split())
    assert ON_DEFAULT_BRANCH in condition and "github.event_name != 'pull_request'" in condition
    assert f"steps.{restore['id']}.outputs.cache-hit != 'true'" in condition


@pytest.mark.parametrize("path", GITLAB, ids=lambda p: str(p.relative_to(REPO)))
def test_gitlab_keeps_the_memo_per_branch(path: Path):
    ci = yaml.safe_load(path.read_text())
    jobs = {name: job for name, job in ci.items() if isinstance(job, dict) and "script" in job}
    assert set(jobs) == {"check", "build", "pages", "digest"}
    assert "cache" not in jobs.pop("digest")  # the morning list analyses; it builds nothing to keep
    for name, job in jobs.items():
        cache = job["cache"]
        assert cache["paths"] == [f"{CACHE_DIR}/"], name
        assert cache["key"] == "playbook-memo-$CI_COMMIT_REF_SLUG", name
        assert cache["fallback_keys"] == ["playbook-memo-$CI_DEFAULT_BRANCH"], name
        assert cache.get("policy", "pull-push") == ("pull" if name == "check" else "pull-push"), name
    assert "Use separate caches for protected branches" in path.read_text()


@pytest.mark.parametrize("path", GITHUB, ids=lambda p: str(p.relative_to(REPO)))
def test_github_publishes_the_site_every_morning(path: Path):
    """What is due and overdue moves with the date, not only with commits: a daily run builds
    and deploys as a push to the default branch does."""
    flow = yaml.safe_load(path.read_text())
    on = flow.get("on", flow.get(True))
    crons = [entry["cron"].split() for entry in on["schedule"]]
    assert any(fields[2:] == ["*", "*", "*"] for fields in crons), crons  # every day of the year
    steps = flow["jobs"]["build"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    for condition in (upload["if"], flow["jobs"]["deploy"]["if"]):
        # A scheduled run is on the default branch and is no pull request: it deploys.
        assert "schedule" not in condition and "'push'" not in condition
        assert " ".join(condition.split()) == f"github.event_name != 'pull_request' && {ON_DEFAULT_BRANCH}"


@pytest.mark.parametrize("path", GITLAB, ids=lambda p: str(p.relative_to(REPO)))
def test_gitlab_publishes_on_a_pipeline_schedule_too(path: Path):
    ci = yaml.safe_load(path.read_text())
    # A scheduled pipeline on the default branch runs the pages job: only the branch is asked.
    assert ci["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    comments = " ".join(ln.lstrip("# ") for ln in path.read_text().splitlines() if ln.startswith("#"))
    assert "Pipeline schedules" in comments and "daily" in comments
