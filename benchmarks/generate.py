"""Generate a synthetic playbook for benchmarks: N customers × M interactions, deterministic.

    python benchmarks/generate.py OUT --customers 1000 --interactions 50 --seed 1

The same (customers, interactions, seed) always gives the same bytes. The output is a
valid playbook (`playbook check` reports no errors): every front-matter field is used,
`with` names come from the customer's contacts, `by` from the team in playbook.yaml, and
notes are 50–300 words of Markdown with paragraphs, lists, task items (some with due
dates, some ticked), links and now and then a heading or a table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2026, 11, 20)

TEAM = [("maya", "Maya Okafor"), ("tomas", "Tomás Reilly"), ("priya", "Priya Natarajan"),
        ("jonas", "Jonas Eklund"), ("lena", "Lena Hartmann"), ("sam", "Sam Achebe"),
        ("ines", "Inês Carvalho"), ("kofi", "Kofi Mensah")]
TIERS = [("key", 14), ("growth", 21), ("core", 30), ("small", 60)]
TAGS = ["public-sector", "healthcare", "retail", "manufacturing", "hospitality", "logistics",
        "finance", "education", "non-profit", "saas", "pilot", "multi-site", "eu", "uk", "us"]
TYPES = ["call", "meeting", "email", "visit", "message", "support", "purchase", "event", "note"]
TYPE_WEIGHTS = [20, 18, 22, 5, 10, 10, 4, 3, 8]
SENTIMENTS = ["very negative", "negative", "neutral", "positive", "very positive", "-2", "-1", "0", "1", "2"]
SENTIMENT_WEIGHTS = [2, 6, 20, 25, 8, 1, 2, 4, 6, 2]
ROLES = ["CFO", "CEO", "Head of IT", "Operations Director", "Procurement Officer", "Office Manager",
         "Head of Finance", "CTO", "Facilities Lead", "Project Manager", "Marketing Director",
         "Finance Manager", "Managing Partner", "Head of Digital Services"]
FIRST = ["Maria", "Ben", "Aisha", "Tom", "Lucía", "Henrik", "Chloé", "Dev", "Grace", "Omar", "Sofia",
         "Liam", "Hannah", "Raj", "Elena", "Mateo", "Zoë", "Kwame", "Ingrid", "Yuki", "Fatima", "Noah",
         "Isla", "Pavel", "Amara", "Felix", "Nadia", "Oscar", "Priyanka", "Rhys", "Sara", "Theo"]
LAST = ["Lopez", "Ortiz", "Khan", "Walsh", "Fernández", "Lindqvist", "Dubois", "Patel", "Osei",
        "Haddad", "Rossi", "Murphy", "Becker", "Sharma", "Popescu", "García", "Nakamura", "Mensah",
        "Johansson", "Tanaka", "Al-Sayed", "Novak", "Campbell", "Kowalski", "Eze", "Wagner", "Moreau",
        "Singh", "Byrne", "Costa", "Ahmed", "Nilsson", "O'Brien", "Jansen", "Kaur", "Schmidt"]
CO_A = ["Harbour", "Northgate", "Kestrel", "Lantern", "Saltmarsh", "Oakmere", "Brightwell", "Calder",
        "Fernhill", "Marlow", "Pemberton", "Westmarch", "Ashby", "Rosalind", "Loom", "Juniper", "Granite",
        "Silverbirch", "Redcliff", "Bluewater", "Thornbury", "Elmstead", "Copperfield", "Hawthorn"]
CO_B = ["Logistics", "Dental", "Pay", "Hotel", "Brewing", "Studio", "Precision", "Print Works",
        "Garden Centre", "Bakery", "Council", "Hospital", "Earth Sciences", "Foods", "Legal", "Clinic",
        "Engineering", "Analytics", "Architects", "Robotics", "Outfitters", "Pharmacy", "Academy"]
TOPICS = ["the rollout", "the renewal", "pricing", "the pilot", "onboarding", "the integration",
          "support response times", "the quarterly review", "the new site", "training", "the budget",
          "the migration", "reporting", "the contract", "security review", "the roadmap", "invoicing"]
VERBS = ["discussed", "reviewed", "agreed", "raised", "walked through", "questioned", "confirmed",
         "flagged", "clarified", "revisited", "summarised", "challenged"]
NOUNS = ["timeline", "scope", "licence count", "SLA", "handover", "dashboard", "invoice", "quote",
         "proposal", "firmware", "training plan", "data export", "access rights", "board pack",
         "case study", "reference call", "uptime report", "change request", "budget line"]
ADJ = ["clear", "cautious", "keen", "frustrated", "pleased", "busy", "open", "sceptical", "upbeat",
       "thorough", "direct", "relaxed", "worried", "curious"]
FILLER = ("they want to move before the end of the quarter but procurement needs another week "
          "and the board meets on the second Tuesday so any paper has to be ready well ahead of that "
          "which means we should send the numbers early and keep the wording simple for the finance team "
          "who will read it first and ask about the support costs over three years").split()
TASKS = ["Send the revised quote", "Share the uptime report", "Book a training session",
         "Introduce our solutions engineer", "Follow up on the data export", "Send the board pack draft",
         "Confirm the go-live date", "Chase the signed order form", "Set up a reference call",
         "Write up the meeting notes", "Check the firmware version", "Draft the change request"]
PERSONAL = ["Two kids; the eldest just started university.", "Keen cyclist, does the Ride London every year.",
            "Prefers email to calls before 10am.", "Supports Leeds United; do not mention the last season.",
            "Vegetarian; likes the Lebanese place near their office.", "Runs the local choir.",
            "Moved over from a competitor in 2023; knows their product well.", "Hates long decks.",
            "Learning Japanese; went to Kyoto last spring.", "Has a greyhound called Biscuit."]
ASKS = ["A price hold for the second site", "SSO with their identity provider", "An on-site training day",
        "A reference customer in their sector", "Quarterly usage reports", "A discount for multi-year terms",
        "Data residency in the EU", "An accessibility audit of the portal"]


def words(rng: random.Random, n: int) -> str:
    start = rng.randrange(len(FILLER))
    return " ".join(FILLER[(start + k) % len(FILLER)] for k in range(n))


def sentence(rng: random.Random, contacts: list[str]) -> str:
    who = rng.choice(contacts).split()[0] if contacts else "They"
    kind = rng.randrange(4)
    if kind == 0:
        return f"{who} {rng.choice(VERBS)} {rng.choice(TOPICS)} and the {rng.choice(NOUNS)}; {words(rng, rng.randint(4, 12))}."
    if kind == 1:
        return f"We {rng.choice(VERBS)} the {rng.choice(NOUNS)} with {who}, who was {rng.choice(ADJ)} about {rng.choice(TOPICS)}."
    if kind == 2:
        return f"The **{rng.choice(NOUNS)}** is still open: {words(rng, rng.randint(6, 14))}."
    return f"Next step on {rng.choice(TOPICS)} is the {rng.choice(NOUNS)}; {words(rng, rng.randint(3, 9))}."


def note_body(rng: random.Random, day: date, contacts: list[str], target_words: int) -> str:
    """50–300 words of Markdown: paragraphs, a list, task items, sometimes a heading or table."""
    parts: list[str] = []
    count = 0

    def add(text: str) -> None:
        nonlocal count
        n = len(text.split())
        if count + n <= 300 or count < 50:
            parts.append(text)
            count += n
        else:
            count = 300  # the note is long enough; stop here

    add(" ".join(sentence(rng, contacts) for _ in range(rng.randint(2, 3))))
    while count < target_words:
        kind = rng.randrange(12)
        if kind <= 5:
            add(" ".join(sentence(rng, contacts) for _ in range(rng.randint(1, 3))))
        elif kind == 6:
            add("\n".join(f"- {rng.choice(NOUNS).capitalize()}: {words(rng, rng.randint(3, 8))}"
                          for _ in range(rng.randint(2, 5))))
        elif kind in (7, 8):
            items = []
            for _ in range(rng.randint(1, 3)):
                text = rng.choice(TASKS)
                due = day + timedelta(days=rng.randint(2, 30)) if rng.random() < 0.6 else None
                if due:
                    text += f" (due {due.isoformat()})"
                # Old promises are kept by now, bar the odd one; recent ones are mostly open.
                late = due is not None and (AS_OF - due).days > 14
                kept = 0.995 if late or (AS_OF - day).days > 60 else 0.3
                done = "x" if rng.random() < kept else " "
                items.append(f"- [{done}] {text}")
            add("\n".join(items))
        elif kind == 9:
            add(f"### {rng.choice(TOPICS).capitalize()}\n\n{sentence(rng, contacts)}")
        elif kind == 10:
            add(f"See [the notes](https://wiki.example.com/{rng.choice(NOUNS).replace(' ', '-')}) "
                f"and `{rng.choice(NOUNS).replace(' ', '_')}`. {sentence(rng, contacts)}")
        elif rng.random() < 0.3:
            rows = "\n".join(f"| {rng.choice(NOUNS)} | {rng.randint(1, 90)} | {rng.choice(ADJ)} |"
                             for _ in range(rng.randint(2, 4)))
            add(f"| Item | Days | Mood |\n|---|---:|---|\n{rows}")
        else:
            add(" ".join(sentence(rng, contacts) for _ in range(rng.randint(1, 3))))
    return "\n\n".join(parts) + "\n"


def yaml_str(text: str) -> str:
    """A double-quoted YAML string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def customer_yaml(rng: random.Random, name: str, since: date, contacts: list[dict], ended: bool) -> str:
    tier = rng.choices([t for t, _ in TIERS], [2, 3, 5, 3])[0]
    owners = rng.sample([h for h, _ in TEAM], rng.choice([1, 1, 1, 2]))
    tags = rng.sample(TAGS, rng.randint(0, 3))
    lines = [f"name: {yaml_str(name)}",
             f"owner: [{', '.join(owners)}]" if len(owners) > 1 else f"owner: {owners[0]}",
             f"since: {since.isoformat()}", f"tier: {tier}"]
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")
    if rng.random() < 0.15:
        lines.append(f"cadence: {rng.choice(['7d', '2w', '1m', '45', '10d'])}")
    if not ended and rng.random() < 0.85:
        lines.append(f"renewal: {(AS_OF + timedelta(days=rng.randint(-20, 700))).isoformat()}")
    lines.append(f"value: {rng.randrange(2, 400) * 500}")
    if ended:
        lines.append("status: ended")
    lines.append("notes: |")
    for _ in range(rng.randint(1, 3)):
        lines.append(f"  {sentence(rng, [c['name'] for c in contacts])}")
    lines.append("contacts:")
    for k, c in enumerate(contacts):
        lines.append(f"  - name: {yaml_str(c['name'])}")
        lines.append(f"    role: {c['role']}")
        slug = c["name"].lower().replace(" ", ".").replace("'", "")
        lines.append(f"    email: {slug}@example.com")
        if rng.random() < 0.6:
            lines.append(f'    phone: "+44 7700 9{rng.randrange(10000, 99999)}"')
        if rng.random() < 0.6:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            lines.append(f"    birthday: {rng.randint(1955, 1998)}-{month:02d}-{day:02d}" if rng.random() < 0.5
                         else f"    birthday: {month:02d}-{day:02d}")
        if k == 0:
            lines.append("    primary: true")
        if rng.random() < 0.7:
            lines.append("    notes: |")
            for p in rng.sample(PERSONAL, rng.randint(1, 2)):
                lines.append(f"      {p}")
    asks = rng.sample(ASKS, rng.choice([0, 0, 1, 1, 2]))
    if asks:
        lines.append("asks:")
        for a in asks:
            lines.append(f"  - what: {a}")
            lines.append(f"    since: {(AS_OF - timedelta(days=rng.randint(5, 300))).isoformat()}")
            if rng.random() < 0.3:
                lines.append("    done: true")
    return "\n".join(lines) + "\n"


