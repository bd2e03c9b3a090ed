"""What customers ask for across the book, and telling each of them when it arrives (issue 17):
the significant words of an ask, grouping, matching `available` entries, and `tell` actions."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from msgspec.structs import replace

from engine_factory import AS_OF, ask, config, contact, customer, d, promise, touch
from playbook.available import Availability, Available
from playbook.config import Config, parse_config
from playbook.engine import analyse
from playbook.engine.demand import arrivals, group_asks, matches, unmatched
from playbook.engine.words import fmt_date
from playbook.engine.workdays import after_working_days
from playbook.significant import stem, terms

LONG_AGO = d(800)
PEOPLE = (contact("Ana Lima", "Publisher", primary=True), contact("Bo Chan", "CFO"))


@pytest.mark.parametrize("word, want", [
    ("editions", "edition"), ("edition", "edition"),
    ("batteries", "battery"), ("copied", "copy"), ("switches", "switch"), ("boxes", "box"),
    ("cabling", "cabl"), ("cable", "cabl"), ("cables", "cabl"),
    ("translated", "translat"), ("translate", "translat"), ("translating", "translat"),
    ("running", "run"), ("installed", "install"), ("planned", "plan"),
    ("access", "access"), ("status", "status"), ("analysis", "analysis"),   # not plurals
    ("string", "string"), ("need", "need"), ("red", "red"), ("vpn", "vpn"), ("27001", "27001"),
])
def test_light_stemming_meets_plurals_and_endings(word, want):
    assert stem(word) == want


def test_terms_leave_out_common_words_and_the_words_of_asking():
    assert terms("Can we get a quote for the Spanish editions of the handbooks?") == ("spanish", "edition", "handbook")
    assert terms("Whether the new Café's Wi-Fi could be split") == ("cafe", "wi", "fi", "split")
    assert terms("the a of") == ()


def wish(what, since, slug, name=None, from_=None, status="open", about=(), value=None, line=12):
    a = replace(ask(what, since, status=status, from_=from_, line=line), about=tuple(about))
    return customer(touch(10, 1, with_=(from_ or "Ana Lima",)), since=LONG_AGO, slug=slug, name=name or slug.title(),
                    contacts=(contact(from_ or "Ana Lima", primary=True),), asks=(a,), value=value)


def rel(c, cfg=None):
    return analyse(c, cfg or config(), AS_OF)


def test_three_ways_of_asking_for_one_thing_make_one_group_and_the_odd_one_stays_alone():
    rels = [rel(c) for c in (
        wish("Is there a Spanish edition of the handbook?", d(250), "anders", from_="Ana Lima", value=12_000),
        wish("The handbook translated into Spanish for the Madrid office", d(40), "bolt", from_="Carlos Ruiz",
             value=30_000),
        wish("Spanish-language handbooks for new hires", d(5), "cedar", from_="Dee Park"),
        wish("Invoices that show the shop name", d(90), "dune", from_="Eve Stone", value=5_000),
    )]
    groups, alone = group_asks(rels)
    (g,) = groups
    assert g.label == "spanish handbook"                       # what all three share, in the oldest ask's order
    assert g.customers == ("anders", "bolt", "cedar")          # oldest first
    assert [w.ask.since for w in g.wishes] == [d(250), d(40), d(5)]
    assert (g.value, g.unvalued) == (42_000, 1)
    assert [w.customer for w in alone.wishes] == ["dune"]


def test_about_words_group_asks_whose_wording_shares_nothing():
    rels = [rel(c) for c in (
        wish("Libro en castellano", d(30), "anders", about=["spanish"]),
        wish("A Spanish handbook", d(20), "bolt"),
        wish("Handbook for Madrid", d(10), "cedar", about=["Spanish"]),
    )]
    (g,), alone = group_asks(rels)
    assert g.customers == ("anders", "bolt", "cedar") and g.label == "spanish" and not alone.wishes


def test_a_generic_word_does_not_break_up_a_bigger_group():
    """The word most customers used leads: four 'spanish' asks stay together although two of them
    also say 'handbook' (a rarer shared word); 'handbook' alone then groups nothing."""
    rels = [rel(c) for c in (
        wish("Spanish handbook", d(40), "a1"), wish("Spanish handbook please", d(30), "a2"),
        wish("Spanish menus", d(20), "a3"), wish("Spanish signage", d(10), "a4"),
        wish("A printed handbook", d(5), "a5"),
    )]
    groups, alone = group_asks(rels)
    assert [(g.label, g.customers) for g in groups] == [("spanish", ("a1", "a2", "a3", "a4"))]
    assert [w.customer for w in alone.wishes] == ["a5"]


def test_asks_of_one_customer_alone_are_no_group_and_ended_customers_are_left_out():
    one = customer(touch(10), since=LONG_AGO, slug="solo", asks=(ask("Spanish handbook", d(9), line=12),
                                                                  ask("Spanish menus", d(8), line=13)))
    gone = replace(wish("Spanish handbook", d(7), "gone"), status="ended")
    groups, alone = group_asks([rel(one), rel(gone)])
    assert groups == [] and [w.customer for w in alone.wishes] == ["solo", "solo"]


def test_answered_asks_are_not_demand_but_parked_ones_are():
    rels = [rel(c) for c in (
        wish("Spanish handbook", d(40), "a1", status="answered"),
        wish("Spanish handbook", d(30), "a2", status="parked"),
        wish("Spanish handbook", d(20), "a3"),
    )]
    (g,), _ = group_asks(rels)
    assert g.customers == ("a2", "a3") and [w.parked for w in g.wishes] == [True, False]


def test_grouping_is_deterministic_whatever_the_order_of_customers():
    said = ["Spanish handbook", "French menu", "Spanish menu", "French handbook", "German wine", "Spanish wine"]
    cs = [wish(w, d(i), f"c{i:02d}") for i, w in enumerate(said)]
    first = group_asks([rel(c) for c in cs])
    again = group_asks([rel(c) for c in reversed(cs)])
    assert first == again
    # 'spanish' (three customers) goes first; 'french' then still has two; 'handbook', 'menu' and
    # 'wine' have one ask left each, so German wine stays alone.
    assert [(g.label, g.customers) for g in first[0]] == [("spanish", ("c05", "c02", "c00")),
                                                          ("french", ("c03", "c01"))]
    assert [w.ask.what for w in first[1].wishes] == ["German wine"]


def test_two_shared_words_weigh_double_so_an_incidental_word_does_not_merge_two_wishes():
    """'A price hold for the second site' and 'an on-site training day' share 'site' (five
    customers), but each kind shares a pair of words among two or three customers: a pair
    weighs double, so they make two groups, not one about 'site'."""
    said = ["A price hold for the second site", "An on-site training day", "Price hold for a second site",
            "On-site training day please", "Second site price hold"]
    groups, alone = group_asks([rel(wish(w, d(i), f"c{i}")) for i, w in enumerate(said)])
    assert [(g.label, g.customers) for g in groups] == [("second site hold", ("c4", "c2", "c0")),  # as the oldest says
                                                        ("site training day", ("c3", "c1"))]
    assert not alone.wishes


def test_a_pair_does_not_split_a_word_most_customers_share():
    """Two of five 'Spanish' asks also say 'handbook': the pair weighs 2 × 2 = 4, the word 5."""
    said = ["Spanish handbook", "Spanish handbook", "Spanish menus", "Spanish signage", "Spanish wine list"]
    (g,), alone = group_asks([rel(wish(w, d(i), f"c{i}")) for i, w in enumerate(said)])
    assert g.label == "spanish" and len(g.customers) == 5 and not alone.wishes


def test_grouping_10000_customers_is_linear():
    """Index by word: 10,000 customers' asks group in well under the time pairwise comparing takes."""
    vocab = [f"thing{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(400)]
    # analyse is per customer and not what is measured here: one analysis with the asks swapped in
    base = rel(wish("x", d(1), "c"))
    made = []
    for i in range(10_000):
        c = replace(base.customer, slug=f"c{i:05d}",
                    asks=(ask(f"{vocab[i % 400]} {vocab[(i * 7) % 400]} widget{i}", d(i % 300)),))
        made.append(replace(base, customer=c, open_asks=c.asks))
    started = time.perf_counter()
    groups, alone = group_asks(made)
    took = time.perf_counter() - started
    assert sum(len(g.wishes) for g in groups) + len(alone.wishes) == 10_000
    assert took < 5, f"{took:.1f}s"


# -- available and tell ------------------------------------------------------------------------

def avail(*entries: tuple[str, date, tuple[str, ...]]) -> Config:
    found = tuple(Available(what, on, about, line) for line, (what, on, about) in enumerate(entries, 40))
    return replace(config(), available=Availability.of(found))


SPANISH = ("Spanish edition of the handbook", d(2), ("spanish",))


def test_an_available_entry_tells_the_person_who_asked_and_replaces_the_answer():
    c = customer(*[touch(n, 1, with_=("Ana Lima",)) for n in range(400, 0, -30)], since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("Is there a Spanish edition of the handbook?", date(2026, 3, 12), from_="Ana Lima"),))
    r = analyse(c, avail(SPANISH), AS_OF)
    (t,) = [a for a in r.actions if a.kind == "tell"]
    assert not [a for a in r.actions if a.kind == "answer"]          # one action for the ask, not two
    assert t.title == "Tell Ana Lima: Spanish edition of the handbook is available \u2014 Ana asked on 12 Mar 2026"
    assert t.contact == "Ana Lima" and t.source == c.asks[0].source
    assert "it matches 'spanish' in the ask of 12 Mar" in t.why
    assert "(playbook.yaml:40)" in t.why
    # within three working days of the news: 18 Nov is a Wednesday, so Monday 23 Nov
    assert t.due == date(2026, 11, 23) and t.priority == "medium"
    assert any("what they asked for is here" in x for x in t.score_reasons)


