"""Offline geocoding of order destinations: good enough to pick a location and a zone.

Addresses carry no coordinates, so a destination is placed, in this order, at:

1. a centroid stored in Switchyard (``geo_centroids``: postal code prefixes and cities,
   loaded through the carriers API), or a built-in German city (``cities.py``);
2. the built-in centre of its postal region (Germany: first two digits; Austria: first
   digit; the Netherlands: two digits, else one);
3. a built-in city of Austria or the Netherlands;
4. the centre of its country.

Pure Python: callers pass the stored centroids they loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.carriers.zones import (
    COUNTRY_CENTRES,
    Centroids,
    Place,
    fold_city,
    position,
    postal_prefixes,
)

# Centres of postal regions, by country and prefix.
POSTAL_REGIONS: dict[tuple[str, str], tuple[float, float]] = {
    **{
        ("DE", prefix): point
        for prefix, point in {
            "01": (51.05, 13.74), "02": (51.18, 14.43), "03": (51.76, 14.33),
            "04": (51.34, 12.37), "06": (51.48, 11.97), "07": (50.88, 12.08),
            "08": (50.72, 12.49), "09": (50.83, 12.92), "10": (52.52, 13.40),
            "12": (52.45, 13.45), "13": (52.57, 13.30), "14": (52.39, 13.06),
            "15": (52.35, 14.55), "16": (52.83, 13.82), "17": (53.56, 13.26),
            "18": (54.09, 12.10), "19": (53.63, 11.41), "20": (53.55, 10.00),
            "21": (53.25, 10.41), "22": (53.60, 10.05), "23": (53.87, 10.69),
            "24": (54.32, 10.12), "25": (54.00, 9.30), "26": (53.14, 8.21),
            "27": (53.20, 8.90), "28": (53.08, 8.80), "29": (52.62, 10.08),
            "30": (52.37, 9.73), "31": (52.15, 9.95), "32": (52.11, 8.67),
            "33": (52.02, 8.53), "34": (51.31, 9.48), "35": (50.58, 8.68),
            "36": (50.55, 9.68), "37": (51.54, 9.93), "38": (52.27, 10.52),
            "39": (52.12, 11.63), "40": (51.23, 6.77), "41": (51.19, 6.44),
            "42": (51.26, 7.15), "44": (51.51, 7.47), "45": (51.46, 7.01),
            "46": (51.47, 6.85), "47": (51.43, 6.76), "48": (51.96, 7.63),
            "49": (52.28, 8.05), "50": (50.94, 6.96), "51": (50.99, 7.13),
            "52": (50.78, 6.08), "53": (50.73, 7.10), "54": (49.75, 6.64),
            "55": (49.99, 8.25), "56": (50.36, 7.59), "57": (50.87, 8.02),
            "58": (51.36, 7.47), "59": (51.68, 7.82), "60": (50.11, 8.68),
            "61": (50.23, 8.62), "63": (50.00, 9.00), "64": (49.87, 8.65),
            "65": (50.08, 8.24), "66": (49.24, 7.00), "67": (49.44, 7.77),
            "68": (49.49, 8.47), "69": (49.40, 8.67), "70": (48.78, 9.18),
            "71": (48.80, 9.10), "72": (48.50, 9.10), "73": (48.70, 9.60),
            "74": (49.14, 9.22), "75": (48.89, 8.70), "76": (49.01, 8.40),
            "77": (48.47, 7.94), "78": (47.90, 8.70), "79": (48.00, 7.84),
            "80": (48.14, 11.58), "81": (48.12, 11.60), "82": (47.95, 11.30),
            "83": (47.86, 12.12), "84": (48.54, 12.15), "85": (48.60, 11.50),
            "86": (48.37, 10.90), "87": (47.73, 10.31), "88": (47.78, 9.61),
            "89": (48.40, 9.99), "90": (49.45, 11.08), "91": (49.60, 11.00),
            "92": (49.45, 11.86), "93": (49.01, 12.10), "94": (48.57, 13.43),
            "95": (50.00, 11.60), "96": (49.90, 10.90), "97": (49.79, 9.95),
            "98": (50.60, 10.70), "99": (50.98, 11.03),
        }.items()
    },
    **{
        ("AT", prefix): point
        for prefix, point in {
            "1": (48.21, 16.37), "2": (48.00, 16.40), "3": (48.20, 15.60),
            "4": (48.31, 14.29), "5": (47.81, 13.04), "6": (47.27, 11.39),
            "7": (47.50, 16.50), "8": (47.07, 15.44), "9": (46.62, 14.31),
        }.items()
    },
    **{
        ("NL", prefix): point
        for prefix, point in {
            "10": (52.37, 4.90), "25": (52.08, 4.30), "30": (51.92, 4.48),
            "35": (52.09, 5.12), "56": (51.44, 5.47), "97": (53.22, 6.57),
            "1": (52.50, 4.90), "2": (52.10, 4.50), "3": (51.90, 4.90),
            "4": (51.50, 4.30), "5": (51.50, 5.40), "6": (51.80, 5.90),
            "7": (52.30, 6.60), "8": (52.80, 5.90), "9": (53.20, 6.20),
        }.items()
    },
}  # fmt: skip

CITIES: dict[tuple[str, str], tuple[float, float]] = {
    ("AT", "wien"): (48.21, 16.37),
    ("AT", "vienna"): (48.21, 16.37),
    ("AT", "graz"): (47.07, 15.44),
    ("AT", "linz"): (48.31, 14.29),
    ("AT", "salzburg"): (47.81, 13.04),
    ("AT", "innsbruck"): (47.27, 11.39),
    ("NL", "amsterdam"): (52.37, 4.90),
    ("NL", "rotterdam"): (51.92, 4.48),
    ("NL", "den haag"): (52.08, 4.30),
    ("NL", "the hague"): (52.08, 4.30),
    ("NL", "utrecht"): (52.09, 5.12),
    ("NL", "eindhoven"): (51.44, 5.47),
}


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """Where a destination was placed and how precisely (``basis``)."""

    latitude: float
    longitude: float
    basis: str  # coordinates | postal_code | city | postal_region | country | unknown

    def as_dict(self) -> dict[str, object]:
        return {"latitude": self.latitude, "longitude": self.longitude, "basis": self.basis}


def locate(
    country: str, postal_code: str | None, city: str | None, known: Centroids | None = None
) -> GeoPoint | None:
    """The best known position of an address; None when even its country is unknown."""
    country = (country or "").upper()
    found = position(Place(country, postal_code, city), known or {})
    if found is not None:
        (lat, lon), basis = found
        return GeoPoint(lat, lon, basis)
    for prefix in postal_prefixes(postal_code or ""):
        point = POSTAL_REGIONS.get((country, prefix))
        if point:
            return GeoPoint(*point, "postal_region")
    if city:
        point = CITIES.get((country, fold_city(city)))
        if point:
            return GeoPoint(*point, "city")
    centre = COUNTRY_CENTRES.get(country)
    return GeoPoint(*centre, "country") if centre else None
