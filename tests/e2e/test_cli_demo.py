"""The demo loader and the API-key CLI, on a fresh SQLite file; what the demo holds
(carriers, centroids, pick slots, compliance lists, kits, sellers), on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from switchyard.api.app import create_app
from switchyard.auth.domain import SCOPES
from switchyard.carriers.tracking_numbers import luhn_valid
from switchyard.carriers.zones import fold_city, fold_postal
from switchyard.channels.repository import ChannelRepository
from switchyard.cli.main import app
from switchyard.config import Settings
from switchyard.db.engine import make_engine
from switchyard.db.migrate import upgrade
from switchyard.db.uow import Database
from switchyard.demo import data, loader
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.inventory import verify as inventory_verify
from switchyard.kernel.events import Actor
from switchyard.locations.repository import LocationRepository
from switchyard.orders.repository import OrderRepository
from switchyard.sourcing import adapter
from switchyard.sourcing.geo import distance_km
from tests.conftest import fresh_db_url
from tests.e2e.test_documents_recipient import text_of
from tests.helpers import make_key


def test_demo_loads_a_consistent_retailer(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", url)
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--orders", "40"])
    assert result.exit_code == 0, result.output
    assert "10 locations" in result.output
    assert "3 kits, 3 carriers" in result.output and "900 pick slots" in result.output
    again = runner.invoke(app, ["demo"])
    assert "already loaded" in again.output

    db = Database(make_engine(Settings(database_url=url).database_url))
    orders = db.run(
        Actor.system("test"),
        lambda uow: uow.repo(OrderRepository).search(limit=100),
        read_only=True,
    )
    statuses = {o.status for o in orders}
    assert len(orders) >= 30
    assert {"delivered", "allocated"} <= statuses
    problems = db.run(Actor.system("test"), inventory_verify.verify, read_only=True)
    assert problems == []


def test_apikey_cli_prints_a_working_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", f"sqlite:///{tmp_path / 'keys.db'}")
    runner = CliRunner()
    result = runner.invoke(app, ["apikey", "create", "--name", "shop", "--scopes", "orders:read"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("sy_")
    listed = runner.invoke(app, ["apikey", "list"])
    assert "shop" in listed.output and key not in listed.output
    bad = runner.invoke(app, ["apikey", "create", "--name", "x", "--scopes", "orders:fly"])
    assert bad.exit_code != 0


# -- what the demo holds, through the API, on both databases ------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from fresh_db_url(request, tmp_path_factory)


@pytest.fixture(scope="module")
def database(db_url: str) -> Iterator[Database]:
    """A fresh database with the demo loaded (40 orders)."""
    engine = make_engine(db_url, pool_size=10)
    upgrade(engine)
    db = Database(engine)
    loader.load(db, lambda _label, total: iter(range(total)), orders_count=40)
    yield db
    engine.dispose()


@pytest.fixture(scope="module")
def client(db_url: str, database: Database) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url, auth_cache_seconds=0.0), database)
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {make_key(database, sorted(SCOPES))}"
        yield c


def get(client: TestClient, url: str, **params: Any) -> Any:
    r = client.get(f"/api/v1{url}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_demo_has_carriers_with_services_zones_and_rates(client):
    carriers = {c["code"]: c for c in get(client, "/carriers")["items"]}
    assert set(carriers) == {"DHL", "DPD", "GLS"}
    for carrier in carriers.values():
        assert carrier["tracking_url"].startswith("https://")
        for service in carrier["services"]:
            zones = {r["zone"] for r in service["rates"]}
            assert {1, 2, 3, 4, 5} <= zones <= {int(z) for z in service["transit_days"]}
            assert service["transit_days"]["2"] == 1  # same day band as sourcing's Z2
    services = {(c, s["code"]) for c in carriers for s in carriers[c]["services"]}
    assert ("DPD", "express12") in services and len(services) == 4


def test_every_demo_address_has_a_centroid(client):
    centroids = get(client, "/geo-centroids", limit=200)["items"]
    known = {(c["country_code"], c["kind"], c["key"]) for c in centroids}
    places = [(country, postal, city) for city, postal, _, country in data.ADDRESSES]
    places += [
        (loc["address"]["country_code"], loc["address"]["postal_code"], loc["address"]["city"])
        for loc in data.locations()
    ]
    for country, postal, city in places:
        assert (country, "postal", fold_postal(postal)) in known, postal
        assert (country, "city", fold_city(city)) in known, city


def sourcing_transit(database: Database, location_code: str, address: dict[str, Any]) -> int:
    """The transit days sourcing counts from a location to an address (as ``problem.py``)."""

    def read(uow: Any) -> int:
        location = uow.repo(LocationRepository).get(location_code)
        channel = uow.repo(ChannelRepository).get("web")
        point = adapter.place_address(uow, address)
        assert point is not None and point.basis == "postal_code"
        km = distance_km(
            location["latitude"], location["longitude"], point.latitude, point.longitude
        )
        return adapter.channel_setup(uow, channel["id"]).cost_model.zone_for(km).transit_days

    return int(database.run(Actor.system("test"), read, read_only=True))


def test_carrier_quotes_agree_with_sourcing_erfurt_to_berlin(client, database):
    berlin = {"country_code": "DE", "postal_code": "10115", "city": "Berlin"}
    r = client.post(
        "/api/v1/rate-quotes",
        json={"location": "WH-ERF", "destination": berlin, "weights_grams": [900]},
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["zone"]["zone"] == 2 and answer["zone"]["basis"] == "postal_code"
    assert 230 < answer["zone"]["distance_km"] < 245
    standard = [q for q in answer["quotes"] if q["service"] != "express12"]
    assert len(standard) == 3
    assert {q["transit_days"] for q in standard} == {sourcing_transit(database, "WH-ERF", berlin)}
    assert answer["best"]["transit_days"] == 1
    assert (answer["best"]["carrier"], answer["best"]["amount"]) == ("GLS", "4.19")


def test_no_standard_carrier_quote_arrives_after_sourcing_s_promise_in_germany(client, database):
    warehouses = [loc for loc in data.locations() if loc["type"] == "warehouse"]
    for loc in warehouses:
        for city, postal, _, country in data.ADDRESSES:
            if country != "DE":
                continue
            place = {"country_code": country, "postal_code": postal, "city": city}
            body = {"location": loc["code"], "destination": place, "weights_grams": [900]}
            answer = client.post("/api/v1/rate-quotes", json=body).json()
            assert answer["zone"]["basis"] == "postal_code"
            promised = sourcing_transit(database, loc["code"], place)
            for q in answer["quotes"]:
                assert q["transit_days"] <= promised, (loc["code"], city, q)


def test_shipments_from_our_locations_carry_rate_shopped_labels(client, database):
    def read(uow: Any) -> list[Any]:
        found = []
        for order in uow.repo(OrderRepository).search(limit=100):
            found += uow.repo(FulfillmentRepository).for_order(order.id)
        return found

    shipped = [
        f
        for f in database.run(Actor.system("test"), read, read_only=True)
        if f.status in ("shipped", "delivered")
    ]
    own = {loc["code"] for loc in data.locations() if loc["type"] in ("warehouse", "store")}
    codes = {loc["id"]: loc["code"] for loc in get(client, "/locations", limit=50)["items"]}
    labelled = [f for f in shipped if codes[f.location_id] in own]
    assert labelled
    for f in labelled:
        for p in f.packages:
            assert p.carrier in {"DHL", "DPD", "GLS"} and p.service and p.shipping_cost
            assert luhn_valid(p.tracking_number or ""), p.tracking_number


def test_the_warehouses_have_a_pick_slot_for_every_sku(client, database):
    skus = len(data.PRODUCTS) * len(data.COLOURS) * len(data.SIZES)
    for code in data.PICKING_LOCATIONS:
        slots, cursor = [], None
        while True:
            page = get(
                client,
                "/pick-slots",
                location=code,
                limit=100,
                **({"cursor": cursor} if cursor else {}),
            )
            slots += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        assert len(slots) == skus
        assert {s["zone"] for s in slots} == set(data.PICK_ZONES)
        assert len({(s["zone"], s["bin"]) for s in slots}) == skus  # one SKU per bin


def test_screening_is_on_with_a_fictional_list_and_embargoes(client):
    listed = get(client, "/compliance/denied-party-list")
    assert listed["count"] == len(data.DENIED_PARTIES)
    assert listed["sources"] == {data.DEMO_LIST_SOURCE: len(data.DENIED_PARTIES)}
    embargoes = {e["country_code"]: e for e in get(client, "/compliance/embargoes")["items"]}
    assert set(embargoes) == {"KP", "IR", "SY", "RU"}
    assert all("demo" in e["reason"] for e in embargoes.values())
    assert get(client, "/compliance/settings")["screening_threshold"] == 90
    hit = get(client, "/compliance/denied-party-list/screen", name="Dragan Velkovski")
    assert hit["match"]["listed_name"] == "Dragan Velkovski"
    (held,) = get(client, "/orders", external_id="DEMO-SCREENED-1")["items"]
    assert held["status"] == "on_hold"
    order = get(client, f"/orders/{held['id']}")
    (hold,) = order["holds"]
    assert hold["type"] == "compliance" and data.DEMO_LIST_SOURCE in hold["reason"]
    others = get(client, "/orders", status="on_hold", limit=100)["items"]
    assert [o["external_id"] for o in others] == ["DEMO-SCREENED-1"]  # no false positive


def test_kits_are_priced_bundles_of_demo_skus_and_demo_orders_buy_them(client):
    for code, _, price, parts in data.KITS:
        kit = get(client, f"/skus/{code}")
        assert kit["is_kit"]
        assert sorted((c["sku"], c["quantity"]) for c in kit["components"]) == sorted(parts)
        prices = get(client, f"/skus/{code}/prices")["prices"]
        assert {Decimal(str(p["amount"])) for p in prices} == {Decimal(price)}
    kit_codes = {code for code, *_ in data.KITS}
    orders = get(client, "/orders", limit=100)["items"]
    bought = [
        ln
        for o in orders
        for ln in get(client, f"/orders/{o['id']}")["lines"]
        if ln["sku"] in kit_codes
    ]
    assert bought and all(ln["status"] != "unsourced" for ln in bought)


def test_every_channel_invoices_as_its_seller(client):
    channels = {c["code"]: c for c in get(client, "/channels")["items"]}
    for demo in data.CHANNELS:
        seller = channels[demo["code"]]["settings"]["seller"]
        assert seller["legal_name"] == demo["settings"]["seller"]["legal_name"]
        assert seller["vat_id"].startswith("DE") and seller["phone"].startswith("+49")
    orders = get(client, "/orders", status="delivered", limit=100)["items"]
    by_id = {c["id"]: c for c in channels.values()}
    invoiced = [
        (by_id[o["channel_id"]]["settings"]["seller"], invoice)
        for o in orders[:8]
        for invoice in get(client, f"/orders/{o['id']}/invoices")["items"]
    ]
    assert invoiced
    for seller, invoice in invoiced:
        assert invoice["seller"]["name"] == seller["legal_name"]
        assert invoice["seller"]["vat_id"] == seller["vat_id"]
        assert invoice["seller"]["line1"] == seller["address"]["line1"]
    invoices = [invoice for _, invoice in invoiced]
    pdf = client.get(f"/api/v1/invoices/{invoices[0]['id']}.pdf")
    text = text_of(pdf.content)
    seller = invoices[0]["seller"]
    for value in (seller["name"], seller["line1"], seller["vat_id"]):
        assert value in text