def test_before_its_day_nothing_is_told_and_the_answer_stays():
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE, asks=(ask("Spanish handbook", d(5), from_="Bo Chan"),))
    r = analyse(c, avail(("Spanish edition", AS_OF + timedelta(days=1), ("spanish",))), AS_OF)
    assert [a.kind for a in r.actions if a.kind in ("tell", "answer")] == ["answer"]
    assert r.arrivals == ()


@pytest.mark.parametrize("status, told", [("open", True), ("parked", True), ("answered", False)])
def test_open_and_parked_asks_are_told_answered_ones_are_not(status, told):
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("Spanish handbook", d(50), status=status, from_="Bo Chan"),))
    r = analyse(c, avail(SPANISH), AS_OF)
    tells = [a for a in r.actions if a.kind == "tell"]
    assert bool(tells) is told
    if status == "parked":
        assert "The ask was parked: this is the news it was waiting for." in tells[0].why


def test_an_ask_made_after_it_came_in_is_told_from_the_day_they_asked():
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE, asks=(ask("Spanish handbook", d(1), from_="Bo Chan"),))
    (t,) = [a for a in analyse(c, avail(("Spanish", d(30), ("spanish",))), AS_OF).actions if a.kind == "tell"]
    assert t.due == after_working_days(d(1), 3, ())


