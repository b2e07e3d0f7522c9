"""The console at / in a real browser (Debian's Chromium, offline), against the real server
and Neo4j, as a planner, an auditor, a viewer and a grid worker would use it. The same tests
save the screenshots of docs/screenshots."""

import csv
import re
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from graph.security.principal import AccessRole
from tests.console.conftest import WAIT, Traffic, screenshot
from tests.support import DEMO, Api, token

pytestmark = pytest.mark.usefixtures("demo")

# What a viewer must never get: phones and ID numbers, clear or masked.
PERSONAL = re.compile(
    r"(?<![\d*])(1[3-9]\d{9}|\d{3}\*{4}\d{4}|\d{17}[\dX]|\d{6}\*{8}\d{3}[\dX])(?![\d*])"
)


def sign_in(browser: Any, api: Api, bearer: str) -> None:
    """Through the sign-in form, as a reader pasting her token."""
    browser.get(f"{api.base_url}/")
    browser.execute_script("localStorage.clear()")
    browser.get(f"{api.base_url}/")
    wait(browser, lambda b: b.find_element(By.ID, "token"))
    browser.find_element(By.ID, "token").send_keys(bearer)
    browser.find_element(By.CSS_SELECTOR, "#signin button").click()
    wait(browser, lambda b: b.find_element(By.ID, "roles").text)
    ready(browser)


def wait(browser: Any, condition: Any) -> Any:
    # The app redraws a view's elements when its data arrives; one found just before a
    # redraw is stale, and is looked up again rather than failing the wait.
    return WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        condition
    )


def ready(browser: Any) -> None:
    """The current view has been drawn (app.js marks main when a view is done)."""
    wait(
        browser,
        lambda b: b.execute_script(
            "return document.getElementById('main').dataset.ready === location.hash"
        ),
    )


def go(browser: Any, hash: str) -> None:
    browser.execute_script("document.getElementById('main').dataset.ready = ''")
    browser.execute_script("location.hash = arguments[0]", hash)
    ready(browser)


def click(browser: Any, element: Any) -> None:
    browser.execute_script("document.getElementById('main').dataset.ready = ''")
    element.click()
    ready(browser)


def no_errors(browser: Any) -> None:
    assert not browser.find_elements(By.CSS_SELECTOR, "#main .error"), browser.find_element(
        By.ID, "main"
    ).text


def test_a_planner_goes_from_the_city_to_a_grid_and_finds_its_uncovered_buildings(
    browser: Any, api: Api
) -> None:
    sign_in(browser, api, token(AccessRole.PLANNER, "420600", sub="P0001"))
    assert browser.find_element(By.ID, "roles").text == "PLANNER"
    assert browser.find_element(By.ID, "scope").text == "420600"
    # No cases, no access log, no people for a planner: not offered.
    nav = browser.find_element(By.ID, "nav").text
    assert "覆盖" in nav and "事件" not in nav and "访问日志" not in nav

    click(browser, browser.find_element(By.LINK_TEXT, "覆盖"))
    assert browser.find_elements(By.CSS_SELECTOR, "#chart canvas")  # ECharts drew it
    no_errors(browser)
    screenshot(browser, "coverage")
    # A grid that has uncovered buildings, as the API says; then down to it by clicks.
    uncovered = api.data(
        '{ uncoveredBuildings(within: "420600", first: 500) { nodes { grid { code '
        "region { code parent { code parent { code } } } } } } }"
    )
    grid = uncovered["uncoveredBuildings"]["nodes"][0]["grid"]
    target, community = grid["code"], grid["region"]
    path = [
        community["parent"]["parent"]["code"],
        community["parent"]["code"],
        community["code"],
        target,
    ]
    for code in path:
        row = browser.find_element(By.CSS_SELECTOR, f'#coverage-table tr[data-within="{code}"] a')
        click(browser, row)
        no_errors(browser)
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith(
        api.data(f'{{ grid(code: "{target}") {{ name }} }}')["grid"]["name"]
    )
    expected = api.data(
        f'{{ uncoveredBuildings(within: "{target}", first: 500) {{ totalCount nodes {{ code }} }} }}'
    )["uncoveredBuildings"]
    box = wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#uncovered-buildings .count"))
    assert int(box.text) == expected["totalCount"] > 0
    shown = browser.find_element(By.CSS_SELECTOR, "#uncovered-buildings .items").text
    assert all(node["code"] in shown for node in expected["nodes"])

    # The English switch.
    browser.find_element(By.ID, "lang").click()
    wait(browser, lambda b: "Coverage" in b.find_element(By.ID, "nav").text)
    browser.find_element(By.ID, "lang").click()
    wait(browser, lambda b: "覆盖" in b.find_element(By.ID, "nav").text)


