"""Screenshots of the console's main pages for docs/console.md, taken from the real app.

    .venv/bin/python scripts/console_screenshots.py [--out docs/console]

Loads the demo into a scratch SQLite database, serves it, signs in as the demo users in
Debian's chromium (Playwright, no browser download) and saves one PNG per page.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from switchyard.demo.users import PASSWORD

CHROMIUM = os.environ.get("SWITCHYARD_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _first_link(prefix: str) -> Callable[[Page], None]:
    def follow(page: Page) -> None:
        link = page.locator(f'a[href^="{prefix}"]').first
        if link.count():
            link.click()
            page.wait_for_load_state("networkidle")

    return follow


# (file, who, path, what to do there before the picture)
SHOTS: list[tuple[str, str, str, Callable[[Page], None] | None]] = [
    ("home.png", "admin", "/console", None),
    ("orders.png", "service", "/console/orders", None),
    ("order.png", "service", "/console/orders", _first_link("/console/orders/ord_")),
    ("new-order.png", "service", "/console/orders/new", None),
    ("exceptions.png", "service", "/console/exceptions", None),
    ("inventory.png", "merch", "/console/inventory", None),
    ("inventory-sku.png", "merch", "/console/inventory/skus/KNT-BLA-M", None),
    ("workbench.png", "berlin", "/console/workbench?location=ST-BER&status=ready_for_pickup", None),
    ("settings.png", "admin", "/console/settings", None),
    ("sign-in.png", "", "/console/login", None),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/console")
    parser.add_argument("--orders", type=int, default=150)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SWITCHYARD_DATABASE_URL": f"sqlite:///{tmp}/demo.db"}
        cli = [sys.executable, "-c", "from switchyard.cli.main import main; main()"]
        subprocess.run([*cli, "demo", "--orders", str(args.orders)], env=env, check=True, cwd=tmp)
        port = _free_port()
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, cwd=tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            _shoot(base, out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


def _shoot(base: str, out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for file, who, path, before in SHOTS:
            context = browser.new_context(
                base_url=base, viewport={"width": 1280, "height": 860}, timezone_id="Europe/Berlin"
            )
            page = context.new_page()
            if who:
                page.goto("/console/login")
                page.get_by_label("Email").fill(f"{who}@switchyard.example")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url("**/console**")
            page.goto(path)
            page.wait_for_load_state("networkidle")
            if before:
                before(page)
            page.screenshot(path=str(out / file), full_page=False)
            print(f"{out / file}: {page.url}")
            context.close()
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
