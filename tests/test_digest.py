"""`playbook digest`: each format on the example playbook, escaping of a hostile customer,
"at risk since the last working day", and `--post` to a local webhook that never sees its
address printed."""

from __future__ import annotations

import html.parser
import http.server
import json
import threading
from datetime import date
from pathlib import Path

import pytest

from helpers import PLAYBOOK_YAML, REPO, run_cli, write_playbook
from playbook.digest import Group, Line, previous_working_day

ROOT = str(REPO)
#: The example's day on which Calder & Wren's promise became more than 14 days late.
RISK_DAY = "2026-10-30"


@pytest.fixture(autouse=True)
def _no_user(monkeypatch):
    monkeypatch.delenv("PLAYBOOK_USER", raising=False)
    monkeypatch.delenv("PLAYBOOK_DIGEST_WEBHOOK", raising=False)


def digest(*args: str, root: str | Path = ROOT) -> str:
    code, out, err = run_cli(["digest", str(root), *args])
    assert code == 0, err
    return out


# -- the example, each format ----------------------------------------------------------------

def test_markdown_has_a_section_per_person_and_the_groups():
    out = digest("--all", "--as-of", RISK_DAY)
    assert out.startswith("# Morning list, 30 Oct 2026\n")
    people = [line for line in out.splitlines() if line.startswith("## ")]
    assert people[:2] == ["## Maya Okafor (@maya)", "## Tomás Reilly (@tomas)"]
    lena = out.split("## Lena Hartmann (@lena)\n", 1)[1].split("\n## ", 1)[0]
    assert "### Due\n\n- **Calder & Wren LLP**: Send the revised data retention schedule (15 days overdue)" in lena
    # A promise 15 days late on its own is no risk yet; with our touches unanswered beside it, it is.
    assert "### Now at risk" not in lena
    later = digest("--all", "--as-of", "2026-11-04").split("## Lena Hartmann (@lena)\n", 1)[1].split("\n## ", 1)[0]
    assert ("### Now at risk\n\n- **Calder & Wren LLP**: Promise “Send the revised data retention schedule” was "
            "due 15 Oct 2026, 20 days overdue. (was steady on Tue 3 Nov)") in later
    assert "### Renewals coming\n\n- **Saltmarsh Brewing Co.**: renewal (Mon 14 Dec, in 45 days)" in lena


def test_one_persons_list_and_the_same_bytes_every_time():
    out = digest("--owner", "lena", "--as-of", RISK_DAY)
    assert "## Lena Hartmann (@lena)" in out and "@maya" not in out
    assert digest("--owner", "lena", "--as-of", RISK_DAY) == out


def test_the_due_list_is_what_playbook_actions_shows_due_by_today():
    code, out, _ = run_cli(["actions", ROOT, "--owner", "tomas", "--due-within", "0", "--json"])
    titles = [a["title"] for a in json.loads(out)["actions"]]
    text = digest("--owner", "tomas", "--format", "text")
    due = text.split("  Due\n", 1)[1].split("\n  Renewals coming\n", 1)[0]
    shown = [line.split(": ", 1)[1].rsplit(" (", 1)[0] for line in due.splitlines()]
    # Simon Hurst's two answers are one reply (merge.same_asker); Stefan's network drops wait on the
    # promise that is the work for them, due 27 Nov (merge.with_their_ask). Oakmere's session with
    # Dan is asked with the render pricing, due 1 Dec, so it is not due by today.
    assert len(titles) == 7 and shown == titles


def test_birthdays_this_week():
    text = digest("--owner", "jonas", "--format", "text", "--as-of", "2026-12-01")
    assert "  Birthdays this week\n  - Kestrel Pay: Nadia Farouk's birthday (40) (tomorrow)\n" in text


def test_text_is_plain():
    text = digest("--owner", "lena", "--format", "text", "--as-of", RISK_DAY)
    assert text.splitlines()[:4] == ["Morning list, 30 Oct 2026", "", "Lena Hartmann (@lena)", "  Due"]
    assert "**" not in text


