"""Browser fixtures: one headless chromium per test session, held like a phone.

Playwright drives the system's chromium (Debian's package, never a downloaded build).
It runs on a thread of its own: Playwright's sync API marks an asyncio loop as running
on the thread that uses it for as long as it lives, which must not leak into the other
tests. Without chromium or the playwright package the browser tests skip with the
reason, unless CI=true, where that is a failure.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

if importlib.util.find_spec("playwright") is not None:
    from playwright.sync_api import expect

    # A loaded CI machine (two cores, two test workers) can take more than the default 5 s
    # to answer an htmx request: wait as long as a browser call may take.
    expect.set_options(timeout=15_000)

CHROMIUM = Path(os.environ.get("SWITCHYARD_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
WAIT = 60  # seconds for one browser call before the test fails instead of hanging
T = TypeVar("T")


@dataclass(frozen=True)
class Visit:
    """What a customer sees after opening a page on the phone."""

    status: int
    title: str
    text: str  # the visible text of the body
    html: str  # the whole document as the browser holds it
    statuses: list[str]  # the highlighted status lines, top to bottom
    events: list[str]  # the carrier's tracking events as listed
    links: dict[str, str]  # link text -> address
    inner_width: int  # CSS pixels the page is laid out in
    scroll_width: int  # CSS pixels the content takes; wider means sideways scrolling
    screenshot: Path  # a PNG of the whole page


class Phone:
    """Opens pages in a fresh phone-sized context of the session's browser."""

    def __init__(self, browser: Browser, run: Callable[[Callable[[], Any]], Any]) -> None:
        self._browser = browser
        self._run = run

    def open(self, url: str, screenshot: Path) -> Visit:
        """Load ``url`` like a customer tapping a link, and save a screenshot there."""
        visit: Visit = self._run(lambda: self._open(url, screenshot))
        return visit

    def _open(self, url: str, screenshot: Path) -> Visit:
        context = self._browser.new_context(**PHONE)
        try:
            page = context.new_page()
            response = page.goto(url, wait_until="load")
            assert response is not None, url
            page.screenshot(path=str(screenshot), full_page=True)
            return Visit(
                status=response.status,
                title=page.title(),
                text=page.inner_text("body"),
                html=page.content(),
                statuses=page.locator(".status").all_inner_texts(),
                events=page.locator("ol.events li").all_inner_texts(),
                links=_links(page),
                inner_width=page.evaluate("window.innerWidth"),
                scroll_width=page.evaluate("document.scrollingElement.scrollWidth"),
                screenshot=screenshot,
            )
        finally:
            context.close()


def _links(page: Page) -> dict[str, str]:
    anchors = page.locator("a")
    return {
        anchors.nth(i).inner_text(): anchors.nth(i).get_attribute("href") or ""
        for i in range(anchors.count())
    }


def _unavailable() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def _launch() -> tuple[Playwright, Browser]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise
    return playwright, browser


def _close(playwright: Playwright, browser: Browser) -> None:
    try:
        browser.close()
    finally:
        playwright.stop()


DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
TABLET: dict[str, Any] = {
    "viewport": {"width": 820, "height": 1180},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


class Desk:
    """A staff member at the console in the session's browser: each ``act`` signs in, in a
    fresh context (its own cookies), and runs the test's steps on the browser's thread."""

    def __init__(self, browser: Browser, run: Callable[[Callable[[], Any]], Any]) -> None:
        self._browser = browser
        self._run = run

    def act(
        self,
        base_url: str,
        email: str,
        steps: Callable[[Page], T],
        *,
        password: str = "correct horse battery",
        device: dict[str, Any] | None = None,
        screenshot: Path | None = None,
        sign_in: bool = True,
    ) -> T:
        """Sign in as ``email`` (unless ``sign_in`` is false), then ``steps(page)``; its
        answer is returned. A screenshot of the last page is saved where asked."""

        def call() -> T:
            context = self._browser.new_context(
                base_url=base_url, timezone_id="Europe/Berlin", **(device or DESKTOP)
            )
            context.set_default_timeout(15_000)
            try:
                page = context.new_page()
                if sign_in:
                    page.goto("/console/login")
                    page.get_by_label("Email").fill(email)
                    page.get_by_label("Password").fill(password)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url("**/console**")
                    assert "/console/login" not in page.url, page.content()[:2000]
                answer = steps(page)
                if screenshot is not None:
                    page.screenshot(path=str(screenshot), full_page=True)
                return answer
            finally:
                context.close()

        result: T = self._run(call)
        return result


def _browser_thread() -> Iterator[tuple[Browser, Callable[[Callable[[], Any]], Any]]]:
    missing = _unavailable()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the browser tests cannot run: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")

    def run(call: Callable[[], T]) -> T:
        return thread.submit(call).result(timeout=WAIT)

    try:
        playwright, browser = run(_launch)
        try:
            yield browser, run
        finally:
            run(lambda: _close(playwright, browser))
    finally:
        thread.shutdown(wait=False)


@pytest.fixture(scope="session")
def desk() -> Iterator[Desk]:
    """The session's browser for console tests; skips (fails under CI=true) without one."""
    for browser, run in _browser_thread():
        yield Desk(browser, run)


@pytest.fixture(scope="session")
def phone() -> Iterator[Phone]:
    """The session's one browser, as a phone; skips (fails under CI=true) without one."""
    for browser, run in _browser_thread():
        yield Phone(browser, run)
