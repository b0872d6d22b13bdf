"""POST /best-time — engagement by hour of the week → the best posting slots with their expected lift.

Request: {"engagement": [{"hourOfWeek": 0..167, "posts": 2, "views": 340}, …], "top": 3}  (Monday 00:00 UTC = 0;
         "engagement" may stand for "views"; rows for the same hour add up), or {"series": [{"at", "posts", "views"}]}
         with hourly rows whose hour of the week is taken from `at`.
Answer:  {"slots": [{"dayOfWeek", "hour", "hourOfWeek", "posts", "engagementPerPost", "expectedLift"}],
          "meanEngagementPerPost", "totalPosts"}; expectedLift 0.25 means 25 % above the channel's mean per post.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, jsonify

from domain import best_time, forecasting
from features.forecast import parse_hour
from features.problems import ValidationErrors, is_number, read_json_object, read_whole_number

blueprint = Blueprint("best_time", __name__)

SHAPE = ('{"engagement": [{"hourOfWeek": 0..167, "posts": <count>, "views": <number>}], "top": 1..24} '
         'or {"series": [{"at": "<ISO 8601 hour>", "posts": <count>, "views": <number>}]}')

DEFAULT_TOP = 3


def _read_row(errors: ValidationErrors, field: str, row: Any, hour_field: str) -> best_time.HourOfWeekEngagement | None:
    if not isinstance(row, dict):
        errors.add(field, f"A row must be an object with {hour_field}, posts and views (or engagement).")
        return None
    if hour_field == "hourOfWeek":
        hour = row.get("hourOfWeek")
        if not is_number(hour) or hour != int(hour) or not 0 <= hour < best_time.HOURS_PER_WEEK:
            errors.add(f"{field}.hourOfWeek", "hourOfWeek must be a whole number from 0 (Monday 00:00 UTC) to 167.")
            hour = None
    else:
        at = parse_hour(errors, f"{field}.at", row.get("at"))
        hour = None if at is None else forecasting.hour_index(at) % best_time.HOURS_PER_WEEK
    posts = row.get("posts")
    if not is_number(posts) or posts != int(posts) or posts < 0:
        errors.add(f"{field}.posts", "posts must be a whole number of at least 0.")
        posts = None
    has_views, has_engagement = row.get("views") is not None, row.get("engagement") is not None
    name = "engagement" if has_engagement and not has_views else "views"
    amount = row.get(name)
    if has_views and has_engagement:
        errors.add(field, "Give views or engagement, not both.")
        amount = None
    elif not is_number(amount) or not math.isfinite(amount) or amount < 0:
        errors.add(f"{field}.{name}", f"{name} is required: a finite number of at least 0.")
        amount = None
    if hour is None or posts is None or amount is None:
        return None
    return best_time.HourOfWeekEngagement(int(hour), int(posts), float(amount))


def read_rows(errors: ValidationErrors, body: dict[str, Any]) -> list[best_time.HourOfWeekEngagement]:
    by_hour, series = body.get("engagement"), body.get("series")
    if (by_hour is None) == (series is None):
        errors.add("engagement", "Give exactly one of engagement (rows by hour of the week) or series (hourly rows).")
        return []
    name, rows, hour_field = ("engagement", by_hour, "hourOfWeek") if series is None else ("series", series, "at")
    if not isinstance(rows, list) or not rows:
        errors.add(name, f"{name} must be a non-empty array.")
        return []
    if len(rows) > forecasting.MAX_POINTS:
        errors.add(name, f"{name} holds at most {forecasting.MAX_POINTS} rows; it has {len(rows)}.")
        return []
    parsed = []
    for i, row in enumerate(rows):
        if errors.is_full:
            break
        item = _read_row(errors, f"{name}[{i}]", row, hour_field)
        if item is not None:
            parsed.append(item)
    return parsed


@blueprint.post("/best-time")
def post_best_time() -> Response:
    body = read_json_object(SHAPE)
    errors = ValidationErrors()
    top = read_whole_number(errors, body, "top", DEFAULT_TOP, 1, best_time.MAX_TOP)
    rows = read_rows(errors, body)
    if not errors.is_empty:
        return errors.to_problem()
    try:
        result = best_time.best_times(rows, top)
    except best_time.NotEnoughData as too_little:
        errors.add("engagement" if body.get("series") is None else "series", str(too_little))
        return errors.to_problem(minimumPosts=best_time.MIN_TOTAL_POSTS, minimumPostsPerSlot=best_time.MIN_POSTS_PER_SLOT,
                                 minimumSlots=best_time.MIN_RANKED_SLOTS)
    return jsonify({
        "slots": [{"dayOfWeek": s.day_of_week, "hour": s.hour, "hourOfWeek": s.hour_of_week, "posts": s.posts,
                   "engagementPerPost": round(s.engagement_per_post, 3), "expectedLift": round(s.expected_lift, 4)}
                  for s in result.slots],
        "meanEngagementPerPost": round(result.mean_engagement_per_post, 3),
        "totalPosts": result.total_posts,
    })
