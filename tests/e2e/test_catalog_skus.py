"""Products and SKUs over HTTP, on both databases."""

from __future__ import annotations

from tests.helpers import assert_null_refused, assert_problem, make_key, ref

SKUS = "/api/v1/skus"
PRODUCTS = "/api/v1/products"


def new_sku(client, **over: object) -> dict:
    body = {"sku": ref("SKU"), "product_name": "Linen shirt", **over}
    r = client.post(SKUS, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_product_lifecycle(client):
    r = client.post(PRODUCTS, json={"name": "Canvas tote", "description": "Heavy cotton"})
    assert r.status_code == 201, r.text
    product = r.json()
    assert r.headers["etag"] == '"1"'
    url = f"{PRODUCTS}/{product['id']}"
    got = client.get(url)
    assert got.json() == product
    r = client.patch(url, json={"name": "Canvas tote bag"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Canvas tote bag"
    assert r.headers["etag"] == '"2"'
    assert_problem(
        client.patch(url, json={"name": "x"}, headers={"If-Match": '"1"'}), 412, "version_mismatch"
    )
    assert_null_refused(client.patch(url, json={"name": None}), "name")
    assert_problem(client.get(f"{PRODUCTS}/prd_missing"), 404, "product_not_found")


def test_products_are_searchable_by_name(client):
    word = ref("Word")
    made = client.post(PRODUCTS, json={"name": f"The {word} lamp"}).json()
    client.post(PRODUCTS, json={"name": "Unrelated"})
    found = client.get(PRODUCTS, params={"q": word.lower()}).json()["items"]
    assert [p["id"] for p in found] == [made["id"]]


def test_sku_with_inline_product_and_lookup_by_id_or_code(client):
    sku = new_sku(
        client, barcode="4006381333931", weight_grams=250, length_mm=300, width_mm=200, height_mm=20
    )
    assert sku["name"] == "Linen shirt"  # defaults to the product's name
    assert sku["is_kit"] is False and sku["components"] == [] and sku["active"] is True
    assert (sku["weight_grams"], sku["length_mm"], sku["width_mm"], sku["height_mm"]) == (
        250,
        300,
        200,
        20,
    )
    product = client.get(f"{PRODUCTS}/{sku['product_id']}").json()
    assert product["name"] == "Linen shirt"
    by_code = client.get(f"{SKUS}/{sku['sku']}")
    assert by_code.status_code == 200 and by_code.headers["etag"] == '"1"'
    assert by_code.json() == client.get(f"{SKUS}/{sku['id']}").json() == sku


def test_sku_of_an_existing_product(client):
    product = client.post(PRODUCTS, json={"name": "Wool socks"}).json()
    sku = new_sku(client, product_name=None, product_id=product["id"], name="Wool socks, M")
    assert (sku["product_id"], sku["name"]) == (product["id"], "Wool socks, M")
    listed = client.get(SKUS, params={"product": product["id"]}).json()["items"]
    assert [s["id"] for s in listed] == [sku["id"]]


def test_sku_validation_names_the_field(client):
    r = client.post(SKUS, json={"sku": "has space", "product_name": "x", "weight_grams": "heavy"})
    body = assert_problem(r, 422, "invalid_request")
    assert {e["field"] for e in body["errors"]} == {"sku", "weight_grams"}
    r = client.post(SKUS, json={"sku": ref("S"), "product_name": "x", "height_mm": -1})
    body = assert_problem(r, 422, "invalid_request")
    assert [e["field"] for e in body["errors"]] == ["height_mm"]
    r = client.post(SKUS, json={"sku": ref("S")})
    body = assert_problem(r, 422, "invalid_sku")
    assert body["errors"][0]["code"] == "product_required"
    r = client.post(SKUS, json={"sku": ref("S"), "product_id": "prd_nope"})
    body = assert_problem(r, 422, "invalid_sku")
    assert body["errors"][0] == {
        "field": "product_id",
        "code": "unknown_product",
        "message": "prd_nope",
    }


def test_duplicate_sku_code_is_a_conflict(client):
    sku = new_sku(client)
    r = client.post(SKUS, json={"sku": sku["sku"], "product_name": "Other"})
    body = assert_problem(r, 409, "sku_code_taken")
    assert body["errors"][0]["field"] == "sku"


def test_update_sku_with_if_match(client):
    sku = new_sku(client)
    other = client.post(PRODUCTS, json={"name": "Another"}).json()
    url = f"{SKUS}/{sku['sku']}"
    r = client.patch(
        url,
        json={"name": "Renamed", "active": False, "barcode": None, "product_id": other["id"]},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["name"], got["active"], got["product_id"], got["version"]) == (
        "Renamed",
        False,
        other["id"],
        2,
    )
    assert_problem(client.patch(url, json={"name": "Stale", "version": 1}), 412, "version_mismatch")
    assert_problem(client.patch(url, json={"product_id": "prd_x"}), 422, "unknown_product")
    assert_null_refused(client.patch(url, json={"active": None}), "active")
    assert_problem(client.patch(url, json={"weight_grams": -3}), 422, "invalid_request")
    assert_problem(client.patch(f"{SKUS}/nope-{ref()}", json={"name": "x"}), 404, "sku_not_found")


def test_list_filters_and_pagination(client):
    word = ref("Rare")
    made = [new_sku(client, sku=f"{word}-{i}", name=f"Item {i}") for i in range(5)]
    by_name = new_sku(client, name=f"Named {word.upper()} thing")
    client.patch(f"{SKUS}/{made[0]['id']}", json={"active": False})
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": word, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(SKUS, params=params).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [s["id"] for s in [*made, by_name]]
    active = client.get(SKUS, params={"q": word, "active": "false"}).json()["items"]
    assert [s["id"] for s in active] == [made[0]["id"]]
    # LIKE wildcards in q are matched literally, not as patterns.
    assert client.get(SKUS, params={"q": f"{word}%_"}).json()["items"] == []


def test_barcode_lookup(client):
    code = ref("EAN")
    sku = new_sku(client, barcode=code)
    found = client.get(SKUS, params={"barcode": code}).json()["items"]
    assert [s["id"] for s in found] == [sku["id"]]


def test_scopes_guard_the_catalog(anon, database):
    reader = {"Authorization": f"Bearer {make_key(database, ['catalog:read'])}"}
    assert anon.get(SKUS, headers=reader).status_code == 200
    r = anon.post(SKUS, json={"sku": ref("S"), "product_name": "x"}, headers=reader)
    assert_problem(r, 403, "missing_scope")
    other = {"Authorization": f"Bearer {make_key(database, ['orders:read'])}"}
    assert_problem(anon.get(PRODUCTS, headers=other), 403, "missing_scope")


def test_idempotent_sku_creation(client):
    body = {"sku": ref("S"), "product_name": "Idempotent"}
    headers = {"Idempotency-Key": ref("idem")}
    first = client.post(SKUS, json=body, headers=headers)
    again = client.post(SKUS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
