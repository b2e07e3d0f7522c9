from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from graph import access_log, people
from graph.access_log import PhoneRead
from graph.core.db import Database
from graph.security.principal import Principal
from graph.security.sealing import PiiKeys
from loaders.batching import list_loader, lookup_loader


class PeopleLoaders:
    def __init__(self, db: Database) -> None:
        self.person = lookup_loader(db, people.PEOPLE)
        self.household_members = list_loader(db, people.HOUSEHOLD_MEMBERS)


def contact_phone_loader(
    db: Database, keys: PiiKeys, reader: Principal
) -> DataLoader[PhoneRead, str | None]:
    """Clear phones, each read logged: one write transaction for the request's whole batch."""

    async def load(reads: Sequence[PhoneRead]) -> list[str | Exception | None]:
        assert reader.subject is not None, "the resolver lets only a named reader through"
        return await access_log.read_phones(
            db, keys, reads, reader=reader.subject, reader_scope=reader.scope
        )

    return DataLoader(load_fn=load)
