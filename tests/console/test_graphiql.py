"""GraphiQL at /graphql from govgraph's own files, in a browser with no internet."""

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from tests.console.conftest import WAIT, Traffic, screenshot
from tests.support import Api


def test_graphiql_loads_offline_and_runs_a_query(
    browser: Any, traffic: Traffic, api: Api, demo: Any
) -> None:
    browser.get(f"{api.base_url}/graphql")  # the origin that keeps the token
    browser.execute_script("localStorage.setItem('govgraph.token', arguments[0])", api.bearer)
    browser.get_log("browser")  # its schema request without a token was refused: 401
    query = '{ region(code: "420602") { name } }'
    browser.get(f"{api.base_url}/graphql?q={query}")
    wait = WebDriverWait(browser, WAIT)
    editor = wait.until(
        shown.presence_of_element_located((By.CSS_SELECTOR, ".graphiql-query-editor"))
    )
    assert editor
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    wait.until(
        shown.text_to_be_present_in_element((By.CSS_SELECTOR, ".graphiql-response"), "襄城区")
    )
    screenshot(browser, "graphiql")
    urls = [response["url"] for response in traffic.responses()]
    assert f"{api.base_url}/console/vendor/graphiql.min.js" in urls
    # Nothing from elsewhere (inline data: and blob: URLs are the page's own).
    assert [url for url in urls if not url.startswith((api.base_url, "data:", "blob:"))] == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
