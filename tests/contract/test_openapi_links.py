"""The OpenAPI links are true: what a collection's POST answers opens every GET the
document links it to. (Generated clients and schemathesis's stateful phase follow them.)"""

from __future__ import annotations

from typing import Any

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref


def _created(client: Any, database: Any) -> dict[str, dict[str, Any]]:
    channel = make_channel(client)
    location = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, location, 5)
    made = {"/api/v1/channels": channel, "/api/v1/locations": location, "/api/v1/skus": sku}
    bodies = {
        "/api/v1/orders": order_body(channel, [(sku, 1)]),
        "/api/v1/products": {"name": "Linen shirt"},
        "/api/v1/customers": {"email": f"{ref('c')}@example.com", "name": "Jan Novák"},
        "/api/v1/carriers": {"code": ref("C"), "name": "Parcel Co"},
        "/api/v1/webhooks/endpoints": {"url": "https://example.com/hook", "event_types": ["*"]},
    }
    for path, body in bodies.items():
        r = client.post(path, json=body)
        assert r.status_code in (200, 201), (path, r.text)
        made[path] = r.json()
    return made


def test_every_get_link_of_a_created_resource_opens_it(client, database):
    doc = client.get("/openapi.json").json()
    operations = {
        op["operationId"]: (method, path)
        for path, item in doc["paths"].items()
        for method, op in item.items()
    }
    followed: list[str] = []
    for collection, answer in _created(client, database).items():
        responses = doc["paths"][collection]["post"]["responses"]
        links = [link for r in responses.values() for link in r.get("links", {}).values()]
        assert links, f"POST {collection} declares no links"
        for link in links:
            method, path = operations[link["operationId"]]
            if method != "get":
                continue
            for name, expression in link["parameters"].items():
                pointer = expression.removeprefix("$response.body#/")
                path = path.replace("{" + name + "}", str(answer[pointer]))
            r = client.get(path)
            assert r.status_code == 200, (collection, path, r.text)
            followed.append(path)
    assert len(followed) >= 15, followed
