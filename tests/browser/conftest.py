"""A real headless Chromium (Debian's `chromium`, driven by Playwright over CDP) for pages the app
writes. `playwright install` is never run: the system's browser is used as it is.

- `browser`: one Chromium for the module, closed (and its process ended) at the end.
- `open_page(path, width)`: a fresh page of that width that has loaded `path`, with every
  console message, page error and request it made recorded on the returned `Visit`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
#: Quiet flags: no sandbox (root in a container), no GPU, and none of Chromium's own traffic
#: (component updates, sync, field trials), so every request seen is the page's.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Visit:
    page: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or CHROMIUM
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[Path, int], Visit]]:
    contexts = []

    def visit(path: Path, width: int) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page=page)
        page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("request", lambda r: seen.requests.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        return seen

    yield visit
    for context in contexts:
        context.close()
