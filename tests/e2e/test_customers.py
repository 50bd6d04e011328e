"""Customers over HTTP: identity by email, search, updates, address books."""

from __future__ import annotations

import concurrent.futures as cf

import httpx

from tests.helpers import assert_null_refused, assert_problem, make_key, ref

CUSTOMERS = "/api/v1/customers"


def email() -> str:
    return f"{ref('c')}@example.com"


def new_customer(client, **over: object) -> dict:
    r = client.post(CUSTOMERS, json={"email": email(), "name": "Ada Lovelace", **over})
    assert r.status_code == 201, r.text
    return r.json()


def test_create_and_read_back(client):
    address = ref("Mail")
    r = client.post(CUSTOMERS, json={"email": f"  {address.upper()}@Example.COM", "name": "Ada"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["email"] == f"{address.lower()}@example.com"
    assert r.headers["etag"] == '"1"'
    got = client.get(f"{CUSTOMERS}/{created['id']}")
    assert got.json() == created and got.headers["etag"] == '"1"'
    assert_problem(client.get(f"{CUSTOMERS}/cus_missing"), 404, "customer_not_found")


def test_a_known_email_is_409_with_the_existing_id(client):
    first = new_customer(client)
    r = client.post(CUSTOMERS, json={"email": first["email"].upper(), "name": "Someone"})
    body = assert_problem(r, 409, "customer_exists")
    assert body["customer_id"] == first["id"]
    assert body["errors"][0]["field"] == "email"


def test_invalid_email_names_the_field(client):
    body = assert_problem(
        client.post(CUSTOMERS, json={"email": "not-an-email"}), 422, "invalid_email"
    )
    assert body["errors"][0]["field"] == "email"


def test_filters_and_search(client):
    word = ref("Zed")
    by_name = new_customer(client, name=f"{word} Smith")
    by_phone = new_customer(client, phone=f"+44 {word}")
    by_email = new_customer(client, email=f"{word.lower()}@example.org")
    new_customer(client)
    found = client.get(CUSTOMERS, params={"q": word.upper()}).json()["items"]
    assert [c["id"] for c in found] == [by_name["id"], by_phone["id"], by_email["id"]]
    exact = client.get(CUSTOMERS, params={"email": by_email["email"].upper()}).json()["items"]
    assert [c["id"] for c in exact] == [by_email["id"]]
    page = client.get(CUSTOMERS, params={"q": word, "limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get(CUSTOMERS, params={"q": word, "cursor": page["next_cursor"]}).json()
    assert [c["id"] for c in rest["items"]] == [by_email["id"]] and rest["next_cursor"] is None


def test_update_with_if_match_and_email_uniqueness(client):
    customer, other = new_customer(client), new_customer(client)
    url = f"{CUSTOMERS}/{customer['id']}"
    new_email = email()
    r = client.patch(
        url,
        json={"name": "Ada King", "phone": "+1", "email": new_email.upper()},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["email"], r.json()["version"]) == ("Ada King", new_email, 2)
    assert r.headers["etag"] == '"2"'
    assert_problem(
        client.patch(url, json={"name": "x"}, headers={"If-Match": '"1"'}), 412, "version_mismatch"
    )
    body = assert_problem(client.patch(url, json={"email": other["email"]}), 409, "customer_exists")
    assert body["customer_id"] == other["id"]
    assert_null_refused(client.patch(url, json={"email": None}), "email")
    assert_problem(client.patch(url, json={"email": "nope"}), 422, "invalid_email")
    assert client.patch(url, json={"phone": None}).json()["phone"] is None


def test_addresses_are_deduplicated_by_fingerprint(client):
    customer = new_customer(client)
    url = f"{CUSTOMERS}/{customer['id']}/addresses"
    home = {
        "name": "Ada",
        "line1": "12 St. James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country_code": "GB",
    }
    first = client.post(url, json=home)
    assert first.status_code == 201, first.text
    assert first.json()["address"]["line1"] == home["line1"]
    same = {**home, "line1": "12 st james s square", "postal_code": "sw1y4jh", "phone": "+44 20"}
    assert client.post(url, json=same).json()["id"] == first.json()["id"]
    work = client.post(url, json={**home, "line1": "1 Horse Guards Road"})
    assert work.json()["id"] != first.json()["id"]
    listed = client.get(url).json()["items"]
    assert [a["id"] for a in listed] == [first.json()["id"], work.json()["id"]]
    assert_problem(client.post(url, json={"line1": "x"}), 422, "invalid_request")
    missing = f"{CUSTOMERS}/cus_missing/addresses"
    assert_problem(client.post(missing, json=home), 404, "customer_not_found")
    assert_problem(client.get(missing), 404, "customer_not_found")


def test_addresses_given_at_creation(client):
    address = {"line1": "1 Main St", "city": "Springfield", "country_code": "US"}
    customer = new_customer(client, addresses=[address, {**address, "line1": "1 MAIN ST."}])
    listed = client.get(f"{CUSTOMERS}/{customer['id']}/addresses").json()["items"]
    assert len(listed) == 1


def test_scopes_guard_customers(anon, database):
    reader = {"Authorization": f"Bearer {make_key(database, ['customers:read'])}"}
    assert anon.get(CUSTOMERS, headers=reader).status_code == 200
    assert_problem(
        anon.post(CUSTOMERS, json={"email": email()}, headers=reader), 403, "missing_scope"
    )


def test_concurrent_creates_of_one_email_give_one_customer(live_url, admin_key):
    body = {"email": email(), "name": "Racer"}
    headers = {"Authorization": f"Bearer {admin_key}"}

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{live_url}{CUSTOMERS}", json=body, headers=headers, timeout=30)

    with cf.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))
    assert sorted(r.status_code for r in answers) == [201] + [409] * 7
    (winner,) = [r.json()["id"] for r in answers if r.status_code == 201]
    assert {r.json()["customer_id"] for r in answers if r.status_code == 409} == {winner}