def test_a_tell_left_undone_becomes_overdue_and_high():
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE, asks=(ask("Spanish handbook", d(60), from_="Bo Chan"),))
    (t,) = [a for a in analyse(c, avail(("Spanish", d(20), ("spanish",))), AS_OF).actions if a.kind == "tell"]
    assert t.due < AS_OF and t.priority == "high"


def test_news_while_we_owe_them_goes_with_what_we_owe():
    """Calder's "Tell Owen Price: Managed zero-trust access is available" ranked high beside the
    retention schedule we owed him, 50 days late (an account manager's objection)."""
    owed = promise("Send the revised retention schedule", d(50))
    c = customer(touch(60, 1, with_=("Bo Chan",), commitments=(owed,)), touch(10, 1), since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("Spanish handbook", d(60), from_="Bo Chan"),))
    (t,) = [a for a in analyse(c, avail(("Spanish", d(20), ("spanish",))), AS_OF).actions if a.kind == "tell"]
    assert t.due < AS_OF and t.priority == "low"   # it goes with what we owe, whose urgency counts
    assert t.why.endswith("First deliver what we owe them: \u201cSend the revised retention schedule\u201d, 50 days "
                          "late. Tell them this in its covering note.")
    # While our touches go unanswered, which message it goes in is said once (`not_piled_on`),
    # not twice over (Calder's, a check of a nineteenth blind read's fixes); it stays low.
    chased = replace(c, interactions=(*c.interactions[:1], *[touch(n, 0, type="email", direction="out",
                                                                   with_=("Bo Chan",)) for n in (9, 4)]))
    (t,) = [a for a in analyse(chased, avail(("Spanish", d(20), ("spanish",))), AS_OF).actions if a.kind == "tell"]
    assert t.priority == "low" and "First deliver" not in t.why
    assert t.why.count("Send the revised retention schedule") == 1 and "in the one message that goes next" in t.why