def interaction(rng: random.Random, day: date, contacts: list[dict]) -> tuple[str, str]:
    """(type, file text)"""
    itype = rng.choices(TYPES, TYPE_WEIGHTS)[0]
    names = [c["name"] for c in contacts]
    firsts = [n.split()[0] for n in names]
    people = rng.sample(names, min(len(names), rng.choice([1, 1, 1, 2, 2, 3])))
    # People write a unique first name as often as the full one.
    shown = [p.split()[0] if firsts.count(p.split()[0]) == 1 and rng.random() < 0.4 else p for p in people]
    front = [f"date: {day.isoformat()}", f"type: {itype}"]
    if itype != "note" or rng.random() < 0.5:
        front.append(f"with: {yaml_str(shown[0])}" if len(shown) == 1
                     else "with: [" + ", ".join(yaml_str(s) for s in shown) + "]")
    front.append(f"by: {rng.choice(TEAM)[0]}")
    if rng.random() < 0.85:
        front.append(f"sentiment: {rng.choices(SENTIMENTS, SENTIMENT_WEIGHTS)[0]}")
    if rng.random() < 0.8:
        front.append(f"direction: {rng.choice(['in', 'out', 'out', 'inbound', 'outbound'])}")
    if rng.random() < 0.75:
        front.append(f"summary: {yaml_str(f'{rng.choice(VERBS).capitalize()} {rng.choice(TOPICS)} — {rng.choice(NOUNS)}')}")
    body = note_body(rng, day, names, rng.randint(50, 300))
    return itype, "---\n" + "\n".join(front) + "\n---\n" + body


