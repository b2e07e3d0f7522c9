"""What every resolver receives: the database, this request's loaders, and today."""

from collections.abc import Mapping
from datetime import date
from functools import cached_property

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from graph.access_log import PhoneRead
from graph.core import clock
from graph.core.db import Database
from graph.core.errors import GovgraphError
from graph.core.model import CaseCategory
from graph.security.principal import UNRESTRICTED, Principal
from graph.security.sealing import PiiKeys
from loaders import Loaders
from loaders.people import contact_phone_loader


class Context(BaseContext):
    def __init__(
        self,
        db: Database,
        overdue_days: Mapping[CaseCategory, int] | None = None,
        principal: Principal = UNRESTRICTED,
        *,
        pii_keys: PiiKeys | None = None,
        planner: bool = True,
    ) -> None:
        super().__init__()
        # Every statement of this request reads the reader's scope (graph/scope.py).
        self.db = db.scoped(principal.scope, principal.subject)
        self.principal = principal
        self.loaders = Loaders(self.db)
        # Hash look-ups and clear phones need them; without them, these fields refuse.
        self.pii_keys = pii_keys
        # Days a case may stay at one level, per category (others: graph.cases' default).
        self.overdue_days = dict(overdue_days or {})
        # Queries go through the read planner (graph/plan/); off, every field through the
        # resolvers, the reference it is tested against.
        self.planner = planner

    @property
    def keys(self) -> PiiKeys:
        if self.pii_keys is None:
            raise GovgraphError("This server was started without the keys of personal data.")
        return self.pii_keys

    @cached_property
    def contact_phones(self) -> DataLoader[PhoneRead, str | None]:
        """Clear phones for this request's reader, each read logged (graph.access_log)."""
        return contact_phone_loader(self.db, self.keys, self.principal)

    def today(self) -> date:
        """`asOf` defaults to today in Asia/Shanghai (DESIGN §3)."""
        return clock.today()