def test_working_days_skip_weekends_and_holidays():
    fri = date(2026, 12, 18)
    assert after_working_days(fri, 3, ()) == date(2026, 12, 23)
    assert after_working_days(fri, 3, ((date(2026, 12, 22), date(2026, 12, 22)),)) == date(2026, 12, 24)


def test_an_ended_customer_is_not_told():
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE, status="ended",
                 asks=(ask("Spanish handbook", d(50), from_="Bo Chan"),))
    assert not [a for a in analyse(c, avail(SPANISH), AS_OF).actions if a.kind == "tell"]


def test_with_nobody_named_the_main_contact_is_told_and_the_title_says_so():
    c = customer(touch(10, 1, with_=("Ana Lima", "Bo Chan")), since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("Spanish handbook", d(50)),))
    (t,) = [a for a in analyse(c, avail(SPANISH), AS_OF).actions if a.kind == "tell"]
    assert t.contact == "Ana Lima" and t.title.endswith("is available \u2014 asked on 1 Oct 2026")


def test_a_multi_word_about_needs_all_its_words():
    a1 = ask("Remote access to the file server", d(5))
    a2 = ask("Remote working policy", d(5))
    entries = Availability.of((Available("Managed remote access", d(1), ("remote access",), 40),))
    assert [hit for _, hit in matches(a1, entries)] == [("remote access",)]
    assert matches(a2, entries) == []


def test_one_tell_per_ask_when_two_entries_match_it():
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("Spanish handbook in print", d(50), from_="Bo Chan"),))
    cfg = avail(("Printed handbooks", d(3), ("print",)), SPANISH)
    (x,) = analyse(c, cfg, AS_OF).arrivals
    assert x.what == "Printed handbooks" and x.also == ("Spanish edition of the handbook",)
    (t,) = [a for a in analyse(c, cfg, AS_OF).actions if a.kind == "tell"]
    assert "It also matches \u201cSpanish edition of the handbook\u201d." in t.why


class _Counted(tuple):
    """A word's list of entries that counts the entries read from it."""

    taken = 0

    def __iter__(self):
        for x in tuple.__iter__(self):
            _Counted.taken += 1
            yield x


def test_an_ask_sharing_words_with_every_entry_costs_what_it_tells():
    """A probe: 800 asks and 800 entries all sharing "export report dashboard" took 8.5 s, every
    ask matched against every entry, seven times over. An ask reads the entries it names (the
    soonest available, up to three more, whether there are others), never all of them."""
    entries = tuple(Available(f"Feature{i}", d(900 - i % 700), ("export", "report", "dashboard", f"feature{i}"), i + 1)
                    for i in range(1000))
    a = Availability.of(entries)
    counted = replace(a, holders=tuple(_Counted(h) for h in a.holders))
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE,
                 asks=(ask("Feature7 please: export the report to a dashboard", d(50), from_="Bo Chan"),))
    _Counted.taken = 0
    (x,) = arrivals(c, counted, AS_OF)
    assert _Counted.taken <= 4 * 6, "the words' lists are read only as far as what is told"
    soonest = sorted(entries, key=lambda e: (e.on, e.line))
    assert (x.what, x.also, x.more) == (soonest[0].what, tuple(e.what for e in soonest[1:4]), True)
    assert x.matched == ("export", "report", "dashboard")  # Feature7 leads only if it is the soonest
    (t,) = [act for act in analyse(c, Config(thresholds=config().thresholds, plays=(), available=a), AS_OF).actions
            if act.kind == "tell"]
    assert t.why.count("It also matches") == 1 and ", and more. Once they are told" in t.why
    _Counted.taken = 0
    # An entry is matched when one of its words is: each word's list read once at most.
    assert unmatched([c], counted) == [] and _Counted.taken <= sum(map(len, a.holders))


def test_unmatched_entries_are_the_ones_no_ask_ever_had():
    cs = (customer(asks=(ask("Spanish handbook", d(5), status="answered"),)),)
    cfg = avail(SPANISH, ("Ukrainian edition", d(1), ("ukranian",)))
    assert [e.what for e in unmatched(cs, cfg.available)] == ["Ukrainian edition"]
    assert arrivals(cs[0], cfg.available, AS_OF) == ()       # answered: done its work, nothing to tell


