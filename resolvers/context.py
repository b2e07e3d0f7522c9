"""What every resolver receives: the database, this request's loaders, and today."""

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from strawberry.fastapi import BaseContext

from graph.access import UNRESTRICTED, Principal
from graph.db import Database
from graph.model import CaseCategory
from loaders import Loaders

CITY_TIME = ZoneInfo("Asia/Shanghai")


class Context(BaseContext):
    def __init__(
        self,
        db: Database,
        overdue_days: Mapping[CaseCategory, int] | None = None,
        principal: Principal = UNRESTRICTED,
    ) -> None:
        super().__init__()
        # Every statement of this request reads the reader's scope (graph/scope.py).
        self.db = db.scoped(principal.scope, principal.subject)
        self.principal = principal
        self.loaders = Loaders(self.db)
        # Days a case may stay at one level, per category (others: graph.cases' default).
        self.overdue_days = dict(overdue_days or {})

    def today(self) -> date:
        """`asOf` defaults to today in Asia/Shanghai (DESIGN §3)."""
        return datetime.now(CITY_TIME).date()
