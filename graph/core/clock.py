"""The city's clock: every date and time govgraph makes or reads is Asia/Shanghai's."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CITY_ZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The time in the city, to the second, with the fixed offset times are stored with."""
    return city_time(datetime.now(CITY_ZONE).replace(microsecond=0))


def today() -> date:
    """Today in the city: what `asOf` means when it is not given (DESIGN §3)."""
    return datetime.now(CITY_ZONE).date()


def city_time(moment: datetime) -> datetime:
    """With its own offset, or the city's when it has none; fixed, as times are stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CITY_ZONE)
    offset = moment.utcoffset()
    assert offset is not None  # an aware datetime always has one
    return moment.astimezone(timezone(offset))


def optional_city_time(moment: datetime | None) -> datetime | None:
    return city_time(moment) if moment is not None else None
