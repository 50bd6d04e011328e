"""The README's curl flow works at whatever port ``make run`` serves on: the port is the
shell variable ``PORT`` (default the Makefile's), and every URL is built from it."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from switchyard.cli import demo

ROOT = Path(__file__).resolve().parents[2]


def curl_flow() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## From order to delivery with curl", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def prelude() -> str:
    """The block's variable definitions, before its first curl."""
    return curl_flow().split("\n\n", 1)[0]


def make_default_port() -> str:
    found = re.search(r"^PORT \?= (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found, "the Makefile sets PORT ?= <default>"
    return found.group(1)


def test_no_url_in_the_flow_names_a_port():
    flow = curl_flow()
    assert re.findall(r"\d{4,5}", prelude()) == [make_default_port()], prelude()
    assert "127.0.0.1:" not in flow.replace("127.0.0.1:$PORT", "")
    for line in flow.splitlines():
        if line.startswith("curl"):
            urls = re.findall(r"\s(\S*/(?:orders|fulfillments)\S*)", line)
            assert urls and all(u.startswith("$API/") for u in urls), line


def test_the_default_is_the_port_make_run_serves_and_prints():
    run_port = inspect.signature(demo.run).parameters["port"].default.default
    assert str(run_port) == make_default_port()
    assert "PORT={port}" in inspect.getsource(demo.run)  # the line make run prints to paste


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("port", [None, "8123"])
def test_the_flow_follows_the_port_it_is_given(tmp_path, port):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "admin-api-key").write_text("sy_kept\n")
    env = {"PATH": "/usr/bin:/bin"} | ({"PORT": port} if port else {})
    script = prelude() + '\nprintf "%s %s %s" "$BASE" "$API" "$KEY"'
    out = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    ).stdout
    want = port or make_default_port()
    assert out == f"http://127.0.0.1:{want} http://127.0.0.1:{want}/api/v1 sy_kept"
