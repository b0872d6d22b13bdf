"""POST /forecast — a channel's hourly series → the next hours (default 168) with prediction intervals.

Request: {"series": [{"at": "2026-11-02T00:00:00Z", "value": 120}, …], "horizonHours": 168, "interval": 0.8,
          "channelId": "<uuid>" (optional)}
Answer:  {"points": [{"at", "value", "lower", "upper"}], "model", "interval", "horizonHours", "accuracy"}

With a channelId, the forecast is kept (infrastructure/issued_forecasts.py) and `accuracy` scores the one issued before
against the hours of this series that it covered (null when there is none yet; ADR 0037).
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from domain import accuracy, forecasting
from features.problems import ValidationErrors, is_number, read_json_object, read_whole_number

blueprint = Blueprint("forecast", __name__)

SHAPE = ('{"series": [{"at": "<ISO 8601 hour>", "value": <number>}], "horizonHours": 1..168, "interval": 0.8 | 0.95, '
         '"channelId": "<uuid>"}')


def parse_hour(errors: ValidationErrors, field: str, value: Any) -> datetime | None:
    """A whole UTC hour with an explicit offset ("…T10:00:00Z" or "…T12:00:00+02:00"), as a UTC datetime."""
    if not isinstance(value, str):
        errors.add(field, f"{field} is required: an ISO 8601 time with an offset, on the hour.")
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        errors.add(field, f"{field} must be an ISO 8601 time such as 2026-11-02T10:00:00Z.")
        return None
    if at.tzinfo is None:
        errors.add(field, f"{field} must carry an offset (Z or ±hh:mm).")
        return None
    at = at.astimezone(timezone.utc)
    if at.minute or at.second or at.microsecond:
        errors.add(field, f"{field} must be a whole UTC hour (minutes and seconds zero).")
        return None
    return at


def read_series(errors: ValidationErrors, body: dict[str, Any], value_field: str) -> tuple[list[datetime], list[float]]:
    """`series` as strictly increasing whole hours and finite non-negative values; field errors keyed `series[i].x`."""
    series = body.get("series")
    if not isinstance(series, list) or not series:
        errors.add("series", "series is required: a non-empty array of hourly points.")
        return [], []
    if len(series) > forecasting.MAX_POINTS:
        errors.add("series", f"series holds at most {forecasting.MAX_POINTS} points (400 days of hours); it has {len(series)}.")
        return [], []

    hours: list[datetime] = []
    values: list[float] = []
    previous: datetime | None = None
    for i, point in enumerate(series):
        if errors.is_full:
            break
        field = f"series[{i}]"
        if not isinstance(point, dict):
            errors.add(field, f"A point must be an object with at and {value_field}.")
            continue
        at = parse_hour(errors, f"{field}.at", point.get("at"))
        value = point.get(value_field)
        if not is_number(value) or not math.isfinite(value) or value < 0:
            errors.add(f"{field}.{value_field}", f"{value_field} must be a finite number of at least 0.")
            value = None
        if at is not None:
            if previous is not None and at <= previous:
                errors.add(f"{field}.at", "Hours must be sorted and unique: this one is not later than the one before it.")
            previous = at
        if at is not None and value is not None:
            hours.append(at)
            values.append(float(value))
    return hours, values


def _interval(errors: ValidationErrors, body: dict[str, Any]) -> float:
    value = body.get("interval")
    if value is None:
        return forecasting.SUPPORTED_INTERVALS[0]
    if not is_number(value) or float(value) not in forecasting.SUPPORTED_INTERVALS:
        errors.add("interval", "interval must be 0.8 or 0.95.")
        return forecasting.SUPPORTED_INTERVALS[0]
    return float(value)


def _channel_id(errors: ValidationErrors, body: dict[str, Any]) -> str | None:
    value = body.get("channelId")
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 36 and all(value[i] == "-" for i in (8, 13, 18, 23)):
            return str(uuid.UUID(value))
    except ValueError:
        pass
    errors.add("channelId", "channelId must be a UUID such as 3f1d2c4b-8a7e-4f60-9b21-7c5d4e3a2b10.")
    return None


def _score(score: accuracy.ForecastScore | None) -> dict[str, Any] | None:
    if score is None:
        return None
    wape = score.weighted_absolute_percentage_error
    return {
        "issuedAt": _iso(score.issued_at),
        "interval": score.interval,
        "hoursForecast": score.hours_forecast,
        "hoursCompared": score.hours_compared,
        "meanAbsoluteError": round(score.mean_absolute_error, 3),
        "weightedAbsolutePercentageError": None if wape is None else round(wape, 4),
        "intervalCoverage": round(score.interval_coverage, 4),
    }


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


@blueprint.post("/forecast")
def post_forecast() -> Response:
    body = read_json_object(SHAPE)
    errors = ValidationErrors()
    horizon = read_whole_number(errors, body, "horizonHours", forecasting.MAX_HORIZON_HOURS, 1, forecasting.MAX_HORIZON_HOURS)
    interval = _interval(errors, body)
    channel_id = _channel_id(errors, body)
    hours, values = read_series(errors, body, "value")
    if not errors.is_empty:
        return errors.to_problem()
    if len(hours) < forecasting.MIN_POINTS:
        errors.add("series", f"At least {forecasting.MIN_POINTS} hourly points (2 weeks) are needed to learn the weekly "
                             f"pattern; the series has {len(hours)}.")
        return errors.to_problem(minimumPoints=forecasting.MIN_POINTS)

    result = forecasting.forecast(hours, values, horizon, interval)
    score = None
    if channel_id is not None:
        issued = current_app.config["ISSUED_FORECASTS"]
        previous = issued.find(channel_id)
        score = None if previous is None else accuracy.score(previous, hours, values)
        if previous is None or previous.is_elapsed_by(hours[-1]):
            issued.keep(channel_id, accuracy.IssuedForecast(issued.now(), result.interval, tuple(result.points)))
    return jsonify({
        "points": [{"at": _iso(p.at), "value": round(p.value, 3), "lower": round(p.lower, 3), "upper": round(p.upper, 3)}
                   for p in result.points],
        "model": result.model,
        "interval": result.interval,
        "horizonHours": horizon,
        "accuracy": _score(score),
    })
