"""Times: stored in UTC, shown in Europe/Paris (the CPTS's users read French wall-clock time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def to_paris(moment: datetime) -> datetime:
    """An aware datetime in Paris time (naive values are UTC, as every stored timestamp is)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def paris_datetime(moment: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return to_paris(moment).strftime(fmt) if moment else ""


def paris_date(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = to_paris(moment)
    return moment.strftime("%d/%m/%Y")


def paris_time(moment: datetime | None) -> str:
    return to_paris(moment).strftime("%H:%M") if moment else ""


def paris_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a Paris calendar day starts and ends (for filters typed as dates)."""
    start = datetime.combine(day, time.min, PARIS).astimezone(UTC)
    end = datetime.combine(day, time.max, PARIS).astimezone(UTC)
    return start, end


def register_filters(app) -> None:
    """``{{ x|paris }}`` (date and time), ``|paris_date``, ``|paris_time``, in every template."""
    app.add_template_filter(paris_datetime, "paris")
    app.add_template_filter(paris_date, "paris_date")
    app.add_template_filter(paris_time, "paris_time")
