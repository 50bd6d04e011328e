from switchyard.carriers.zones import (
    CITY,
    POSTAL,
    Place,
    fold_city,
    position,
    postal_prefixes,
    zone_for,
)

ERFURT = Place("DE", "99092", "Erfurt", 50.98, 11.03)


def test_city_names_fold_to_one_key():
    assert fold_city("Köln") == fold_city("KOELN") == "koeln"
    assert fold_city("  Halle (Saale) ") == "halle saale"
    assert fold_city("Saint-Étienne") == "saint etienne"
    assert postal_prefixes("sw1a 1aa")[:2] == ["SW1A1AA", "SW1A1A"]
    assert postal_prefixes("") == []


def test_position_prefers_coordinates_then_postal_code_then_city():
    known = {("DE", POSTAL, "101"): (52.53, 13.38), ("DE", CITY, "kleinstadt"): (50.0, 10.0)}
    assert position(ERFURT, known) == ((50.98, 11.03), "coordinates")
    assert position(Place("DE", "10115", "Berlin"), known) == ((52.53, 13.38), "postal_code")
    assert position(Place("DE", "99999", "Kleinstadt"), known) == ((50.0, 10.0), "city")
    assert position(Place("DE", None, "München"), {})[1] == "city"  # built-in, local name
    assert position(Place("DE", None, "Nowhere"), known) is None


def test_domestic_zones_follow_distance_bands():
    assert zone_for(ERFURT, Place("DE", None, "Erfurt"), {}).zone == 1
    berlin = zone_for(ERFURT, Place("DE", "10115", "Berlin"), {})
    assert (berlin.zone, berlin.basis) == (2, "city") and 230 < (berlin.distance_km or 0) < 245
    assert zone_for(ERFURT, Place("DE", None, "Kiel"), {}).zone == 3  # ~ 390 km
    far = zone_for(Place("DE", None, "Freiburg"), Place("DE", None, "Rostock"), {})
    assert far.zone == 4  # ~ 780 km
    assert zone_for(ERFURT, Place("DE", "12345", "Unknown"), {}).zone == 4
    unknown = zone_for(Place("DE"), Place("DE", None, "Berlin"), {})
    assert (unknown.zone, unknown.basis, unknown.distance_km) == (4, "country", None)


def test_abroad_uses_the_country_centre_when_the_place_is_unknown():
    vienna = zone_for(ERFURT, Place("AT", "1010", "Wien"), {})
    assert (vienna.zone, vienna.basis) == (5, "country")
    known = {("AT", CITY, "wien"): (48.21, 16.37)}
    assert zone_for(ERFURT, Place("AT", "1010", "Wien"), known).basis == "city"
    assert zone_for(ERFURT, Place("US", None, "Denver"), {}).zone == 6
    assert zone_for(ERFURT, Place("ZZ", None, "Atlantis"), {}).zone == 6
