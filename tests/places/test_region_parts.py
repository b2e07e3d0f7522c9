"""The top regions (where a reader of the whole city starts), and the party organisations
and service stations of a region, as the console shows them."""

import pytest

from graph.security.principal import AccessRole
from tests.support import Api

pytestmark = pytest.mark.usefixtures("demo")


def test_the_top_region_is_the_city_for_every_reader(api: Api) -> None:
    assert api.data("{ topRegions { code name } }")["topRegions"] == [
        {"code": "420600", "name": "襄阳市"}
    ]
    # A scoped reader sees the city above her scope, as a grid's parents show it.
    viewer = api.as_(AccessRole.VIEWER, "420624100201-G01")
    assert viewer.data("{ topRegions { code } }")["topRegions"] == [{"code": "420600"}]


def test_a_region_lists_its_own_party_organisations_and_stations(api: Api) -> None:
    query = """{ region(code: "420602001001") { partyOrganizations { id }
        stations { id kind } } }"""
    region = api.data(query)["region"]
    organizations = [o["id"] for o in region["partyOrganizations"]]
    assert "PO-420602001001" in organizations and organizations == sorted(organizations)
    assert all(o.startswith("PO-420602001001") for o in organizations)
    assert region["stations"] == [
        {"id": "S001", "kind": "RED_STATION"},
        {"id": "S004", "kind": "CANTEEN"},
    ]


def test_a_scoped_reader_sees_only_the_stations_and_organisations_of_her_scope(api: Api) -> None:
    reader = api.as_(AccessRole.VIEWER, "420602001001-G01")
    query = '{ grid(code: "420602001001-G01") { region { stations { id } partyOrganizations { id } } } }'
    region = reader.data(query)["grid"]["region"]
    assert region["stations"] == [{"id": "S001"}]  # S004 stands in grid G03
    everything = api.data('{ region(code: "420602001001") { partyOrganizations { id } } }')
    assert {o["id"] for o in region["partyOrganizations"]} < {
        o["id"] for o in everything["region"]["partyOrganizations"]
    }