def test_an_auditor_opens_a_case_and_sees_every_event_in_order(browser: Any, api: Api) -> None:
    sign_in(browser, api, token(AccessRole.AUDITOR, "420600", sub="P0001"))
    click(browser, browser.find_element(By.LINK_TEXT, "事件"))
    no_errors(browser)
    total = api.data('{ cases(filter: { within: "420600" }) { totalCount } }')["cases"][
        "totalCount"
    ]
    assert int(browser.find_element(By.ID, "case-count").text) == total
    # Filtered by the level handling each case, as the API filters it.
    form = browser.find_element(By.ID, "case-filter")
    form.find_element(By.CSS_SELECTOR, "select[name=level] option[value=TOWNSHIP]").click()
    click(browser, form.find_element(By.TAG_NAME, "button"))
    townships = api.data('{ cases(filter: { within: "420600", level: TOWNSHIP }) { totalCount } }')
    assert int(browser.find_element(By.ID, "case-count").text) == townships["cases"]["totalCount"]
    go(browser, "#/cases")
    screenshot(browser, "cases")
    click(browser, browser.find_element(By.LINK_TEXT, "XY-2026-0007"))  # reworked: 6 steps
    events = api.data(
        '{ case(caseNo: "XY-2026-0007") { historyIntact events { seq action level note actor { name } } } }'
    )["case"]
    steps = browser.find_elements(By.CSS_SELECTOR, "#timeline li")
    assert [int(step.get_attribute("data-seq")) for step in steps] == [
        event["seq"] for event in events["events"]
    ]
    for step, event in zip(steps, events["events"], strict=True):
        assert event["action"] in step.text and event["level"] in step.text
        assert (event["note"] or "") in step.text
        assert (event["actor"]["name"] if event["actor"] else "") in step.text
    assert events["historyIntact"]
    assert browser.find_element(By.ID, "intact").text == "记录完整"
    # An auditor reads; she does not take steps.
    assert not browser.find_elements(By.ID, "advance")
    screenshot(browser, "case")

    # The party chain of a community, down to central households and what each covers.
    go(browser, "#/party/PO-420602001001")
    wait(browser, lambda b: b.find_element(By.ID, "central-households"))
    no_errors(browser)
    covered = api.data('{ person(id: "P0024") { coveredHouseholds { nodes { id } } } }')
    table = browser.find_element(By.ID, "central-households")
    links = [a.get_attribute("href").split("#")[1] for a in table.find_elements(By.TAG_NAME, "a")]
    for household in covered["person"]["coveredHouseholds"]["nodes"]:
        assert f"/household/{household['id']}" in links
    assert "P0024" in table.get_attribute("innerHTML")
    screenshot(browser, "party")


def test_a_viewer_never_sees_a_phone_or_an_id_number(
    browser: Any, api: Api, traffic: Traffic
) -> None:
    sign_in(browser, api, token(AccessRole.VIEWER, "420602"))
    traffic.responses()  # the sign-in's, whose bodies went with its page loads
    pages = [browser.page_source]
    for hash in (
        "#/place/420602001001",
        "#/grid/420602001001-G01",
        "#/building/420602001001-G01-B01",
        "#/party/PO-420602001001",
        "#/search/范",
        "#/search/凤鸣",
    ):
        go(browser, hash)
        no_errors(browser)
        pages.append(browser.page_source)
        if hash == "#/place/420602001001":
            screenshot(browser, "places")
    nav = browser.find_element(By.ID, "nav").text
    assert "覆盖" not in nav and "事件" not in nav
    assert "PERSON" not in browser.find_element(By.ID, "search-results").text
    answers = [r for r in traffic.responses() if r["url"].endswith("/graphql")]
    assert len(answers) >= 6 and all(r["body"] is not None for r in answers)
    for text in pages + [r["body"] for r in answers]:
        assert not PERSONAL.search(text), PERSONAL.search(text)


