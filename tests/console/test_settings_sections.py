"""Settings: channels, locations, sourcing profiles, company rules, compliance, carriers
and webhooks in the console, through the same scopes and use cases as the API."""

from __future__ import annotations

import html
import re

from switchyard.webhooks.retries import RetryPolicy
from switchyard.webhooks.worker import Worker, WorkerSettings
from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_channel, make_location
from tests.helpers import ref
from tests.integration.test_webhooks_relay import emit, event
from tests.integration.test_webhooks_reliability import free_port


def _admin(app, database) -> Console:
    return Console(app, make_user(database, "admin").email)


def _form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" (?:type="\w+" )?value="([^"]*)"', html)
    assert found, f"no field {name}"
    return found.group(1)


# channels and locations


def test_edit_a_channel(app, database, client):
    channel = make_channel(client, name="Web shop")
    store = make_location(client, type="store")
    with _admin(app, database) as admin:
        listing = admin.get("/console/settings/channels")  # the shared database has many:
        assert listing.status_code == 200 and 'href="/console/settings/channels/' in listing.text
        url = f"/console/settings/channels/{channel['code']}"
        page = admin.get(url)
        assert page.status_code == 200 and "Web shop" in page.text
        version = _form_value(page.text, "version")
        r = admin.post(
            url,
            {
                "version": version,
                "name": "Web shop DE",
                "type": "web",
                "currency": "eur",
                "backorder_policy": "backorder",
                "location_ids": store["code"],
                "settings": '{"invoice_prefix": "WDE"}',
            },
        )
        assert r.status_code == 303, r.text[:1500]
        assert "Saved." in admin.get(r.headers["location"]).text
        # a stale version is refused in words, nothing saved
        stale = admin.post(
            url,
            {"version": version, "name": "Lost update", "type": "web", "currency": "EUR"},
        )
        assert stale.status_code == 412 and "reload" in stale.text
    now = client.get(f"/api/v1/channels/{channel['code']}").json()
    assert (now["name"], now["currency"], now["backorder_policy"]) == (
        "Web shop DE",
        "EUR",
        "backorder",
    )
    assert now["location_ids"] == [store["id"]] and now["settings"]["invoice_prefix"] == "WDE"


def test_bad_channel_input_shows_field_errors_and_saves_nothing(app, database, client):
    channel = make_channel(client, name="Keep me")
    url = f"/console/settings/channels/{channel['code']}"
    with _admin(app, database) as admin:
        base = {"name": "Changed", "type": "web", "currency": "EUR", "backorder_policy": "deny"}
        r = admin.post(url, {**base, "settings": "{not json"})
        assert r.status_code == 422 and "not valid JSON" in r.text
        r = admin.post(url, {**base, "type": "carrier-pigeon", "currency": "EURO"})
        assert r.status_code == 422
        assert 'aria-describedby="e-currency"' in r.text
        r = admin.post(url, {**base, "location_ids": "NO-SUCH-LOC"})
        assert r.status_code == 422 and "NO-SUCH-LOC" in r.text
        r = admin.post(url, {**base, "name": ""})
        assert r.status_code == 422 and 'aria-describedby="e-name"' in r.text
    assert client.get(f"/api/v1/channels/{channel['code']}").json()["name"] == "Keep me"


def test_edit_a_location_and_bad_numbers_are_field_errors(app, database, client):
    loc = make_location(client, name="Erfurt DC")
    url = f"/console/settings/locations/{loc['code']}"
    with _admin(app, database) as admin:
        listing = admin.get("/console/settings/locations")  # many in the shared database
        assert listing.status_code == 200 and 'href="/console/settings/locations/' in listing.text
        page = admin.get(url)
        assert page.status_code == 200 and "Erfurt DC" in page.text
        form = {
            "name": "Erfurt DC",
            "type": "warehouse",
            "address.line1": "Am Urbicher Kreuz 10",
            "address.city": "Erfurt",
            "address.postal_code": "99092",
            "address.country_code": "de",
            "latitude": "north",
            "longitude": "11.03",
            "timezone": "Europe/Berlin",
            "capabilities": ["ship", "returns"],
            "daily_capacity": "-5",
            "processing_days": ["1", "2", "3"],
            "cutoff_time": "14:00",
            "active": "on",
        }
        r = admin.post(url, form)
        assert r.status_code == 422, r.text[:500]
        assert 'aria-describedby="e-latitude"' in r.text
        assert 'aria-describedby="e-daily_capacity"' in r.text
        r = admin.post(url, {**form, "latitude": "50,98", "daily_capacity": "250"})
        assert r.status_code == 303, r.text[:2000]
    now = client.get(f"/api/v1/locations/{loc['code']}").json()
    assert now["latitude"] == 50.98 and now["daily_capacity"] == 250
    assert now["capabilities"] == ["ship", "returns"] and now["processing_days"] == [1, 2, 3]
    assert now["cutoff_time"] == "14:00"


def test_create_a_channel_and_a_location(app, database, client):
    code, loc_code = ref("shop"), ref("BER")
    with _admin(app, database) as admin:
        r = admin.post(
            "/console/settings/channels",
            {"code": "bad code!", "name": "", "type": "web", "currency": "EUR"},
        )
        assert r.status_code == 422
        assert 'aria-describedby="e-code"' in r.text and 'aria-describedby="e-name"' in r.text
        page = admin.get("/console/settings/locations/new")
        assert page.status_code == 200 and "Create location" in page.text
        location = {
            "code": loc_code,
            "name": "Berlin Mitte",
            "type": "store",
            "address.line1": "Alexanderplatz 1",
            "address.city": "Berlin",
            "address.postal_code": "10178",
            "address.country_code": "DE",
            "latitude": "52.52",
            "longitude": "",
            "timezone": "Europe/Berlin",
            "capabilities": ["ship", "pickup"],
            "processing_days": ["1", "2", "3", "4", "5", "6"],
            "cutoff_time": "16:00",
            "daily_capacity": "",
        }
        r = admin.post("/console/settings/locations", {**location, "address.city": ""})
        assert r.status_code == 422 and 'aria-describedby="e-address.city"' in r.text
        assert 'value="Alexanderplatz 1"' in r.text  # kept as typed
        r = admin.post("/console/settings/locations", location)
        assert r.status_code == 303, r.text[:1500]
        r = admin.post(
            "/console/settings/channels",
            {
                "code": code,
                "name": "Shop",
                "type": "web",
                "currency": "eur",
                "backorder_policy": "deny",
                "location_ids": loc_code,
            },
        )
        assert r.status_code == 303, r.text[:1500]
        again = {"code": code, "name": "Again", "type": "web", "currency": "EUR"}
        r = admin.post("/console/settings/channels", {**again, "backorder_policy": "deny"})
        assert r.status_code == 409 and "exists" in r.text
    made = client.get(f"/api/v1/locations/{loc_code}").json()
    assert made["capabilities"] == ["ship", "pickup"] and made["latitude"] == 52.52
    channel = client.get(f"/api/v1/channels/{code}").json()
    assert channel["location_ids"] == [made["id"]] and channel["currency"] == "EUR"


# sourcing profiles


def test_activate_a_sourcing_profile_version(app, database, client):
    channel = make_channel(client)
    first = client.post(
        "/api/v1/sourcing/profiles",
        json={"channel": channel["code"], "name": "Nearest", "strategy": "nearest"},
    ).json()
    assert (
        client.post(
            f"/api/v1/sourcing/profiles/{first['id']}/activate",
            headers={"If-Match": f'"{first["revision"]}"'},
        ).status_code
        == 200
    )
    second = client.post(
        "/api/v1/sourcing/profiles", json={"based_on": first["id"], "strategy": "priority"}
    ).json()
    with _admin(app, database) as admin:
        listing = admin.get(f"/console/settings/sourcing?channel={channel['code']}")
        assert listing.status_code == 200
        assert "Nearest" in listing.text and "Draft" in listing.text
        page = admin.get(f"/console/settings/sourcing/{second['id']}")
        assert "Activate this version" in page.text and "data-confirm" in page.text
        r = admin.post(
            f"/console/settings/sourcing/{second['id']}/activate",
            {"revision": str(second["revision"])},
        )
        assert r.status_code == 303
        assert "now the channel" in admin.get(r.headers["location"]).text
        # a copy is a new draft
        r = admin.post(f"/console/settings/sourcing/{second['id']}/copy")
        assert r.status_code == 303
    active = client.get(f"/api/v1/sourcing/active-profiles/{channel['code']}").json()
    assert (active["id"], active["strategy"]) == (second["id"], "priority")
    assert client.get(f"/api/v1/sourcing/profiles/{first['id']}").json()["status"] == "retired"


def test_a_stale_activation_is_refused_in_words(app, database, client):
    channel = make_channel(client)
    draft = client.post(
        "/api/v1/sourcing/profiles", json={"channel": channel["code"], "name": "Draft"}
    ).json()
    with _admin(app, database) as admin:
        r = admin.post(f"/console/settings/sourcing/{draft['id']}/activate", {"revision": "99"})
        assert r.status_code == 412 and "reload it" in r.text
        r = admin.get("/console/settings/sourcing?channel=NOPE-404")
        assert r.status_code == 422 and "does not exist" in r.text


def test_create_and_change_a_draft_then_activate_it(app, database, client):
    channel = make_channel(client)
    with _admin(app, database) as admin:
        r = admin.post("/console/settings/sourcing", {"channel": "NOPE-404", "name": "X"})
        assert r.status_code == 422 and 'aria-describedby="e-channel"' in r.text
        r = admin.post("/console/settings/sourcing", {"channel": channel["code"], "name": "Mine"})
        assert r.status_code == 303, r.text[:1500]
        url = r.headers["location"].split("?")[0]
        page = admin.get(url)
        assert "Change the draft" in page.text
        form = {
            "revision": _form_value(page.text, "revision"),
            "name": "Mine",
            "strategy": "priority",
            "fulfilment": "ship_complete",
            "max_splits": "many",
            "keep_kits_together": "on",
            "filters": '{"respect_capacity": false}',
            "cost_model": "",
        }
        r = admin.post(url, form)
        assert r.status_code == 422 and 'aria-describedby="e-max_splits"' in r.text
        r = admin.post(url, {**form, "max_splits": "2", "filters": '{"max_distance_km": -1}'})
        assert r.status_code == 422 and "<code>max_distance_km</code>" in r.text
        # saving the form as shown changes nothing and is accepted
        shown = {
            name: html.unescape(value)
            for name, value in re.findall(
                r'<textarea id="f-\w+" name="(\w+)"[^>]*>(.*?)</textarea>', page.text, re.S
            )
        }
        assert set(shown) == {"filters", "cost_model"}
        r = admin.post(url, {**form, **shown, "max_splits": ""})
        assert r.status_code == 303, r.text[:3000]
        form["revision"] = str(int(form["revision"]) + 1)
        r = admin.post(url, {**form, "max_splits": "2"})
        assert r.status_code == 303, r.text[:1500]
        profile_id = url.rsplit("/", 1)[1]
        saved = client.get(f"/api/v1/sourcing/profiles/{profile_id}").json()
        assert (saved["strategy"], saved["fulfilment"], saved["max_splits"]) == (
            "priority",
            "ship_complete",
            2,
        )
        assert saved["filters"]["respect_capacity"] is False
        r = admin.post(f"{url}/activate", {"revision": str(saved["revision"])})
        assert r.status_code == 303
        assert "Change the draft" not in admin.get(url).text  # active: read-only
    active = client.get(f"/api/v1/sourcing/active-profiles/{channel['code']}").json()
    assert active["id"] == profile_id


# company rules


def test_create_change_and_delete_a_company_rule(app, database, client):
    channel = make_channel(client)
    code = ref("maxval")
    with _admin(app, database) as admin:
        bad = admin.post(
            "/console/settings/rules",
            {
                "code": code,
                "kind": "max_order_value",
                "params": '{"amount": "lots"}',
                "action": "hold",
                "active": "on",
            },
        )
        assert bad.status_code == 422 and "field-error" in bad.text
        bad = admin.post(
            "/console/settings/rules",
            {"code": code, "kind": "max_order_value", "params": "[1,", "action": "hold"},
        )
        assert bad.status_code == 422 and "not valid JSON" in bad.text
        assert client.get(f"/api/v1/rules/{code}").status_code == 404
        r = admin.post(
            "/console/settings/rules",
            {
                "code": code,
                "description": "Big orders",
                "kind": "max_order_value",
                "channel": channel["code"],
                "params": '{"amount": "5000", "currency": "EUR"}',
                "action": "hold",
                "active": "on",
            },
        )
        assert r.status_code == 303, r.text[:1500]
        page = admin.get(r.headers["location"])
        assert "Big orders" in page.text
        r = admin.post(
            f"/console/settings/rules/{code}",
            {
                "version": _form_value(page.text, "version"),
                "description": "Very big orders",
                "params": '{"amount": "9000", "currency": "EUR"}',
                "action": "error",
                "hold_type": "",
            },
        )
        assert r.status_code == 303, r.text[:1500]
        rule = client.get(f"/api/v1/rules/{code}").json()
        assert (rule["action"], rule["params"]["amount"], rule["active"]) == (
            "error",
            "9000",
            False,
        )
        assert code in admin.get("/console/settings/rules").text
        r = admin.post(f"/console/settings/rules/{code}/delete", {"version": str(rule["version"])})
        assert r.status_code == 303
    assert client.get(f"/api/v1/rules/{code}").status_code == 404


# compliance


def test_embargoes_and_screening_settings(app, database, client):
    with _admin(app, database) as admin:
        page = admin.get("/console/settings/compliance")
        assert page.status_code == 200 and "Restricted-party list" in page.text
        r = admin.post("/console/settings/compliance/embargoes", {"country_code": "QQ"})
        assert r.status_code == 422 and "is not an ISO country" in r.text
        r = admin.post(
            "/console/settings/compliance/embargoes",
            {"country_code": "tv", "action": "hold", "reason": "test"},
        )
        try:
            assert r.status_code == 303, r.text[:1500]
            assert client.get("/api/v1/compliance/embargoes/TV").json()["action"] == "hold"
            emb = client.get("/api/v1/compliance/embargoes/TV").json()
            r = admin.post(
                "/console/settings/compliance/embargoes/TV",
                {"version": str(emb["version"]), "action": "error", "reason": "sanctions"},
            )
            assert r.status_code == 303
            assert client.get("/api/v1/compliance/embargoes/TV").json()["reason"] == "sanctions"
            r = admin.post(
                "/console/settings/compliance/embargoes/TV/delete",
                {"version": str(emb["version"] + 1)},
            )
            assert r.status_code == 303
            assert client.get("/api/v1/compliance/embargoes/TV").status_code == 404
        finally:
            client.delete("/api/v1/compliance/embargoes/TV")
        settings = client.get("/api/v1/compliance/settings").json()
        r = admin.post(
            "/console/settings/compliance/settings",
            {"version": str(settings["version"]), "screening_threshold": "a lot"},
        )
        assert r.status_code == 422 and 'aria-describedby="e-screening_threshold"' in r.text
        r = admin.post(
            "/console/settings/compliance/settings",
            {
                "version": str(settings["version"]),
                "screening_threshold": str(settings["screening_threshold"]),
                "hold_unscreenable_names": "on" if settings["hold_unscreenable_names"] else "",
            },
        )
        assert r.status_code == 303
        r = admin.post("/console/settings/compliance/parties", {})
        assert r.status_code == 422 and "choose a CSV file" in r.text
        r = admin.get("/console/settings/compliance/parties?name=nobody-at-all")
        assert r.status_code == 200 and "No parties match" in r.text


# carriers


def test_create_a_carrier_and_define_a_service(app, database, client):
    code = ref("CAR")
    with _admin(app, database) as admin:
        r = admin.post(
            "/console/settings/carriers",
            {"code": code, "name": "Parcel Co", "tracking_url": "ftp://nope", "active": "on"},
        )
        assert r.status_code == 422 and "tracking_number" in r.text
        r = admin.post(
            "/console/settings/carriers",
            {
                "code": code,
                "name": "Parcel Co",
                "tracking_url": "https://track.example/{tracking_number}",
                "active": "on",
            },
        )
        assert r.status_code == 303, r.text[:1500]
        page = admin.get(r.headers["location"])
        version = _form_value(page.text, "version")
        service = {
            "version": version,
            "service_code": "STD",
            "service_name": "Standard",
            "service_currency": "EUR",
            "rates": '[{"zone": 1, "max_weight_grams": 2000, "amount": "x"}]',
            "transit_days": '{"1": 1}',
            "active": "on",
        }
        r = admin.post(f"/console/settings/carriers/{code}/services", service)
        assert r.status_code == 422 and "<code>0.amount</code>" in r.text
        r = admin.post(
            f"/console/settings/carriers/{code}/services", {**service, "service_code": "a b"}
        )
        assert r.status_code == 422 and 'aria-describedby="e-service_code"' in r.text
        r = admin.post(
            f"/console/settings/carriers/{code}/services",
            {**service, "rates": '[{"zone": 1, "max_weight_grams": 2000, "amount": "4.90"}]'},
        )
        assert r.status_code == 303, r.text[:1500]
        page = admin.get(f"/console/settings/carriers/{code}")
        assert "Standard" in page.text and "€4.90" in page.text
    carrier = client.get(f"/api/v1/carriers/{code}").json()
    assert carrier["services"][0]["rates"][0]["amount"] == "4.90"


# webhooks


def test_webhook_endpoints_deliveries_and_a_retry(app, database, client):
    channel = make_channel(client)
    with _admin(app, database) as admin:
        r = admin.post("/console/settings/webhooks", {"url": "not a url", "event_types": "order.*"})
        assert r.status_code == 422 and "field-error" in r.text
        url = f"http://127.0.0.1:{free_port()}/hooks"
        r = admin.post(
            "/console/settings/webhooks",
            {
                "url": url,
                "description": "ERP feed",
                "event_types": "inventory.low",
                "channel_ids": channel["code"],
                "enabled": "on",
            },
        )
        assert r.status_code == 303, r.text[:1500]  # to the page that shows it once
        r = admin.get(r.headers["location"])
        secret = re.search(
            r'id="new-secret" class="secret-value" readonly value="(whsec_[^"]+)"', r.text
        )
        assert secret
        endpoint_id = re.search(r'href="/console/settings/webhooks/(whe_[^"]+)"', r.text).group(1)
        assert secret.group(1) not in admin.get(f"/console/settings/webhooks/{endpoint_id}").text
        assert (
            "Nothing was delivered" in admin.get(f"/console/settings/webhooks/{endpoint_id}").text
        )

        # a stock event: it reaches only this channel's endpoints (and sends no e-mail)
        emit(database, event("inventory.low", None, channel["id"]))
        worker = Worker(
            database,
            WorkerSettings(timeout=1, lease_seconds=10, retry=RetryPolicy(backoff_base=3600)),
        )
        try:
            assert worker.drain() >= 1  # nobody listens: the attempt fails
        finally:
            worker.close()
        page = admin.get(f"/console/settings/webhooks/{endpoint_id}?status=failed")
        assert "inventory.low" in page.text and "ConnectError" in page.text
        delivery_id = re.search(
            r'href="/console/settings/webhooks/deliveries/([^"]+)"', page.text
        ).group(1)
        detail = admin.get(f"/console/settings/webhooks/deliveries/{delivery_id}")
        assert detail.status_code == 200 and "ConnectError" in detail.text
        r = admin.post(f"/console/settings/webhooks/deliveries/{delivery_id}/retry")
        assert r.status_code == 303
        assert "queued" in admin.get(r.headers["location"]).text
        api = client.get(f"/api/v1/webhooks/deliveries/{delivery_id}").json()
        assert (api["status"], api["attempts"]) == ("pending", 1)
        # disable the endpoint: a retry is then refused in words
        page = admin.get(f"/console/settings/webhooks/{endpoint_id}")
        r = admin.post(
            f"/console/settings/webhooks/{endpoint_id}",
            {
                "version": _form_value(page.text, "version"),
                "url": url,
                "event_types": "inventory.low",
                "channel_ids": channel["code"],
            },
        )
        assert r.status_code == 303
        r = admin.post(f"/console/settings/webhooks/deliveries/{delivery_id}/retry")
        assert r.status_code == 409 and "enable it" in r.text
        assert admin.get("/console/settings/webhooks/deliveries/msg_nope").status_code == 404
        # a new secret, shown once; a bad grace period is a field error
        r = admin.post(
            f"/console/settings/webhooks/{endpoint_id}/rotate-secret",
            {"keep_previous_hours": "1000"},
        )
        assert r.status_code == 422 and 'aria-describedby="e-keep_previous_hours"' in r.text
        r = admin.post(
            f"/console/settings/webhooks/{endpoint_id}/rotate-secret",
            {"keep_previous_hours": "2"},
        )
        assert r.status_code == 303
        r = admin.get(r.headers["location"])
        rotated = re.search(
            r'id="new-secret" class="secret-value" readonly value="([^"]+)"', r.text
        )
        assert r.status_code == 200 and rotated and rotated.group(1) != secret.group(1)
        page = admin.get(f"/console/settings/webhooks/{endpoint_id}")
        assert rotated.group(1) not in page.text and "data-confirm" in page.text
        r = admin.post(
            f"/console/settings/webhooks/{endpoint_id}/delete",
            {"version": _form_value(page.text, "version")},
        )
        assert r.status_code == 303
    assert client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}").status_code == 404


# scopes


def test_roles_get_what_their_scopes_allow_and_no_more(app, database, client):
    channel = make_channel(client, name="Scoped")
    loc = make_location(client)
    merch = make_user(database, "merchandiser")
    with Console(app, merch.email) as person:
        # channels:read and sourcing:read, but no writes
        page = person.get(f"/console/settings/channels/{channel['code']}")
        assert page.status_code == 200 and "Save channel" not in page.text
        r = person.post(
            f"/console/settings/channels/{channel['code']}",
            {"name": "Hijacked", "type": "web", "currency": "EUR"},
        )
        assert r.status_code == 403 and "channels:write" in r.text
        assert person.get("/console/settings/sourcing").status_code == 200
        for url in (
            "/console/settings",
            "/console/settings/rules",
            "/console/settings/compliance",
            "/console/settings/carriers",
            "/console/settings/webhooks",
        ):
            assert person.get(url).status_code == 403, url
    warehouse = make_user(database, "warehouse", locations=[loc["code"]])
    with Console(app, warehouse.email) as person:
        assert person.get("/console/settings/carriers").status_code == 200  # carriers:read
        r = person.post("/console/settings/carriers", {"code": ref("X"), "name": "X"})
        assert r.status_code == 403
        r = person.post(f"/console/settings/locations/{loc['code']}", {"name": "Mine now"})
        assert r.status_code == 403
        assert person.get("/console/settings/webhooks").status_code == 403
    viewer = make_user(database, "viewer")
    with Console(app, viewer.email) as person:
        page = person.get(f"/console/settings/locations/{loc['code']}")
        assert page.status_code == 200 and "Save location" not in page.text
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as person:
        assert person.get("/console/settings/rules").status_code == 403  # no rules:read
        assert person.get("/console/settings/compliance").status_code == 403
    assert client.get(f"/api/v1/channels/{channel['code']}").json()["name"] == "Scoped"


def test_an_admin_sees_every_section_on_the_index(app, database):
    with _admin(app, database) as admin:
        page = admin.get("/console/settings")
        assert page.status_code == 200
        for title in (
            "Users",
            "API keys",
            "Channels",
            "Locations",
            "Sourcing profiles",
            "Company rules",
            "Compliance",
            "Carriers",
            "Webhooks",
        ):
            assert f"<strong>{title}</strong>" in page.text
        assert admin.get("/console/settings/channels?cursor=%%%").status_code == 422
