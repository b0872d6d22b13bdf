"""Synthetic hourly series with known daily and weekly seasonality, trend and noise (fixed seeds)."""

from datetime import datetime, timedelta, timezone

import numpy as np

START = datetime(2026, 11, 2, tzinfo=timezone.utc)  # a Monday


def channel_views(hours: int, seed: int, noise: float = 10.0, trend_per_hour: float = 0.05,
                  start: datetime = START) -> tuple[list[datetime], np.ndarray]:
    """Views per hour: a level of 120, a daily wave peaking at 12:00 UTC, weekends 25 lower, a rising trend, Gaussian noise."""
    rng = np.random.default_rng(seed)
    at = [start + timedelta(hours=i) for i in range(hours)]
    h = np.arange(hours, dtype=float)
    hour_of_day = np.array([a.hour for a in at], dtype=float)
    weekend = np.array([a.weekday() >= 5 for a in at])
    values = (120.0 + trend_per_hour * h + 40.0 * np.sin(2 * np.pi * (hour_of_day - 6) / 24)
              - 25.0 * weekend + rng.normal(0.0, noise, hours))
    return at, np.clip(values, 0.0, None)
