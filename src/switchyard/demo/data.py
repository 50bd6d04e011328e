"""The demo retailer: channels with their seller, locations in real cities, a catalog
with kits, customers, carriers with zones and rates, postal-code centres, pick slots and
a (fictional) restricted-party list. Every name, VAT id, IBAN and party is made up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# The legal entities the channels invoice as (channels.seller): the retail company runs
# the web shop, the stores, the call centre and the marketplace shop; wholesale is its
# own company. Made-up companies; the VAT ids and IBANs only pass the format checks.
RETAIL_SELLER: dict[str, Any] = {
    "legal_name": "Switchyard Demo Retail GmbH",
    "address": {
        "line1": "Juri-Gagarin-Ring 90",
        "postal_code": "99084",
        "city": "Erfurt",
        "country_code": "DE",
    },
    "vat_id": "DE812345673",
    "registration": "HRB 500001, Amtsgericht Jena",
    "iban": "DE44123456780000987654",
    "email": "invoices@retail.switchyard-demo.example",
    "phone": "+49 361 5550100",
}
WHOLESALE_SELLER: dict[str, Any] = {
    "legal_name": "Switchyard Demo Wholesale GmbH",
    "address": {
        "line1": "Hafenstrasse 5",
        "postal_code": "47119",
        "city": "Duisburg",
        "country_code": "DE",
    },
    "vat_id": "DE294658310",
    "registration": "HRB 30012, Amtsgericht Duisburg",
    "iban": "DE65123456780000543210",
    "email": "invoices@wholesale.switchyard-demo.example",
    "phone": "+49 203 5550200",
}

CHANNELS: list[dict[str, Any]] = [
    {
        "code": "web",
        "name": "Web shop",
        "type": "web",
        "currency": "EUR",
        "backorder_policy": "deny",
        "settings": {"seller": RETAIL_SELLER},
    },
    {
        "code": "pos",
        "name": "Store tills",
        "type": "pos",
        "currency": "EUR",
        "backorder_policy": "deny",
        "settings": {"seller": RETAIL_SELLER},
    },
    {
        "code": "call-center",
        "name": "Call centre",
        "type": "call_center",
        "currency": "EUR",
        "backorder_policy": "deny",
        "settings": {"seller": RETAIL_SELLER},
    },
    {
        "code": "marketplace",
        "name": "Marketplace",
        "type": "marketplace",
        "currency": "EUR",
        "backorder_policy": "deny",
        "settings": {"seller": RETAIL_SELLER},
    },
    {
        "code": "b2b-edi",
        "name": "Wholesale (EDI)",
        "type": "edi",
        "currency": "EUR",
        "backorder_policy": "deny",
        "settings": {"po_required": True, "seller": WHOLESALE_SELLER},
    },
]

# code, name, type, city, postal code, street, country, lat, lon, timezone, capacity
_LOCATIONS = [
    (
        "WH-ERF",
        "Erfurt distribution centre",
        "warehouse",
        "Erfurt",
        "99092",
        "Am Urbicher Kreuz 10",
        "DE",
        50.9787,
        11.0328,
        "Europe/Berlin",
        2000,
    ),
    (
        "WH-DUI",
        "Duisburg warehouse",
        "warehouse",
        "Duisburg",
        "47119",
        "Hafenstrasse 5",
        "DE",
        51.4344,
        6.7623,
        "Europe/Berlin",
        1500,
    ),
    (
        "3PL-RTM",
        "Rotterdam 3PL",
        "3pl",
        "Rotterdam",
        "3089 KM",
        "Waalhaven Zuidzijde 21",
        "NL",
        51.9244,
        4.4777,
        "Europe/Amsterdam",
        800,
    ),
    (
        "ST-BER",
        "Berlin Mitte store",
        "store",
        "Berlin",
        "10178",
        "Alexanderplatz 9",
        "DE",
        52.5200,
        13.4050,
        "Europe/Berlin",
        120,
    ),
    (
        "ST-HAM",
        "Hamburg store",
        "store",
        "Hamburg",
        "20095",
        "Mönckebergstrasse 7",
        "DE",
        53.5511,
        9.9937,
        "Europe/Berlin",
        100,
    ),
    (
        "ST-MUC",
        "Munich store",
        "store",
        "München",
        "80331",
        "Kaufingerstrasse 12",
        "DE",
        48.1351,
        11.5820,
        "Europe/Berlin",
        100,
    ),
    (
        "ST-CGN",
        "Cologne store",
        "store",
        "Köln",
        "50667",
        "Hohe Strasse 41",
        "DE",
        50.9375,
        6.9603,
        "Europe/Berlin",
        80,
    ),
    (
        "ST-FRA",
        "Frankfurt store",
        "store",
        "Frankfurt am Main",
        "60313",
        "Zeil 90",
        "DE",
        50.1109,
        8.6821,
        "Europe/Berlin",
        80,
    ),
    (
        "ST-VIE",
        "Vienna store",
        "store",
        "Wien",
        "1010",
        "Kärntner Strasse 19",
        "AT",
        48.2082,
        16.3738,
        "Europe/Vienna",
        60,
    ),
    (
        "DS-MIL",
        "Milan drop-ship supplier",
        "dropship",
        "Milano",
        "20121",
        "Via Manzoni 3",
        "IT",
        45.4642,
        9.1900,
        "Europe/Rome",
        300,
    ),
]


def locations() -> list[dict[str, Any]]:
    result = []
    for code, name, kind, city, postal, street, country, lat, lon, tz, capacity in _LOCATIONS:
        caps = {
            "warehouse": ["ship", "returns"],
            "3pl": ["ship"],
            "dropship": ["ship"],
            "store": ["ship", "pickup", "ship_from_store", "returns"],
        }[kind]
        result.append(
            {
                "code": code,
                "name": name,
                "type": kind,
                "timezone": tz,
                "capabilities": caps,
                "latitude": lat,
                "longitude": lon,
                "daily_capacity": capacity,
                "cutoff_time": "14:00" if kind == "store" else "16:00",
                "processing_days": [1, 2, 3, 4, 5, 6] if kind == "store" else [1, 2, 3, 4, 5],
                "address": {
                    "line1": street,
                    "city": city,
                    "postal_code": postal,
                    "country_code": country,
                },
            }
        )
    return result


PRODUCTS = [
    ("Merino crew sweater", "KNT", 89, 380),
    ("Organic cotton tee", "TEE", 25, 180),
    ("Selvedge denim jeans", "DNM", 129, 720),
    ("Waxed field jacket", "JKT", 249, 1400),
    ("Linen shirt", "LIN", 69, 240),
    ("Wool overcoat", "COA", 329, 1900),
    ("Running shoe", "RUN", 139, 820),
    ("Leather belt", "BLT", 49, 210),
    ("Canvas tote", "TOT", 29, 300),
    ("Cashmere scarf", "SCF", 119, 160),
    ("Rain parka", "PRK", 179, 950),
    ("Chino trousers", "CHN", 79, 520),
    ("Hooded sweatshirt", "HOD", 65, 610),
    ("Down vest", "VST", 149, 480),
    ("Trail sock 3-pack", "SCK", 19, 150),
    ("Beanie", "BNE", 29, 90),
    ("Leather sneaker", "SNK", 159, 900),
    ("Polo shirt", "POL", 55, 230),
    ("Corduroy shirt", "CRD", 85, 330),
    ("Fleece pullover", "FLC", 75, 420),
    ("Swim shorts", "SWM", 45, 150),
    ("Oxford shirt", "OXF", 69, 260),
    ("Quilted jacket", "QLT", 189, 700),
    ("Cargo shorts", "CRG", 59, 340),
    ("Cable knit cardigan", "CDG", 119, 560),
    ("Weekender bag", "BAG", 199, 1300),
    ("Leather gloves", "GLV", 69, 140),
    ("Rib knit dress", "DRS", 99, 380),
    ("Puffer coat", "PUF", 229, 1100),
    ("Silk scarf", "SLK", 79, 60),
]
SIZES = ["XS", "S", "M", "L", "XL"]
COLOURS = ["black", "navy", "olive"]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hannah",
    "Ivan",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Sven",
    "Tara",
    "Uwe",
    "Vera",
    "Wim",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
]
# city, postal code, street, country
ADDRESSES = [
    ("Berlin", "10115", "Invalidenstrasse 12", "DE"),
    ("Hamburg", "20354", "Neuer Wall 3", "DE"),
    ("München", "80802", "Leopoldstrasse 44", "DE"),
    ("Köln", "50672", "Ehrenstrasse 8", "DE"),
    ("Frankfurt am Main", "60311", "Berliner Strasse 20", "DE"),
    ("Stuttgart", "70173", "Königstrasse 2", "DE"),
    ("Leipzig", "04109", "Petersstrasse 15", "DE"),
    ("Dresden", "01067", "Wilsdruffer Strasse 9", "DE"),
    ("Hannover", "30159", "Georgstrasse 1", "DE"),
    ("Nürnberg", "90402", "Karolinenstrasse 30", "DE"),
    ("Bremen", "28195", "Obernstrasse 6", "DE"),
    ("Wien", "1070", "Mariahilfer Strasse 50", "AT"),
    ("Amsterdam", "1012 JS", "Damrak 70", "NL"),
]

# Centres of the postal codes and cities above (locations and customer addresses), so
# carrier zones and sourcing place every demo address the same way, without geocoding.
# country, postal code or None, city or None, latitude, longitude
CENTROIDS: list[tuple[str, str | None, str | None, float, float]] = [
    ("DE", "10115", None, 52.532, 13.384),
    ("DE", "10178", None, 52.521, 13.410),
    ("DE", "20354", None, 53.556, 9.989),
    ("DE", "20095", None, 53.551, 10.000),
    ("DE", "80802", None, 48.160, 11.586),
    ("DE", "80331", None, 48.136, 11.572),
    ("DE", "50672", None, 50.939, 6.940),
    ("DE", "50667", None, 50.938, 6.956),
    ("DE", "60311", None, 50.111, 8.683),
    ("DE", "60313", None, 50.115, 8.684),
    ("DE", "70173", None, 48.778, 9.178),
    ("DE", "04109", None, 51.340, 12.373),
    ("DE", "01067", None, 51.054, 13.730),
    ("DE", "30159", None, 52.374, 9.738),
    ("DE", "90402", None, 49.449, 11.076),
    ("DE", "28195", None, 53.077, 8.805),
    ("DE", "99092", None, 50.983, 10.990),
    ("DE", "99084", None, 50.978, 11.034),
    ("DE", "47119", None, 51.452, 6.740),
    ("AT", "1070", None, 48.202, 16.349),
    ("AT", "1010", None, 48.208, 16.372),
    ("NL", "1012 JS", None, 52.375, 4.896),
    ("NL", "3089 KM", None, 51.885, 4.430),
    ("IT", "20121", None, 45.472, 9.188),
    ("DE", None, "Berlin", 52.520, 13.405),
    ("DE", None, "Hamburg", 53.551, 9.994),
    ("DE", None, "München", 48.137, 11.575),
    ("DE", None, "Köln", 50.938, 6.960),
    ("DE", None, "Frankfurt am Main", 50.111, 8.682),
    ("DE", None, "Stuttgart", 48.776, 9.183),
    ("DE", None, "Leipzig", 51.340, 12.375),
    ("DE", None, "Dresden", 51.050, 13.738),
    ("DE", None, "Hannover", 52.376, 9.732),
    ("DE", None, "Nürnberg", 49.452, 11.077),
    ("DE", None, "Bremen", 53.079, 8.802),
    ("DE", None, "Erfurt", 50.978, 11.029),
    ("DE", None, "Duisburg", 51.434, 6.762),
    ("AT", None, "Wien", 48.208, 16.373),
    ("NL", None, "Amsterdam", 52.370, 4.895),
    ("NL", None, "Rotterdam", 51.924, 4.478),
    ("IT", None, "Milano", 45.464, 9.190),
]

# Carrier zones (carriers/zones.py): 1-3 same country up to 100/300/600 km, 4 farther,
# 5 abroad up to 1,500 km, 6 farther abroad. The standard services take sourcing's days
# (its default cost model: 1 up to 250 km, 2 up to 700 km, 3 beyond), so in Germany a
# label arrives when the order promised, or a day sooner between 250 and 300 km and past
# 700 km: Erfurt -> Berlin (237 km) is zone 2, 1 day for both. Abroad sourcing may count
# 1 day (Duisburg -> Amsterdam, 165 km) where the standard services take 2: the rate
# shopper then takes DPD Express 12 when the standard ones would arrive too late.
STANDARD_TRANSIT = {1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 4}
EXPRESS_TRANSIT = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
WEIGHT_BANDS = (2000, 5000, 10000, 31500)  # grams: the smallest band that holds a parcel


def _rates(prices: dict[int, tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    return [
        {"zone": zone, "max_weight_grams": grams, "amount": Decimal(amount)}
        for zone, amounts in prices.items()
        for grams, amount in zip(WEIGHT_BANDS, amounts, strict=True)
    ]


def _domestic(*amounts: str) -> dict[int, tuple[str, str, str, str]]:
    """One German price list for zones 1 to 4 (parcel prices do not rise with distance)."""
    band = (amounts[0], amounts[1], amounts[2], amounts[3])
    return dict.fromkeys((1, 2, 3, 4), band)


# Net contract prices per parcel (EUR), roughly what a mid-sized shop pays: GLS is the
# cheapest for light parcels, DPD from 2 kg, DHL for heavy ones and abroad.
CARRIERS: list[dict[str, Any]] = [
    {
        "code": "DHL",
        "name": "DHL Paket",
        "tracking_pattern": "00340434###########!",
        "tracking_url": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html"
        "?piececode={tracking_number}",
        "services": [
            {
                "code": "paket",
                "name": "DHL Paket",
                "currency": "EUR",
                "rates": _rates(
                    _domestic("4.59", "5.49", "7.29", "10.99")
                    | {
                        5: ("12.90", "15.90", "19.90", "29.90"),
                        6: ("18.90", "23.90", "31.90", "47.90"),
                    }
                ),
                "transit_days": STANDARD_TRANSIT,
            }
        ],
    },
    {
        "code": "DPD",
        "name": "DPD",
        "tracking_pattern": "0150#########!",
        "tracking_url": "https://tracking.dpd.de/status/de_DE/parcel/{tracking_number}",
        "services": [
            {
                "code": "classic",
                "name": "DPD Classic",
                "currency": "EUR",
                "rates": _rates(
                    _domestic("4.79", "5.19", "6.99", "11.49")
                    | {
                        5: ("13.50", "16.50", "20.50", "31.00"),
                        6: ("21.00", "26.00", "34.00", "52.00"),
                    }
                ),
                "transit_days": STANDARD_TRANSIT,
            },
            {
                "code": "express12",
                "name": "DPD Express 12",
                "currency": "EUR",
                "rates": _rates(
                    _domestic("14.90", "16.90", "19.90", "27.90")
                    | {5: ("24.90", "29.90", "36.90", "54.90")}
                ),
                "transit_days": EXPRESS_TRANSIT,
            },
        ],
    },
    {
        "code": "GLS",
        "name": "GLS",
        "tracking_pattern": "###########!",
        "tracking_url": "https://gls-group.com/DE/de/paketverfolgung?match={tracking_number}",
        "services": [
            {
                "code": "business",
                "name": "GLS BusinessParcel",
                "currency": "EUR",
                "rates": _rates(
                    _domestic("4.19", "5.39", "7.49", "11.99")
                    | {5: ("13.20", "16.20", "20.90", "30.90")}
                ),
                "transit_days": {z: d for z, d in STANDARD_TRANSIT.items() if z != 6},
            }
        ],
    },
]

# Pick areas of the warehouses by product prefix, and the aisle each area starts at.
PICK_ZONES: dict[str, tuple[str, ...]] = {
    "TOPS": ("KNT", "TEE", "LIN", "POL", "CRD", "FLC", "OXF", "HOD", "CDG", "DRS"),
    "BOTTOMS": ("DNM", "CHN", "SWM", "CRG"),
    "OUTERWEAR": ("JKT", "COA", "PRK", "VST", "QLT", "PUF"),
    "SHOES": ("RUN", "SNK"),
    "ACCESSORIES": ("BLT", "TOT", "SCF", "SCK", "BNE", "BAG", "GLV", "SLK"),
}
PICKING_LOCATIONS = ("WH-ERF", "WH-DUI")

# Kits: one SKU sold as a bundle of demo SKUs (code, name, price, [(component, units)]).
KITS: list[tuple[str, str, int, list[tuple[str, int]]]] = [
    (
        "KIT-CITY-M",
        "City outfit: merino sweater, selvedge jeans and leather belt, M",
        239,
        [("KNT-NAV-M", 1), ("DNM-NAV-M", 1), ("BLT-BLA-M", 1)],
    ),
    (
        "KIT-TRAIL-L",
        "Trail set: fleece pullover, cargo shorts and two sock 3-packs, L",
        149,
        [("FLC-OLI-L", 1), ("CRG-OLI-L", 1), ("SCK-BLA-L", 2)],
    ),
    (
        "KIT-WINTER-S",
        "Winter gift set: beanie, cashmere scarf and leather gloves, S",
        189,
        [("BNE-NAV-S", 1), ("SCF-NAV-S", 1), ("GLV-BLA-S", 1)],
    ),
]
KIT_ORDER_EVERY = 20  # every 20th demo order (the 8th, 28th, ...) buys a kit

# A restricted-party list in the CSL layout compliance loads: FICTIONAL parties, for the
# demo only; none is a real person or company. Screening is on once a list is loaded.
DEMO_LIST_SOURCE = "Demo restricted-party list (fictional, Switchyard demo only)"
DENIED_PARTIES: list[dict[str, str]] = [
    {
        "_id": "demo-1",
        "type": "Entity",
        "name": "Borealis Dual-Use Trading FZE",
        "alt_names": "Borealis DUT",
        "addresses": "Plot 17, Freezone North, Dubai, AE",
    },
    {
        "_id": "demo-2",
        "type": "Entity",
        "name": "Karvask Maritime Logistics Ltd",
        "alt_names": "KML Shipping; Karvask Shipping",
        "addresses": "Pier 4, Limassol, CY",
    },
    {
        "_id": "demo-3",
        "type": "Entity",
        "name": "Orlan Aerotech Components",
        "alt_names": "",
        "addresses": "Industrial Zone 9, Minsk, BY",
    },
    {
        "_id": "demo-4",
        "type": "Individual",
        "name": "Dragan Velkovski",
        "alt_names": "Dragan Velkovsky",
        "addresses": "Skopje, MK",
    },
    {
        "_id": "demo-5",
        "type": "Individual",
        "name": "Ismet Quarrow",
        "alt_names": "",
        "addresses": "Tirana, AL",
    },
]
# The demo order that screening holds: a customer named like a listed party.
SCREENED_CUSTOMER = ("Dragan Velkovsky", "dragan.velkovsky@example.com")
# Embargoed destinations (real country codes, demo entries: not legal advice).
EMBARGOES: list[dict[str, str]] = [
    {"country_code": "KP", "action": "error", "reason": "demo embargo list: full embargo"},
    {"country_code": "IR", "action": "error", "reason": "demo embargo list: full embargo"},
    {"country_code": "SY", "action": "error", "reason": "demo embargo list: full embargo"},
    {"country_code": "RU", "action": "hold", "reason": "demo embargo list: check each order"},
]
