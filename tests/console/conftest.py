"""A real browser for the console's tests: Debian's Chromium, headless, driven by Selenium
through Debian's chromedriver (`make test` installs both when missing, as root). The
browser resolves no host but 127.0.0.1: every page must work offline."""

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WAIT = 30  # seconds a page may take to show what a test waits for, on a loaded machine


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1360,900",
        "--lang=zh-CN",
        # No internet: every name but the loopback address fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT)
    driver.execute_cdp_cmd("Network.enable", {})
    yield driver
    driver.quit()


class Traffic:
    """What the page asked for and received, from Chrome's performance log."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def responses(self) -> list[dict[str, Any]]:
        """Each response since the last call: its URL and, where Chrome kept it, its body."""
        found = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] != "Network.responseReceived":
                continue
            params = message["params"]
            body = None
            # A body Chrome no longer holds (a redirect, a file from its cache) stays None.
            with contextlib.suppress(WebDriverException):
                body = self.driver.execute_cdp_cmd(
                    "Network.getResponseBody", {"requestId": params["requestId"]}
                )["body"]
            found.append({"url": params["response"]["url"], "body": body})
        return found


@pytest.fixture
def traffic(browser: Any) -> Traffic:
    browser.get_log("performance")  # what earlier tests left
    return Traffic(browser)


def screenshot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
