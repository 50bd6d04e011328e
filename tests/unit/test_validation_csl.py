"""Reading the US Consolidated Screening List CSV layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchyard.compliance.csl import parse_csl
from switchyard.kernel.errors import ValidationFailed

SAMPLE = Path(__file__).parent.parent / "data" / "csl_sample.csv"


def test_the_sample_file():
    parsed = parse_csl(SAMPLE.read_bytes())
    assert len(parsed.parties) == 10
    assert parsed.skipped_count == 1 and parsed.skipped == [{"line": 11, "reason": "no name"}]
    by_id = {p["source_id"]: p for p in parsed.parties}
    tarasov = by_id["91001"]
    assert tarasov["name"] == "TARASOV, Grigory Valentinovich"
    assert tarasov["alt_names"] == ["TARASSOV, Grigoriy", "Grigori TARASOFF"]
    assert tarasov["programs"] == ["SDGT", "IRGC"]
    assert tarasov["countries"] == ["AE", "RU"]
    assert tarasov["entity_type"] == "Individual"
    assert tarasov["source"].startswith("Specially Designated Nationals")
    orion = by_id["4f1c2a9e0b7d"]
    assert orion["alt_names"][-1] == "Orion Vektor FZE"  # the leading "and" is dropped
    assert by_id["c7d6e5f4a3b2"]["name"] == "Blue Lantern Logistics FZE"
    assert by_id["93003"]["programs"] == ["SDGT", "IRAN-EO13846"]


def test_older_files_without_an_id_column_and_extra_columns():
    content = b'name,source,addresses,extra\n"ACME, Evil",X,"Somewhere, IR"\n'
    party = parse_csl(content).parties[0]
    assert (party["name"], party["source_id"], party["countries"]) == ("ACME, Evil", "", ["IR"])


def test_a_utf8_bom_is_fine():
    assert parse_csl("\ufeffname\nZarković\n".encode()).parties[0]["name"] == "Zarković"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"source,title\nx,y\n", "invalid_csl_header"),
        (b"", "invalid_csl_header"),
        (b"name\n\xff\xfe\n", "invalid_encoding"),
        (b'name\n"' + b"x" * 200_000 + b'"\n', "invalid_csv"),  # over the field size limit
    ],
)
def test_unreadable_files(content, code):
    with pytest.raises(ValidationFailed) as caught:
        parse_csl(content)
    assert caught.value.code == code
