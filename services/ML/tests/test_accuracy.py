"""Scoring an issued forecast against what happened (domain/accuracy.py)."""

from datetime import datetime, timedelta, timezone

import pytest

from domain import accuracy, forecasting
from domain.forecasting import ForecastPoint
from synthetic import START, channel_views

WEEK = 168
ISSUED = datetime(2026, 11, 23, tzinfo=timezone.utc)


def issued(*points):
    return accuracy.IssuedForecast(ISSUED, 0.8, tuple(
        ForecastPoint(ISSUED + timedelta(hours=i + 1), value, lower, upper) for i, (value, lower, upper) in enumerate(points)))


def test_the_score_compares_only_the_hours_that_happened():
    forecast = issued((100, 80, 120), (50, 40, 60), (10, 0, 20))
    hours = [ISSUED + timedelta(hours=h) for h in (0, 1, 2)]  # the third forecast hour has not happened
    score = accuracy.score(forecast, hours, [7.0, 110.0, 70.0])
    assert score.hours_forecast == 3 and score.hours_compared == 2
    assert score.mean_absolute_error == pytest.approx((10 + 20) / 2)
    assert score.weighted_absolute_percentage_error == pytest.approx(30 / 180)
    assert score.interval_coverage == pytest.approx(0.5)  # 110 is inside [80, 120], 70 above [40, 60]
    assert score.issued_at == ISSUED and score.interval == 0.8


def test_nothing_to_score_before_the_first_forecast_hour():
    assert accuracy.score(issued((1, 0, 2)), [ISSUED - timedelta(hours=1), ISSUED], [5.0, 6.0]) is None


def test_hours_without_views_have_no_relative_error_but_an_absolute_one():
    score = accuracy.score(issued((4, 0, 9), (2, 0, 9)), [ISSUED + timedelta(hours=1), ISSUED + timedelta(hours=2)], [0.0, 0.0])
    assert score.weighted_absolute_percentage_error is None
    assert score.mean_absolute_error == pytest.approx(3.0) and score.interval_coverage == 1.0


def test_a_forecast_is_elapsed_once_its_last_hour_has_an_actual():
    forecast = issued((1, 0, 2), (1, 0, 2))
    assert not forecast.is_elapsed_by(ISSUED + timedelta(hours=1))
    assert forecast.is_elapsed_by(ISSUED + timedelta(hours=2))


@pytest.mark.parametrize("interval, low, high", [(0.8, 0.7, 0.9), (0.95, 0.88, 1.0)])
def test_the_model_s_intervals_hold_about_their_share_of_the_next_week(interval, low, high):
    # The score on held-out data is how ml's own forecasts are judged in production: on a series with known seasonality
    # the stated interval must cover about its share of what happened, and the error stay near the noise (sd 10).
    at, values = channel_views(4 * WEEK, seed=37)
    history, future = slice(0, 3 * WEEK), slice(3 * WEEK, 4 * WEEK)
    result = forecasting.forecast(at[history], list(values[history]), WEEK, interval)
    score = accuracy.score(accuracy.IssuedForecast(at[3 * WEEK - 1], interval, tuple(result.points)), at[future], list(values[future]))
    assert score.hours_compared == WEEK
    assert low <= score.interval_coverage <= high
    assert score.mean_absolute_error < 12
    assert score.weighted_absolute_percentage_error < 0.1