def test_available_in_playbook_yaml_is_validated_with_lines():
    cfg, problems = parse_config(
        "available:\n"
        "  - what: Spanish edition\n    on: 2026-11-18\n    about: [spanish]\n"
        "  - what: No date\n    about: spanish\n"
        "  - what: Bad words\n    on: 2026-11-18\n    about: [the, '!!']\n"
        "  - what: Typo\n    on: 2026-13-01\n    about: x1\n    abuot: y\n"
        "  - just text\n")
    assert [e.what for e in cfg.available.entries] == ["Spanish edition"]
    assert sorted((p.line, p.message) for p in problems) == [
        (5, "an 'available' entry needs 'on': the date it is available from, like 2026-11-18"),
        (9, "'about' entry '!!' has no word to match by (too common a word, or no letters); use what it is about, "
            "e.g. 'spanish' or 'zero-trust'"),
        (9, "'about' entry 'the' has no word to match by (too common a word, or no letters); use what it is about, "
            "e.g. 'spanish' or 'zero-trust'"),
        (11, "'on: 2026-13-01' is not a real date (month must be in 1..12); check the day and month"),
        (13, "unknown field 'abuot' in an 'available' entry (did you mean 'about'?); expected one of 'what', 'on', "
             "'about'"),
        (14, "each 'available' entry needs 'what', 'on' and 'about' (words that find the asks), not 'just text'"),
    ]
    assert all(p.severity == "error" for p in problems)


@pytest.mark.parametrize("about_yaml, about, problem", [
    ("    about: [spanish, Zero-Trust]\n", ("spanish", "Zero-Trust"), None),
    ("    about: spanish\n", ("spanish",), None),
    ("    about: [spanish, spanish]\n", ("spanish",), None),
    ("    about: [the]\n", (), (6, "error", "'about' entry 'the' has no word to match by (too common a word, or no "
                                            "letters); use what it is about, e.g. 'spanish' or 'zero-trust'")),
    ("    about: {a: b}\n", (), (6, "error", "'about' should be a list like [a, b], not a mapping (key: value lines)")),
    ("    about: [" + ", ".join(f"w{i}" for i in range(21)) + "]\n", tuple(f"w{i}" for i in range(20)),
     (6, "error", "'about' can list at most 20 words or tags; this one has 21")),
])
def test_an_asks_about_words_as_check_reads_them(about_yaml, about, problem):
    from playbook.load import parse_customer
    problems: list = []
    c = parse_customer("name: Acme\ncontacts:\n  - Ravi Sethi\nasks:\n  - what: X\n" + about_yaml, "acme",
                       "content/customers/acme/customer.yaml", Config(), problems)
    (a,) = c.asks
    assert a.about == about
    assert [(p.line, p.severity, p.message) for p in problems] == ([problem] if problem else [])


def test_records_compare_without_what_is_derived_or_where_it_was_written():
    """`Customer.lines` (where each field was written) and `Availability.index` (made from the
    entries) take no part in equality or hashing, as `compare=False` had it for dataclasses."""
    c = customer(touch(30, 0))
    moved = replace(c, lines={"name": 7, "renewal": 12})
    assert moved == c and hash(moved) == hash(c) and moved != replace(c, name="Someone else")
    entries = (Available("Spanish handbook", d(-3), ("spanish",), 4),)
    made = Availability.of(entries)
    bare = Availability(made.entries, {})
    assert made.index and bare == made and hash(bare) == hash(made)
    assert Availability.of(entries + (Available("Pricing sheet", d(-2), ("pricing",), 9),)) != made


@pytest.mark.parametrize("came_in, said", [(30, "Newly available"), (120, "Available, and not yet told")])
def test_the_brief_says_news_is_new_only_while_it_is(came_in, said):
    from playbook.engine.brief import talking_points
    c = customer(touch(10, 1), since=LONG_AGO, contacts=PEOPLE, asks=(ask("Spanish handbook", d(200), from_="Bo Chan"),))
    points = [p.text for p in talking_points(analyse(c, avail(("Spanish edition", d(came_in), ("spanish",))), AS_OF))]
    assert any(p.startswith(f"{said}: Spanish edition (since {fmt_date(d(came_in))})") for p in points), points
