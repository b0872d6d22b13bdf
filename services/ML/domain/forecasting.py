"""Hourly forecast: a seasonal regression (trend + daily and weekly Fourier terms) fitted by OLS.

Why this model (ADR 0033): an hourly channel series has two seasonalities at once (hour of day, day of week). Holt-Winters
in statsmodels takes one seasonal period, and a 168-hour seasonal state fitted from 2–3 weeks estimates each hour of the
week from 2–3 points. Here the day's shape is 8 Fourier pairs and the week is a level per day: 24 coefficients, so two
weeks of history are enough, the fit is closed-form (milliseconds), and OLS gives prediction intervals from the residual
variance plus the coefficients' uncertainty. The tests hold it to beating the naive "same hour last week" forecast on
held-out data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
import statsmodels.api as sm

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 7 * HOURS_PER_DAY

# Two full weekly cycles: the least that separates the weekly pattern from noise and trend.
MIN_POINTS = 2 * HOURS_PER_WEEK
# ~400 days of hours: the longest series accepted (bounds the request and the fit).
MAX_POINTS = 24 * 400
MAX_HORIZON_HOURS = HOURS_PER_WEEK

# Only the most recent weeks are fitted: a straight trend over a year of history would say little about next week.
FIT_WINDOW_HOURS = 8 * HOURS_PER_WEEK

# Daily harmonics down to 24 h / 8 = 3 h periods: the shape of a day. The weekly cycle is a level per day of the week.
DAILY_HARMONICS = 8

SUPPORTED_INTERVALS = (0.8, 0.95)

MODEL_NAME = f"seasonal-regression(trend, day-of-week levels, {DAILY_HARMONICS} daily harmonics)"

_EPOCH_MONDAY = datetime(1970, 1, 5, tzinfo=timezone.utc)  # a Monday 00:00 UTC: hour-of-week 0


@dataclass(frozen=True)
class ForecastPoint:
    at: datetime
    value: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Forecast:
    points: list[ForecastPoint]
    model: str
    interval: float


def hour_index(at: datetime) -> int:
    """Whole hours since a Monday 00:00 UTC; `hour_index % 168` is the hour of the week."""
    return int((at - _EPOCH_MONDAY).total_seconds() // 3600)


def _design(hours: np.ndarray, origin: int) -> np.ndarray:
    """Columns: intercept (Monday's level), trend (in weeks since the fit's first hour), Tuesday…Sunday against Monday,
    then sin/cos pairs of the daily cycle."""
    columns = [np.ones(hours.shape[0]), (hours - origin) / HOURS_PER_WEEK]
    day_of_week = (hours % HOURS_PER_WEEK) // HOURS_PER_DAY
    columns.extend((day_of_week == day).astype(float) for day in range(1, 7))
    phase = 2.0 * np.pi * (hours % HOURS_PER_DAY) / HOURS_PER_DAY
    for k in range(1, DAILY_HARMONICS + 1):
        columns.append(np.sin(k * phase))
        columns.append(np.cos(k * phase))
    return np.column_stack(columns)


def forecast(at: list[datetime], values: list[float], horizon_hours: int, interval: float = 0.8) -> Forecast:
    """The next `horizon_hours` hours after the last point, each with a central `interval` prediction interval.

    Expects what the request validation guarantees: UTC whole hours, strictly increasing (gaps allowed), at least
    MIN_POINTS finite non-negative values, 1 <= horizon_hours <= MAX_HORIZON_HOURS.
    """
    if len(at) != len(values) or len(at) < MIN_POINTS:
        raise ValueError(f"at least {MIN_POINTS} points are needed")
    if interval not in SUPPORTED_INTERVALS:
        raise ValueError(f"interval must be one of {SUPPORTED_INTERVALS}")

    hours = np.array([hour_index(a) for a in at], dtype=float)
    y = np.asarray(values, dtype=float)
    fitted = hours >= hours[-1] - FIT_WINDOW_HOURS + 1
    hours, y = hours[fitted], y[fitted]
    origin = int(hours[0])

    model = sm.OLS(y, _design(hours, origin)).fit()
    future_hours = hours[-1] + np.arange(1, horizon_hours + 1, dtype=float)
    frame = model.get_prediction(_design(future_hours, origin)).summary_frame(alpha=1.0 - interval)

    # Counts are never negative: the line and its interval are cut at zero.
    mean = np.clip(frame["mean"].to_numpy(), 0.0, None)
    lower = np.clip(frame["obs_ci_lower"].to_numpy(), 0.0, None)
    upper = np.clip(frame["obs_ci_upper"].to_numpy(), 0.0, None)
    last = at[-1].astimezone(timezone.utc)
    points = [
        ForecastPoint(last + timedelta(hours=i + 1), float(mean[i]), float(lower[i]), float(upper[i]))
        for i in range(horizon_hours)
    ]
    return Forecast(points, MODEL_NAME, interval)


def naive_last_week(values: list[float], horizon_hours: int) -> list[float]:
    """The baseline the model must beat: each hour repeats the same hour one week earlier."""
    if len(values) < HOURS_PER_WEEK or horizon_hours > HOURS_PER_WEEK:
        raise ValueError("the baseline needs a week of history and forecasts at most a week")
    last_week = values[-HOURS_PER_WEEK:]
    return [float(last_week[i]) for i in range(horizon_hours)]
