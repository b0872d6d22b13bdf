"""How well a forecast ml issued earlier did against the hours that have happened since (ML monitoring, ADR 0037).

Pure: the issued forecast and the actual series in, a score out. Views per hour are often 0 at night, so the relative
error is WAPE (the absolute errors summed over the actual views summed), not a per-hour percentage that divides by 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.forecasting import ForecastPoint


@dataclass(frozen=True)
class IssuedForecast:
    """A forecast as ml answered it for one channel, kept to be scored once its hours have happened."""

    issued_at: datetime
    interval: float
    points: tuple[ForecastPoint, ...]

    @property
    def last_hour(self) -> datetime:
        return self.points[-1].at

    def is_elapsed_by(self, latest_actual: datetime) -> bool:
        """True once every forecast hour has an actual: it can be scored no further and a newer one may take its place."""
        return latest_actual >= self.last_hour


@dataclass(frozen=True)
class ForecastScore:
    issued_at: datetime
    interval: float
    hours_forecast: int
    hours_compared: int
    mean_absolute_error: float
    weighted_absolute_percentage_error: float | None  # None when the compared hours had no views at all
    interval_coverage: float  # the share of compared hours whose actual fell inside [lower, upper]


def score(issued: IssuedForecast, hours: list[datetime], values: list[float]) -> ForecastScore | None:
    """The issued forecast against the actual hours it covers; None while none of its hours has happened."""
    actual = dict(zip(hours, values))
    pairs = [(p, actual[p.at]) for p in issued.points if p.at in actual]
    if not pairs:
        return None
    errors = [abs(p.value - v) for p, v in pairs]
    total_actual = sum(v for _, v in pairs)
    inside = sum(1 for p, v in pairs if p.lower <= v <= p.upper)
    return ForecastScore(
        issued_at=issued.issued_at,
        interval=issued.interval,
        hours_forecast=len(issued.points),
        hours_compared=len(pairs),
        mean_absolute_error=sum(errors) / len(pairs),
        weighted_absolute_percentage_error=sum(errors) / total_actual if total_actual > 0 else None,
        interval_coverage=inside / len(pairs),
    )
