"""Browser tests: the real app over HTTP (pytest-django's ``live_server``) driven by Debian's Chromium.

Every page opened through ``new_page`` is watched: console errors, uncaught page errors, failed responses and any
request to an origin other than the live server are collected on its ``PageWatch``; tests end with
``watch.assert_clean()``.

Screenshots go to ``test-artifacts/`` at the repository root (gitignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, SIZES


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test, whether or not its module says so."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install -y chromium fonts-noto-cjk) "
            "or set PINGYI_CHROMIUM; bin/test installs it when run as root",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop registered on this thread while it runs; Django's ORM refuses
    # to run when it sees one, although every ORM call here is plain synchronous code between browser steps.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    instance = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield instance
    instance.close()


@dataclass
class PageWatch:
    """What a user's browser noticed besides the page itself."""

    origin: str  # the live server's scheme://host:port; anything else is another origin
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    allowed_statuses: set[int] = field(default_factory=set)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")

    def on_page_error(self, error: Exception) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin or parts.hostname not in LOCAL_HOSTS:
            self.foreign_requests.append(request.url)

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.allowed_statuses:
            self.failed_responses.append(f"{response.status} {response.request.method} {response.url}")

    def expect_status(self, status: int) -> None:
        """Declare a 4xx the test provokes on purpose (the browser logs it as a console error too)."""
        self.allowed_statuses.add(status)

    def assert_clean(self) -> None:
        errors = [e for e in self.console_errors if not self._expected_console(e)]
        assert errors == [], f"console errors: {errors}"
        assert self.foreign_requests == [], f"requests to other origins: {self.foreign_requests}"
        assert self.failed_responses == [], f"failed responses: {self.failed_responses}"

    def _expected_console(self, text: str) -> bool:
        return any(re.search(rf"status of {status}\b", text) for status in self.allowed_statuses)


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    """A factory: ``new_page(size="desktop"|"phone")`` gives a fresh, watched page in its own browser context."""
    opened: list[tuple[BrowserContext, PageWatch]] = []

    def make(size: str = "desktop") -> tuple[Page, PageWatch]:
        context = browser.new_context(viewport=SIZES[size], locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        watch = PageWatch(origin=live_server.url.rstrip("/"))
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_page_error)
        page.on("request", watch.on_request)
        page.on("response", watch.on_response)
        opened.append((context, watch))
        return page, watch

    yield make
    for context, _watch in opened:
        context.close()


@pytest.fixture
def desktop_page(new_page) -> tuple[Page, PageWatch]:  # type: ignore[no-untyped-def]
    return new_page("desktop")
