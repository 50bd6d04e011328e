"""Shipping zones from great-circle distance, without online geocoding.

A destination's position is the centre of its postal code (the longest known prefix),
else of its city, from centroids loaded into Switchyard (plus a built-in list of German
cities). Zones, the keys of every rate table and transit time:

====  =====================================================================
zone  meaning
====  =====================================================================
1     same country, up to 100 km
2     same country, up to 300 km
3     same country, up to 600 km
4     same country, farther, or position unknown (the safe assumption)
5     another country, up to 1,500 km (country centre when the place is unknown)
6     another country, farther, or its centre unknown
====  =====================================================================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from switchyard.sourcing.cities import CITIES
from switchyard.sourcing.geo import distance_km

ZONES = (1, 2, 3, 4, 5, 6)
DOMESTIC_BANDS = ((100.0, 1), (300.0, 2), (600.0, 3))
DOMESTIC_FAR = 4
NEAR_ABROAD_KM, NEAR_ABROAD, FAR_ABROAD = 1500.0, 5, 6

POSTAL, CITY = "postal", "city"

# Approximate geographic centres, for the country-level zone of foreign destinations.
COUNTRY_CENTRES: dict[str, tuple[float, float]] = {
    "AT": (47.52, 14.55),
    "BE": (50.50, 4.47),
    "BG": (42.73, 25.49),
    "CH": (46.82, 8.23),
    "CZ": (49.82, 15.47),
    "DE": (51.17, 10.45),
    "DK": (56.26, 9.50),
    "EE": (58.60, 25.01),
    "ES": (40.46, -3.75),
    "FI": (61.92, 25.75),
    "FR": (46.23, 2.21),
    "GB": (55.38, -3.44),
    "GR": (39.07, 21.82),
    "HU": (47.16, 19.50),
    "IE": (53.41, -8.24),
    "IT": (41.87, 12.57),
    "LT": (55.17, 23.88),
    "LU": (49.82, 6.13),
    "LV": (56.88, 24.60),
    "NL": (52.13, 5.29),
    "NO": (60.47, 8.47),
    "PL": (51.92, 19.15),
    "PT": (39.40, -8.22),
    "RO": (45.94, 24.97),
    "SE": (60.13, 18.64),
    "SI": (46.15, 15.00),
    "SK": (48.67, 19.70),
    "US": (37.09, -95.71),
    "CA": (56.13, -106.35),
}

# Local names of the built-in cities whose list name is the English one.
_CITY_ALIASES = {
    "muenchen": "munich",
    "koeln": "cologne",
    "nuernberg": "nuremberg",
    "hannover": "hanover",
    "frankfurt am main": "frankfurt",
    "halle saale": "halle",
}


def fold_city(name: str) -> str:
    """A city name as a lookup key: lower case, umlauts spelled out, accents and
    punctuation dropped ("Köln" and "KOELN" -> "koeln", "Halle (Saale)" -> "halle saale")."""
    text = name.strip().lower()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def fold_postal(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


def postal_prefixes(code: str) -> list[str]:
    """Every prefix of the postal code, longest first ("10115" -> "10115", "1011", ...)."""
    folded = fold_postal(code)
    return [folded[:n] for n in range(len(folded), 0, -1)]


BUILT_IN_CITIES: dict[tuple[str, str], tuple[float, float]] = {
    ("DE", fold_city(name)): (lat, lon) for name, lat, lon, _ in CITIES
}


@dataclass(frozen=True, slots=True)
class Place:
    country_code: str
    postal_code: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Zone:
    zone: int
    distance_km: float | None
    basis: str  # coordinates | postal_code | city | country


Centroids = dict[tuple[str, str, str], tuple[float, float]]  # (country, kind, key) -> lat, lon


def position(place: Place, known: Centroids) -> tuple[tuple[float, float], str] | None:
    """Where a place is, and how we know: its coordinates, postal code or city centre."""
    if place.latitude is not None and place.longitude is not None:
        return (place.latitude, place.longitude), "coordinates"
    country = place.country_code.upper()
    for prefix in postal_prefixes(place.postal_code or ""):
        found = known.get((country, POSTAL, prefix))
        if found:
            return found, "postal_code"
    if place.city:
        key = fold_city(place.city)
        found = known.get((country, CITY, key)) or BUILT_IN_CITIES.get(
            (country, _CITY_ALIASES.get(key, key))
        )
        if found:
            return found, "city"
    return None


def zone_for(origin: Place, destination: Place, known: Centroids) -> Zone:
    """The zone of a shipment from ``origin`` to ``destination``."""
    domestic = origin.country_code.upper() == destination.country_code.upper()
    start, end = position(origin, known), position(destination, known)
    if domestic:
        if start is None or end is None:
            return Zone(DOMESTIC_FAR, None, "country")
        km = distance_km(*start[0], *end[0])
        band = next((z for limit, z in DOMESTIC_BANDS if km <= limit), DOMESTIC_FAR)
        return Zone(band, round(km, 1), end[1])
    basis = end[1] if end else "country"
    target = end[0] if end else COUNTRY_CENTRES.get(destination.country_code.upper())
    source = start[0] if start else COUNTRY_CENTRES.get(origin.country_code.upper())
    if source is None or target is None:
        return Zone(FAR_ABROAD, None, "country")
    km = distance_km(*source, *target)
    return Zone(NEAR_ABROAD if km <= NEAR_ABROAD_KM else FAR_ABROAD, round(km, 1), basis)
