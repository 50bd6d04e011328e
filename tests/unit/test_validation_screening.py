"""Denied-party screening: typos, word order, diacritics and scripts match; others do not."""

from __future__ import annotations

import random
import string

import pytest

from switchyard.orders.validation.names import normalise_name
from switchyard.orders.validation.screening import DeniedParty, PartyScreener

PARTIES = [
    DeniedParty("p1", "TARASOV, Grigory Valentinovich", ("TARASSOV, Grigoriy",), "SDN"),
    DeniedParty("p2", "Orion Vektor Trading LLC", ("OVT General Trading",), "EL"),
    DeniedParty("p3", "Jean-Baptiste LEFÈVRE", (), "DPL"),
    DeniedParty("p4", "ZARKOVIĆ, Milorad", (), "SDN"),
    DeniedParty("p5", "AL-QARAWI, Yusuf Hamid", ("Yousef Hamed QAR'AWI",), "SDN"),
    DeniedParty("p6", "Nordwind Maschinenbau GmbH", (), "MEU"),
    DeniedParty("p7", "SEA SPARROW", (), "SDN"),
]
SCREENER = PartyScreener(PARTIES)


def match(name: str, threshold: float = 90):
    screening = SCREENER.screen(name, threshold)
    return screening.match.party.id if screening.match else None


@pytest.mark.parametrize(
    ("name", "party"),
    [
        ("Grigory Valentinovich Tarasov", "p1"),  # word order
        ("grigory valentinovich tarasov", "p1"),
        ("Grigoriy Tarassov", "p1"),  # an alternative name
        ("Grigory Tarasov", "p1"),  # every word appears in the listed name
        ("Grigory Valentinovitch Tarasov", "p1"),  # typo
        ("Григорий Тарасов", "p1"),  # Cyrillic, transliterated
        ("Orion Vektor Trading", "p2"),  # legal form dropped
        ("ORION VECTOR TRADING L.L.C.", "p2"),  # spelling variant
        ("Jean Baptiste Lefevre", "p3"),  # diacritics and hyphen
        ("Lefèvre, Jean-Baptiste", "p3"),
        ("Milorad Zarkovic", "p4"),
        ("Yusuf Hamid Al Qarawi", "p5"),
        ("Yousef Hamed Qarawi", "p5"),  # apostrophe
        ("Nordwind Maschinenbau AG", "p6"),
        ("NORDWINDMASCHINENBAU", "p6"),  # words run together
        ("Sea Sparrow Shipping", "p7"),  # the listed name within a longer one
    ],
)
def test_matches(name, party):
    assert match(name) == party


@pytest.mark.parametrize(
    "name",
    [
        "Grigory Smirnov",
        "Orion Health",
        "Jean Dupont",
        "Milorad",  # one word of a listed name is not a match
        "Sparrow",
        "Acme Trading GmbH",
        "Maria Tarasova Kuznetsova",
        "",
        "...",
    ],
)
def test_non_matches(name):
    assert match(name) is None


def test_threshold_decides_fuzzy_matches():
    assert match("Grigori Tarasoff Valentinovic", 80) == "p1"
    assert match("Grigori Tarasoff Valentinovic", 97) is None


def test_match_details():
    found = SCREENER.screen("Zarković Milorad").match
    assert found is not None
    assert (found.method, found.score, found.matched_name) == ("exact", 100.0, "ZARKOVIĆ, Milorad")
    fuzzy = SCREENER.screen("Milorad Zarkowic").match
    assert fuzzy is not None and fuzzy.method == "fuzzy" and 90 <= fuzzy.score < 100


def test_names_in_other_scripts_are_marked_unscreenable():
    screening = SCREENER.screen("山田太郎")
    assert not screening.screenable and screening.match is None
    assert SCREENER.screen("Grigory Tarasov").screenable


def test_normalisation():
    assert normalise_name("Müller-Lüdenscheidt GmbH").tokens == ("ludenscheidt", "muller")
    assert normalise_name("Straße & Söhne Ltd.").tokens == ("sohne", "strasse")
    assert normalise_name("The Company").tokens == ("company", "the")  # nothing but fillers


def test_empty_screener_finds_nothing():
    empty = PartyScreener.empty()
    assert len(empty) == 0 and empty.screen("Grigory Tarasov").match is None


def test_a_large_list_still_finds_typos():
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))

    parties = [DeniedParty(f"x{i}", f"{word()} {word()} {word()}") for i in range(20_000)]
    screener = PartyScreener([*parties, *PARTIES])
    assert len(screener) == 20_007
    target = parties[12_345].name
    typo = target[:2] + target[3] + target[2] + target[4:]  # two letters swapped
    hit = screener.screen(typo).match
    assert hit is not None and hit.party.id == "x12345"
    assert screener.screen("Grigory Valentinovitch Tarasov").match.party.id == "p1"
    assert screener.screen("Completely Unlisted Person").match is None
