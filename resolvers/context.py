"""What every resolver receives: the database, this request's loaders, and today."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from strawberry.fastapi import BaseContext

from graph.db import Database
from loaders import Loaders

CITY_TIME = ZoneInfo("Asia/Shanghai")


class Context(BaseContext):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.loaders = Loaders(db)

    def today(self) -> date:
        """`asOf` defaults to today in Asia/Shanghai (DESIGN §3)."""
        return datetime.now(CITY_TIME).date()
