"""Visits to households (入户走访) by each grid's worker, for its branch, over the year."""

from datetime import timedelta

from graph.core.model import VisitPurpose
from graph.synthetic.cases import actor_at
from graph.synthetic.figures import REPORT_DAYS, YEAR_START
from graph.synthetic.site import Site

VISITS_PER_HOUSEHOLD = 0.2  # a year's visits, per household of the place
PURPOSES = (
    (VisitPurpose.CARE, "独居老人身体状况良好，留下联系卡"),
    (VisitPurpose.SURVEY, "收集居民对小区改造的意见"),
    (VisitPurpose.CONSENT, "同意参与共建项目，愿意投工投劳"),
    (VisitPurpose.DISPUTE, "了解邻里纠纷情况，约定调解时间"),
    (VisitPurpose.FOLLOW_UP, "回访：问题已解决"),
)


def write_visits(site: Site) -> None:
    rng, place = site.rng, site.place
    for number in range(1, int(place.households * VISITS_PER_HOUSEHOLD) + 1):
        home = rng.choice(site.homes)
        grid = home.building.grid
        at = YEAR_START + timedelta(days=rng.randrange(REPORT_DAYS), hours=rng.randint(9, 19))
        visitor = actor_at(site, 0, grid=grid, at=at)
        branch = grid.branch or None
        if visitor is None and branch is None:
            continue
        purpose, outcome = rng.choice(PURPOSES)
        site.sink.row(
            "visits.csv",
            f"V-{place.code}-{number:05d}",
            home.id,
            at.isoformat(),
            purpose.value,
            visitor,
            branch,
            outcome,
        )