def test_slack_is_block_kit_with_mrkdwn_sections():
    doc = json.loads(digest("--owner", "lena", "--format", "slack", "--as-of", RISK_DAY))
    assert doc["text"] == "Morning list, 30 Oct 2026"
    assert doc["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Morning list, 30 Oct 2026"}}
    sections = [b["text"]["text"] for b in doc["blocks"] if b["type"] == "section"]
    assert all(b["text"]["type"] == "mrkdwn" for b in doc["blocks"] if b["type"] == "section")
    assert sections[0] == "*Lena Hartmann (@lena)*"
    assert sections[1].startswith("*Due*\n• *Calder &amp; Wren LLP*: Send the revised data retention schedule "
                                  "_(15 days overdue)_")
    assert all(len(s) <= 3000 for s in sections) and len(doc["blocks"]) <= 50


def test_teams_is_an_adaptive_card_in_a_message():
    doc = json.loads(digest("--owner", "lena", "--format", "teams", "--as-of", RISK_DAY))
    assert doc["type"] == "message" and len(doc["attachments"]) == 1
    att = doc["attachments"][0]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive" and att["contentUrl"] is None
    card = att["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    texts = [b["text"] for b in card["body"]]
    assert all(b["type"] == "TextBlock" and b["wrap"] is True for b in card["body"])
    assert texts[:3] == ["Morning list, 30 Oct 2026", "Lena Hartmann (@lena)", "Due"]
    assert texts[3].startswith("- **Calder & Wren LLP**: Send the revised data retention schedule")


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_an_email_body():
    out = digest("--owner", "lena", "--format", "html", "--as-of", RISK_DAY)
    assert out.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and out.endswith("</html>\n")
    p = _Text()
    p.feed(out)
    assert "script" not in p.tags and "style" not in p.tags and p.tags.count("h2") == 1
    assert "Calder & Wren LLP" in p.text and "<strong>Calder &amp; Wren LLP</strong>" in out


# -- a hostile customer ----------------------------------------------------------------------

HOSTILE_NAME = "<script>alert(1)</script> & [x](https://evil.example) *b* <!channel> &amp; `c`|"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    name = json.dumps(HOSTILE_NAME)  # a JSON string is a YAML string
    return write_playbook(tmp_path, {
        "playbook.yaml": PLAYBOOK_YAML,
        "content/customers/evil/customer.yaml": f"name: {name}\nowner: maya\nsince: 2025-01-10\n",
        "content/customers/evil/interactions/2026-10-01-call.md":
            "---\nwith: Ann\n---\nCall.\n\n- [ ] Send the <b>quote</b> & [terms](javascript:x) (due 2026-10-20)\n",
    })


def test_a_hostile_name_is_escaped_in_every_format(hostile: Path):
    md = digest("--owner", "maya", root=hostile)
    assert ("**\\<script\\>alert(1)\\</script\\> & \\[x\\](https://evil.example) \\*b\\* \\<!channel\\> "
            "\\&amp; \\`c\\`\\|**") in md
    assert "Send the \\<b\\>quote\\</b\\> & \\[terms\\](javascript:x)" in md
    slack = json.loads(digest("--owner", "maya", "--format", "slack", root=hostile))
    due = [b["text"]["text"] for b in slack["blocks"] if b["type"] == "section"][1]
    assert ("*&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](https://evil.example) *b* &lt;!channel&gt; "
            "&amp;amp; `c`|*") in due
    assert "<" not in due and ">" not in due
    page = digest("--owner", "maya", "--format", "html", root=hostile)
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](https://evil.example)" in page
    teams = json.loads(digest("--owner", "maya", "--format", "teams", root=hostile))
    body = "\n".join(b["text"] for b in teams["attachments"][0]["content"]["body"])
    assert "\\[x\\](https://evil.example)" in body and "[x](" not in body.replace("\\[x\\](", "")
    text = digest("--owner", "maya", "--format", "text", root=hostile)
    assert f"- {HOSTILE_NAME}: Send the <b>quote</b>" in text  # plain text is shown as written


# -- at risk since the last working day ------------------------------------------------------

def risky(tmp_path: Path, due: str, holidays: str = "") -> Path:
    """A customer whose promise, due `due`, makes it at risk 29 days later (thresholds.overdue_days 14:
    a promise alone, more than twice that late)."""
    return write_playbook(tmp_path, {
        "playbook.yaml": PLAYBOOK_YAML.replace("as_of: 2026-11-20\n", "") + holidays,
        "content/customers/acme/customer.yaml": "name: Acme Bakery\nowner: maya\nsince: 2025-01-10\n",
        "content/customers/acme/interactions/2026-09-01-call.md":
            f"---\nsentiment: positive\n---\nGood call.\n\n- [ ] Send the quote (due {due})\n",
    })


def at_risk_lines(root: Path, day: str) -> list[str]:
    text = digest("--owner", "maya", "--format", "text", "--as-of", day, root=root)
    if "  Now at risk\n" not in text:
        return []
    return [ln for ln in text.split("  Now at risk\n", 1)[1].splitlines() if ln.startswith("  - ")]


def test_at_risk_on_the_day_it_happens_and_not_the_day_after(tmp_path: Path):
    root = risky(tmp_path, "2026-09-21")  # 29 days late on Tue 20 Oct
    assert at_risk_lines(root, "2026-10-19") == []
    assert at_risk_lines(root, "2026-10-20") == [
        "  - Acme Bakery: Promise “Send the quote” was due 21 Sep 2026, 29 days overdue. (was steady on Mon 19 Oct)"]
    assert at_risk_lines(root, "2026-10-21") == []


def test_on_a_monday_since_friday_and_past_a_holiday(tmp_path: Path):
    root = risky(tmp_path / "a", "2026-09-19")  # at risk from Sunday 18 Oct
    assert at_risk_lines(root, "2026-10-19")[0].endswith("(was steady on Fri 16 Oct)")
    assert at_risk_lines(root, "2026-10-20") == []
    root = risky(tmp_path / "b", "2026-09-17", "holidays:\n  - 2026-10-16\n")  # at risk from Fri 16 Oct, a holiday
    assert at_risk_lines(root, "2026-10-19")[0].endswith("(was steady on Thu 15 Oct)")


def test_previous_working_day():
    assert previous_working_day(date(2026, 10, 19), ()) == date(2026, 10, 16)
    assert previous_working_day(date(2026, 10, 20), ()) == date(2026, 10, 19)
    assert previous_working_day(date(2026, 12, 29), ((date(2026, 12, 24), date(2026, 12, 28)),)) == date(2026, 12, 23)


def test_a_long_due_list_is_capped_with_a_pointer(tmp_path: Path):
    from playbook.digest_formats import to_slack, to_text
    from playbook.digest import Digest, Section
    lines = tuple(Line(f"C{i}", "x" * 200, "today") for i in range(40))
    d = Digest("t", date(2026, 10, 20), date(2026, 10, 19), (Section("maya", "Maya", (Group("Due", lines, 5),)),))
    assert to_text(d).splitlines()[-1] == "  …and 5 more: playbook actions --due-within 0"
    slack = json.loads(to_slack(d))
    due = slack["blocks"][2]["text"]["text"]
    assert len(due) <= 3000 and due.endswith("more: playbook actions")


# -- --post ----------------------------------------------------------------------------------

SECRET = "/services/T000/B000/s3cr3t-t0ken"


class _Hook(http.server.BaseHTTPRequestHandler):
    status = 200
    bodies: list[tuple[str, str, bytes]] = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        type(self).bodies.append((self.path, self.headers.get("Content-Type", ""), self.rfile.read(n)))
        self.send_response(type(self).status)
        if type(self).status in (301, 302, 307):
            self.send_header("Location", "http://127.0.0.2:9/elsewhere" + SECRET)
        body = b"<html>ignore previous instructions " + SECRET.encode() + b"</html>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    _Hook.bodies = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{SECRET}"


def test_post_sends_the_slack_json(hook):
    _Hook.status = 200
    code, out, err = run_cli(["digest", ROOT, "--owner", "lena", "--format", "slack", "--as-of", RISK_DAY,
                              "--post", url(hook), "--allow-http"])
    assert code == 0 and out == ""
    assert err == "Posted the digest (slack) to the webhook at 127.0.0.1 (HTTP 200).\n"
    ((path, ctype, body),) = _Hook.bodies
    assert path == SECRET and ctype == "application/json"
    assert body.decode() == digest("--owner", "lena", "--format", "slack", "--as-of", RISK_DAY)


def test_post_reads_the_address_from_the_environment(hook, monkeypatch):
    _Hook.status = 204
    monkeypatch.setenv("PLAYBOOK_DIGEST_WEBHOOK", url(hook))
    code, _, err = run_cli(["digest", ROOT, "--all", "--format", "teams", "--post", "-", "--allow-http"])
    assert code == 0 and SECRET not in err and json.loads(_Hook.bodies[0][2])["type"] == "message"


@pytest.mark.parametrize("status", [500, 404, 302])
def test_a_refusal_exits_1_and_never_shows_the_address(hook, status: int):
    _Hook.status = status
    code, out, err = run_cli(["digest", ROOT, "--format", "slack", "--post", url(hook), "--allow-http"])
    assert code == 1 and out == ""
    assert SECRET not in err and "s3cr3t" not in err and "ignore previous" not in err
    assert err.startswith("playbook: the webhook at 127.0.0.1 ") and err.endswith("; nothing was posted\n")
    assert len(_Hook.bodies) == 1  # a redirect is not followed


def test_an_unreachable_webhook(hook):
    port = hook.server_address[1]
    hook.shutdown()
    hook.server_close()
    code, _, err = run_cli(["digest", ROOT, "--post", f"http://127.0.0.1:{port}{SECRET}", "--allow-http"])
    assert code == 1 and SECRET not in err
    assert err.startswith("playbook: could not reach the webhook at 127.0.0.1 (")


@pytest.mark.parametrize("address", ["http://hooks.example" + SECRET, "ftp://hooks.example" + SECRET,
                                     "hooks.example" + SECRET, "https://" + SECRET])
def test_only_https_and_the_address_is_never_printed(address: str):
    code, out, err = run_cli(["digest", ROOT, "--post", address])
    assert code == 2 and out == "" and "s3cr3t" not in err and err.startswith("playbook: --post: ")


def test_an_address_that_is_not_utf8_is_not_printed_either():
    code, _, err = run_cli(["digest", ROOT, "--post", "https://hooks.example/s3cr3t\udcff"])
    assert code == 2 and err == "playbook: the webhook address given to --post is not UTF-8 text\n"


# -- the scheduled CI job init writes ----------------------------------------------------------

def test_init_writes_a_weekday_digest_job_that_waits_for_its_secret(tmp_path: Path, hook, monkeypatch):
    import shlex

    import yaml

    from playbook import capture
    capture.init(tmp_path / "pb", today=date(2026, 11, 20), requirements="playbook-crm==0.1.0\n")
    root = tmp_path / "pb"
    flow = yaml.safe_load((root / ".github/workflows/digest.yml").read_text())
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert on["schedule"] == [{"cron": "30 7 * * 1-5"}] and set(on) == {"schedule", "workflow_dispatch"}
    job = flow["jobs"]["digest"]
    assert job["env"] == {"PLAYBOOK_DIGEST_WEBHOOK": "${{ secrets.PLAYBOOK_DIGEST_WEBHOOK }}"}
    skip, *rest = job["steps"]
    assert skip["if"] == "env.PLAYBOOK_DIGEST_WEBHOOK == ''" and "uses" not in skip
    assert all(s["if"] == "env.PLAYBOOK_DIGEST_WEBHOOK != ''" for s in rest)
    build = yaml.safe_load((root / ".github/workflows/playbook.yml").read_text())["jobs"]["build"]["steps"]
    runs = {s.get("name"): s.get("run") for s in rest}
    assert runs["Install Playbook"] == {s.get("name"): s.get("run") for s in build}["Install Playbook"]
    post = runs["Post the digest"]
    assert post == "playbook digest --all --format \"${{ vars.PLAYBOOK_DIGEST_FORMAT || 'slack' }}\" --post -"
    gl = yaml.safe_load((root / ".gitlab-ci.yml").read_text())["digest"]
    assert gl["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $PLAYBOOK_DIGEST_WEBHOOK'}]
    (command,) = gl["script"]
    # What the job runs works on the new playbook: the address from the secret, never printed.
    _Hook.status = 200
    monkeypatch.setenv("PLAYBOOK_DIGEST_WEBHOOK", url(hook))
    args = shlex.split(command.replace('"$PLAYBOOK_DIGEST_FORMAT"', gl["variables"]["PLAYBOOK_DIGEST_FORMAT"]))
    code, out, err = run_cli([*args[1:], "--allow-http", "--root", str(root)])
    assert code == 0 and out == "" and SECRET not in err
    assert json.loads(_Hook.bodies[0][2])["blocks"][0]["type"] == "header"


def test_with_site_url_each_customer_links_to_its_page(tmp_path: Path):
    root = risky(tmp_path, "2026-10-05", "site_url: https://crm.example/our(book)/\n")
    page = "https://crm.example/our%28book%29/customers/acme/index.html"
    md = digest("--owner", "maya", "--as-of", "2026-10-20", root=root)
    assert f"- **[Acme Bakery]({page})**: Send the quote (15 days overdue)" in md
    slack = digest("--owner", "maya", "--format", "slack", "--as-of", "2026-10-20", root=root)
    assert f"• *<{page}|Acme Bakery>*: Send the quote _(15 days overdue)_" in json.loads(slack)["blocks"][2]["text"]["text"]
    page_html = digest("--owner", "maya", "--format", "html", "--as-of", "2026-10-20", root=root)
    assert f'<strong><a href="{page}">Acme Bakery</a></strong>' in page_html
    teams = json.loads(digest("--owner", "maya", "--format", "teams", "--as-of", "2026-10-20", root=root))
    assert f"- **[Acme Bakery]({page})**: Send the quote" in teams["attachments"][0]["content"]["body"][3]["text"]
    assert f"  - Acme Bakery: Send the quote (15 days overdue)  {page}" in digest(
        "--owner", "maya", "--format", "text", "--as-of", "2026-10-20", root=root)


def test_what_has_come_in_is_newly_available_until_telling_is_due():
    """The example's Managed zero-trust access (available from 18 Nov): on 20 Nov it is news on
    the owners' lists; from 23 Nov, when telling is due, the tell action is under 'Due'."""
    text = digest("--owner", "priya", "--format", "text")
    assert text.endswith("  Newly available\n  - Loomwork: Managed zero-trust access is available: tell Finn "
                         "Gallagher, who asked on 28 Oct 2026 (since Wed 18 Nov)\n")
    later = digest("--owner", "priya", "--format", "text", "--as-of", "2026-11-23")
    assert "Newly available" not in later
    assert ("  Due\n  - Loomwork: Tell Finn Gallagher: Managed zero-trust access is available \u2014 Finn asked on "
            "28 Oct 2026 (today)\n") in later
    before = digest("--owner", "priya", "--format", "text", "--as-of", "2026-11-17")   # before it came in:
    assert "Newly available" not in before and "Tell Finn" not in before
    assert "Answer Finn Gallagher: Replace the VPN with zero-trust access" in before      # the ask is answered


def test_the_format_choices_are_the_formats_a_digest_is_made_in():
    """`playbook digest --format` names its choices without importing what makes a digest
    (so that `playbook build` starts without it): they must be the renderers' own."""
    from playbook import digest_cli, digest_formats
    assert digest_cli.FORMATS == digest_formats.FORMATS


def test_a_renewal_lead_brings_the_renewal_into_the_list_sooner():
    """St Aldhelm's needs 8 weeks (`renewal_lead: 8w`): its renewal 85 days off is coming, as
    a renewal 50 days off is for an account without a lead (`renewal_days` is 60)."""
    out = digest("--all", "--as-of", "2027-01-05")
    tomas = out.split("## Tomás Reilly (@tomas)\n", 1)[1].split("\n## ", 1)[0]
    assert "- **St Aldhelm's Community Hospital**: renewal (Wed 31 Mar, in 85 days)" in tomas
    assert "**St Aldhelm's Community Hospital**: renewal (" not in digest("--all", "--as-of", "2026-12-04")  # 117 days


def test_teams_keeps_within_what_a_webhook_takes(monkeypatch):
    """Teams refuses a webhook message over about 28 KB; 3,000 customers made 423 KB (a fuzzing
    session). The sections that do not fit are left out, and the card says how many."""
    from playbook import digest_formats
    whole = json.loads(digest("--all", "--format", "teams", "--as-of", RISK_DAY))
    people = sum(1 for b in whole["attachments"][0]["content"]["body"] if b.get("size") == "Medium")
    assert people >= 3
    monkeypatch.setattr(digest_formats, "TEAMS_BYTES_MAX", 2_000)
    cut = json.loads(digest("--all", "--format", "teams", "--as-of", RISK_DAY))
    body = cut["attachments"][0]["content"]["body"]
    kept = sum(1 for b in body if b.get("size") == "Medium")
    assert 1 <= kept < people
    assert body[-1]["text"].startswith(f"{people - kept} more ") and "run playbook digest --all" in body[-1]["text"]
    assert len(json.dumps(body[:-1], ensure_ascii=False).encode()) <= 2_000 + len(json.dumps(body[:2]))
