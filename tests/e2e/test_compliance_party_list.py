"""Loading the restricted-party list from a CSL CSV, on both databases."""

from __future__ import annotations

import concurrent.futures as cf
import csv
import gzip
import io
import random
import string
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from switchyard.compliance.service import compliance_inputs
from switchyard.kernel.events import Actor
from tests.helpers import assert_problem, make_key

SAMPLE = (Path(__file__).parent.parent / "data" / "csl_sample.csv").read_bytes()
URL = "/api/v1/compliance/denied-party-list"
CSV = {"Content-Type": "text/csv"}


def synthetic_list(count: int, seed: int) -> tuple[bytes, list[str]]:
    """A CSL file of ``count`` made-up parties, and their names."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))

    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["_id", "source", "type", "programs", "name", "addresses", "alt_names"])
    names = []
    for i in range(count):
        name = f"{word().upper()}, {word().title()} {word().title()}"
        names.append(name)
        writer.writerow(
            [f"S{seed}-{i}", "Synthetic List (SYN)", "Individual", "SDGT", name,
             f"{i} Main St, Springfield, {rng.choice(['US', 'IR', 'RU'])}", word().title()]
        )  # fmt: skip
    return out.getvalue().encode(), names


@pytest.fixture(scope="module", autouse=True)
def leave_no_list(client) -> Iterator[None]:
    """Other tests place orders: do not leave them screened against test data."""
    yield
    client.put(URL, params={"allow_empty": "true"}, content=b"name\n", headers=CSV)


def test_load_the_sample_and_read_it_back(client):
    r = client.put(URL, content=SAMPLE, headers=CSV)
    assert r.status_code == 200, r.text
    loaded = r.json()
    assert loaded["count"] == 10
    assert loaded["skipped_rows"] == 1 and loaded["skipped"][0]["line"] == 11
    assert sum(loaded["sources"].values()) == 10
    assert loaded["sources"]["Entity List (EL) - Bureau of Industry and Security"] == 2
    assert loaded["generation"].startswith("dpl_") and len(loaded["sha256"]) == 64
    info = client.get(URL).json()
    assert {k: info[k] for k in ("generation", "count", "sources")} == {
        k: loaded[k] for k in ("generation", "count", "sources")
    }

    page = client.get(f"{URL}/entries", params={"name": "tarasov"}).json()
    assert [p["source_id"] for p in page["items"]] == ["91001"]
    assert page["items"][0]["alt_names"] == ["TARASSOV, Grigoriy", "Grigori TARASOFF"]
    assert page["items"][0]["countries"] == ["AE", "RU"]
    seen, cursor = [], None
    while True:
        params = {
            "limit": 4,
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
        }
        page = client.get(
            f"{URL}/entries", params={**params, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [p["source_id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == ["91001", "93003", "94004", "95005"]


def test_screen_a_name_as_order_validation_would(client):
    assert client.put(URL, content=SAMPLE, headers=CSV).status_code == 200
    hit = client.get(f"{URL}/screen", params={"name": "Grigory Valentinovitch Tarasov"}).json()
    assert hit["match"]["listed_name"] == "TARASOV, Grigory Valentinovich"
    assert hit["match"]["method"] == "fuzzy" and hit["threshold"] == 90
    assert client.get(f"{URL}/screen", params={"name": "Jean Baptiste Lefevre"}).json()["match"]
    miss = client.get(f"{URL}/screen", params={"name": "Ana Silva"}).json()
    assert miss["match"] is None and miss["screenable"]
    assert client.get(f"{URL}/screen", params={"name": "Grigorii Tarasof"}).json()["match"]
    strict = client.get(f"{URL}/screen", params={"name": "Grigorii Tarasof", "threshold": 99})
    assert strict.json()["match"] is None


def test_a_large_gzipped_list_replaces_the_old_one(client):
    content, names = synthetic_list(10_000, seed=1)
    packed = gzip.compress(content)
    r = client.put(URL, content=packed, headers={**CSV, "Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    assert r.json()["count"] == 10_000 and r.json()["sources"] == {"Synthetic List (SYN)": 10_000}
    # the sample's parties are gone, the new ones are screened, typos included
    assert client.get(f"{URL}/screen", params={"name": "Grigory Tarasov"}).json()["match"] is None
    surname, given = names[4321].split(", ")
    typo = f"{given} {surname[:-2]}{surname[-1]}"
    found = client.get(f"{URL}/screen", params={"name": typo}).json()["match"]
    assert found is not None and found["listed_name"] == names[4321]


def test_bad_files_are_refused_and_leave_the_list_alone(client):
    before = client.put(URL, content=SAMPLE, headers=CSV).json()
    cases = [
        (client.put(URL, content=b"name,source\n", headers=CSV), 422, "empty_party_list"),
        (client.put(URL, content=b"title\nx\n", headers=CSV), 422, "invalid_csl_header"),
        (client.put(URL, content=b"name\n\xff\n", headers=CSV), 422, "invalid_encoding"),
        (
            client.put(URL, content=b"not gzip", headers={**CSV, "Content-Encoding": "gzip"}),
            422,
            "invalid_gzip",
        ),
        (
            client.put(URL, content=SAMPLE[:100], headers={**CSV, "Content-Encoding": "br"}),
            415,
            "unsupported_content_encoding",
        ),
        (client.put(URL, files={"file": ("l.csv", SAMPLE)}), 415, "unsupported_media_type"),
    ]
    for response, status, code in cases:
        assert_problem(response, status, code)
    after = client.get(URL).json()
    assert (after["generation"], after["count"]) == (before["generation"], 10)


def test_zip_bombs_are_refused(client):
    bomb = gzip.compress(b"name\n" + b"a" * (65 * 1024 * 1024))
    r = client.put(URL, content=bomb, headers={**CSV, "Content-Encoding": "gzip"})
    assert_problem(r, 413, "payload_too_large")


def test_an_empty_list_only_on_purpose(client):
    r = client.put(URL, params={"allow_empty": "true"}, content=b"name\n", headers=CSV)
    assert r.status_code == 200 and r.json()["count"] == 0 and r.json()["sources"] == {}


def test_scopes(anon, database):
    reader = make_key(database, ["compliance:read"])
    headers = {"Authorization": f"Bearer {reader}", **CSV}
    assert anon.get(URL, headers=headers).status_code == 200
    assert_problem(anon.put(URL, content=SAMPLE, headers=headers), 403, "missing_scope")
    other = {"Authorization": f"Bearer {make_key(database, ['orders:read'])}"}
    assert_problem(anon.get(URL, headers=other), 403, "missing_scope")


def test_concurrent_loads_leave_exactly_one_list(live_url, admin_key):
    files = [synthetic_list(n, seed=n)[0] for n in (300, 500, 700)]
    headers = {"Authorization": f"Bearer {admin_key}", **CSV}

    def put(content: bytes) -> httpx.Response:
        return httpx.put(f"{live_url}{URL}", content=content, headers=headers, timeout=60)

    with cf.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(put, files))
    assert [r.status_code for r in answers] == [200, 200, 200]
    info = httpx.get(f"{live_url}{URL}", headers=headers).json()
    assert info["count"] in (300, 500, 700)
    assert sum(info["sources"].values()) == info["count"]  # rows of one load only


def test_order_validation_inputs_follow_the_loaded_list(client, database):
    actor = Actor.system("tests")
    client.put(URL, content=SAMPLE, headers=CSV)
    first = database.run(actor, compliance_inputs, read_only=True)
    again = database.run(actor, compliance_inputs, read_only=True)
    assert len(first.screener) == 10 and again.screener is first.screener  # cached
    assert first.screener.screen("Milorad Zarkovic").match is not None
    content, _ = synthetic_list(50, seed=3)
    client.put(URL, content=content, headers=CSV)
    after = database.run(actor, compliance_inputs, read_only=True)
    assert len(after.screener) == 50
    assert after.screener.screen("Milorad Zarkovic").match is None