def test_a_grid_worker_calls_a_resident_and_the_auditor_reads_it_in_the_log(
    browser: Any, api: Api
) -> None:
    with (DEMO / "people.csv").open(encoding="utf-8") as rows:
        phone = next(row["phone"] for row in csv.DictReader(rows) if row["id"] == "P0002")
    sign_in(browser, api, token(AccessRole.GRID_WORKER, "420602001001-G01", sub="P0262"))
    go(browser, "#/person/P0002")
    no_errors(browser)
    assert "****" in browser.find_element(By.ID, "phone").text
    assert phone not in browser.page_source
    purpose = "核实独居老人近况"
    browser.find_element(By.CSS_SELECTOR, "#call input[name=purpose]").send_keys(purpose)
    browser.find_element(By.CSS_SELECTOR, "#call button").click()
    shown = wait(browser, lambda b: b.find_element(By.ID, "clear-phone"))
    assert shown.text == phone
    screenshot(browser, "person")
    log = api.data(
        '{ accessLog(within: "420602001001-G01", first: 500) { nodes { readerId personId field purpose } } }'
    )["accessLog"]["nodes"]
    assert log[-1] == {
        "readerId": "P0262",
        "personId": "P0002",
        "field": "phone",
        "purpose": purpose,
    }

    sign_in(browser, api, token(AccessRole.AUDITOR, "420602", sub="P0001"))
    click(browser, browser.find_element(By.LINK_TEXT, "访问日志"))
    no_errors(browser)
    last = browser.find_elements(By.CSS_SELECTOR, "#access-log tr")[-1].text
    assert purpose in last and "P0262" in last and phone not in browser.page_source
    screenshot(browser, "access-log")


def test_the_search_finds_a_person_by_a_two_character_name(browser: Any, api: Api) -> None:
    sign_in(browser, api, token(AccessRole.CASE_HANDLER, "420602", sub="P0001"))
    box = browser.find_element(By.ID, "search")
    box.send_keys("孙磊")
    browser.execute_script("document.getElementById('main').dataset.ready = ''")
    box.send_keys(Keys.ENTER)
    ready(browser)
    first = browser.find_element(By.CSS_SELECTOR, "#search-results tr:nth-child(2)")
    assert "孙磊" in first.text and "PERSON" in first.text and "P0016" in first.text
    screenshot(browser, "search")
    click(browser, first.find_element(By.TAG_NAME, "a"))
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("孙磊")


def test_a_case_handler_takes_a_step_and_sees_a_refused_one_with_the_reason(
    browser: Any, api: Api
) -> None:
    sign_in(browser, api, token(AccessRole.CASE_HANDLER, "420624", sub="P0247"))
    go(browser, "#/case/XY-2026-0014")  # RESOLVED
    steps = len(browser.find_elements(By.CSS_SELECTOR, "#timeline li"))
    form = browser.find_element(By.ID, "advance")
    form.find_element(By.CSS_SELECTOR, "select[name=action] option[value=START]").click()
    form.find_element(By.TAG_NAME, "button").click()
    refused = wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#advance-result .error"))
    assert refused.get_attribute("data-code") == "INVALID_TRANSITION"
    assert "RESOLVED" in refused.text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline li")) == steps
    form.find_element(By.CSS_SELECTOR, "select[name=action] option[value=NOTE]").click()
    form.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("电话回访居民")
    browser.execute_script("document.getElementById('main').dataset.ready = ''")
    form.find_element(By.TAG_NAME, "button").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#timeline li")) == steps + 1)
    assert "电话回访居民" in browser.find_elements(By.CSS_SELECTOR, "#timeline li")[-1].text