def playbook_yaml() -> str:
    team = "\n".join(f"  - handle: {h}\n    name: {n}" for h, n in TEAM)
    tiers = "\n".join(f"    {t}: {d}d" for t, d in TIERS)
    return f"""title: Synthetic Playbook (benchmark)
as_of: {AS_OF.isoformat()}
team:
{team}
defaults:
  cadence: 30d
  tiers:
{tiers}
plays:
  - name: Executive sponsor for key accounts at risk
    when: {{stage: at-risk, tier: key}}
    do: Book an executive sponsor call
    within: 7
    priority: high
  - name: Finance contact gone quiet
    when: {{tier: [key, growth], no_touch_with_role: {{role: CFO, days: 120}}}}
    do: Schedule a value review with finance
    within: 14
  - name: Win-back note for dormant accounts
    when: {{stage: dormant}}
    do: Send a short, no-pressure win-back note
    within: 21
    priority: low
  - name: Low health review
    when: {{health_below: 40, stage: [at-risk, steady]}}
    do: Review account health with the owner
    within: 5
    priority: high
"""


def generate(out: Path, customers: int, interactions: int, seed: int = 1) -> None:
    """Write the playbook into `out` (which must not exist or be empty)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "playbook.yaml").write_text(playbook_yaml(), encoding="utf-8")
    (out / ".gitignore").write_text("site/\n.playbook-cache/\n", encoding="utf-8")
    base = out / "content" / "customers"
    base.mkdir(parents=True, exist_ok=True)
    width = len(str(customers))
    for n in range(customers):
        name = f"{rng.choice(CO_A)} {rng.choice(CO_B)} {n + 1:0{width}d}"
        slug = name.lower().replace(" ", "-")
        # Between one and seven years of history, with the interactions spread over it.
        span = rng.randint(max(30, interactions * 3), max(60, min(7 * 365, interactions * 40)))
        since = AS_OF - timedelta(days=span)
        ended = rng.random() < 0.05
        contacts: list[dict] = []
        used: set[str] = set()
        for _ in range(rng.randint(2, 6)):
            for _attempt in range(20):
                cname = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                if cname.casefold() not in used:
                    break
            else:
                continue
            used.add(cname.casefold())
            contacts.append({"name": cname, "role": rng.choice(ROLES)})
        folder = base / slug
        idir = folder / "interactions"
        idir.mkdir(parents=True, exist_ok=True)
        (folder / "customer.yaml").write_text(customer_yaml(rng, name, since, contacts, ended), encoding="utf-8")
        # Recent customers have a denser history; a dormant few stop well before as_of.
        end = AS_OF - timedelta(days=rng.choice([0, 0, 0, 3, 10, 40, 200]))
        if end <= since:
            end = AS_OF
        total = (end - since).days
        days = sorted(since + timedelta(days=rng.randint(0, total)) for _ in range(interactions))
        names_used: set[str] = set()
        for day in days:
            itype, text = interaction(rng, day, contacts)
            fname = f"{day.isoformat()}-{itype}"
            k = 2
            stem = fname
            while fname in names_used:
                fname = f"{stem}-{k}"
                k += 1
            names_used.add(fname)
            (idir / f"{fname}.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path, help="folder to write the playbook into (replaced with --force)")
    p.add_argument("--customers", type=int, default=1000)
    p.add_argument("--interactions", type=int, default=50, help="interactions per customer")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="delete OUT first if it exists")
    args = p.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            print(f"{args.out} exists and is not empty; use --force to replace it", file=sys.stderr)
            return 2
        shutil.rmtree(args.out)
    generate(args.out, args.customers, args.interactions, args.seed)
    print(f"wrote {args.customers} customers × {args.interactions} interactions into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
