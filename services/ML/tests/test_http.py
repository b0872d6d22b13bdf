"""The HTTP contract through Flask's test client: shapes, the bad-input table, the sidecar token, size limits."""

import json
from datetime import timedelta

import pytest

from app import MAX_REQUEST_BODY_BYTES, create_app
from domain import forecasting
from infrastructure.dapr_sidecar import SidecarSettings
from synthetic import START, channel_views

WEEK = 168


def client(app_api_token=None, http_port=None, api_token=None):
    app = create_app(SidecarSettings(http_port=http_port, api_token=api_token, app_api_token=app_api_token))
    return app.test_client()


def series(hours=3 * WEEK, seed=18):
    at, values = channel_views(hours, seed)
    return [{"at": a.strftime("%Y-%m-%dT%H:%M:%SZ"), "value": float(v)} for a, v in zip(at, values)]


def engagement():
    rows = []
    for week in range(3):
        for hour in (10, 34, 58, 82, 106):
            rows.append({"hourOfWeek": hour, "posts": 1, "views": 300 + (400 if hour == 58 else 0) + week})
    return rows


def test_forecast_answers_the_next_week_with_intervals():
    answer = client().post("/forecast", json={"series": series()})
    assert answer.status_code == 200
    body = answer.get_json()
    assert len(body["points"]) == WEEK
    assert body["interval"] == 0.8 and body["horizonHours"] == WEEK and body["model"] == forecasting.MODEL_NAME
    first = body["points"][0]
    assert first["at"] == (START + timedelta(hours=3 * WEEK)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in body["points"])


def test_forecast_takes_horizon_interval_and_offsets():
    points = series()
    points[-1]["at"] = points[-1]["at"].replace("Z", "+00:00")
    answer = client().post("/forecast", json={"series": points, "horizonHours": 24, "interval": 0.95})
    assert answer.status_code == 200
    assert len(answer.get_json()["points"]) == 24 and answer.get_json()["interval"] == 0.95


def test_best_time_answers_the_planted_slot_first():
    answer = client().post("/best-time", json={"engagement": engagement(), "top": 2})
    assert answer.status_code == 200
    body = answer.get_json()
    assert [(s["dayOfWeek"], s["hour"]) for s in body["slots"]] == [("wednesday", 10), ("monday", 10)]
    assert body["slots"][0]["expectedLift"] > 0 and body["totalPosts"] == 15


def test_best_time_takes_an_hourly_series():
    rows = [{"at": (START + timedelta(hours=h + w * WEEK)).strftime("%Y-%m-%dT%H:%M:%SZ"), "posts": 1,
             "engagement": 500 if h == 30 else 100} for w in range(3) for h in (5, 30, 60, 90)]
    answer = client().post("/best-time", json={"series": rows})
    assert answer.status_code == 200
    assert answer.get_json()["slots"][0] == pytest.approx(
        {"dayOfWeek": "tuesday", "hour": 6, "hourOfWeek": 30, "posts": 3, "engagementPerPost": 500.0,
         "expectedLift": answer.get_json()["slots"][0]["expectedLift"]})


def _shifted(points, index, **change):
    points = [dict(p) for p in points]
    points[index].update(change)
    return points


BAD_FORECASTS = [
    ("no series", {}, "series"),
    ("series not an array", {"series": "x"}, "series"),
    ("empty series", {"series": []}, "series"),
    ("too long", {"series": [{"at": "2026-01-01T00:00:00Z", "value": 1}] * (forecasting.MAX_POINTS + 1)}, "series"),
    ("point not an object", {"series": [1] + series()[1:]}, "series[0]"),
    ("no at", {"series": _shifted(series(), 3, at=None)}, "series[3].at"),
    ("at not a time", {"series": _shifted(series(), 3, at="yesterday")}, "series[3].at"),
    ("at without offset", {"series": _shifted(series(), 3, at="2026-11-02T03:00:00")}, "series[3].at"),
    ("at not on the hour", {"series": _shifted(series(), 3, at="2026-11-02T03:30:00Z")}, "series[3].at"),
    ("hours out of order", {"series": _shifted(series(), 3, at="2026-11-02T01:00:00Z")}, "series[3].at"),
    ("hour repeated", {"series": _shifted(series(), 3, at="2026-11-02T02:00:00Z")}, "series[3].at"),
    ("negative value", {"series": _shifted(series(), 5, value=-1)}, "series[5].value"),
    ("value a string", {"series": _shifted(series(), 5, value="12")}, "series[5].value"),
    ("value a boolean", {"series": _shifted(series(), 5, value=True)}, "series[5].value"),
    ("value missing", {"series": _shifted(series(), 5, value=None)}, "series[5].value"),
    ("fewer than two weeks", {"series": series(2 * WEEK - 1)}, "series"),
    ("horizon zero", {"series": series(), "horizonHours": 0}, "horizonHours"),
    ("horizon over a week", {"series": series(), "horizonHours": 169}, "horizonHours"),
    ("horizon fractional", {"series": series(), "horizonHours": 1.5}, "horizonHours"),
    ("horizon a string", {"series": series(), "horizonHours": "24"}, "horizonHours"),
    ("interval unsupported", {"series": series(), "interval": 0.9}, "interval"),
    ("channelId not a uuid", {"series": series(), "channelId": "channel-1"}, "channelId"),
    ("channelId without hyphens", {"series": series(), "channelId": "3f1d2c4b8a7e4f609b217c5d4e3a2b10"}, "channelId"),
    ("channelId hyphens misplaced", {"series": series(), "channelId": "3f1d2c4b8-a7e-4f60-9b21-7c5d4e3a2b10"}, "channelId"),
    ("channelId a number", {"series": series(), "channelId": 7}, "channelId"),
]

BAD_BEST_TIMES = [
    ("neither input", {}, "engagement"),
    ("both inputs", {"engagement": engagement(), "series": []}, "engagement"),
    ("engagement empty", {"engagement": []}, "engagement"),
    ("row not an object", {"engagement": ["x"] + engagement()}, "engagement[0]"),
    ("hour of week 168", {"engagement": _shifted(engagement(), 0, hourOfWeek=168)}, "engagement[0].hourOfWeek"),
    ("hour of week negative", {"engagement": _shifted(engagement(), 0, hourOfWeek=-1)}, "engagement[0].hourOfWeek"),
    ("posts negative", {"engagement": _shifted(engagement(), 1, posts=-2)}, "engagement[1].posts"),
    ("posts fractional", {"engagement": _shifted(engagement(), 1, posts=1.5)}, "engagement[1].posts"),
    ("views missing", {"engagement": _shifted(engagement(), 2, views=None)}, "engagement[2].views"),
    ("views and engagement", {"engagement": _shifted(engagement(), 2, engagement=4)}, "engagement[2]"),
    ("series at bad", {"series": [{"at": "noon", "posts": 1, "views": 1}]}, "series[0].at"),
    ("top zero", {"engagement": engagement(), "top": 0}, "top"),
    ("top too many", {"engagement": engagement(), "top": 25}, "top"),
    ("too few posts", {"engagement": engagement()[:9]}, "engagement"),
    ("too few ranked hours", {"engagement": [{"hourOfWeek": h, "posts": 1, "views": 9} for h in range(20)]}, "engagement"),
]


@pytest.mark.parametrize("path, body, field", [("/forecast", b, f) for _, b, f in BAD_FORECASTS]
                         + [("/best-time", b, f) for _, b, f in BAD_BEST_TIMES],
                         ids=[f"forecast: {n}" for n, _, _ in BAD_FORECASTS] + [f"best-time: {n}" for n, _, _ in BAD_BEST_TIMES])
def test_bad_input_is_a_400_problem_naming_the_field(path, body, field):
    answer = client().post(path, json=body)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["status"] == 400 and problem["title"] == "The request is invalid."
    assert field in problem["errors"], problem


def test_a_value_beyond_a_double_is_not_finite():
    raw = json.dumps({"series": series()}).replace('"value": ', '"value": 1e400', 1).replace("1e400", "1e400, \"x\": ", 1)
    answer = client().post("/forecast", data=raw, content_type="application/json")
    assert answer.status_code == 400
    assert "series[0].value" in answer.get_json()["errors"]


def test_too_short_a_series_says_the_minimum():
    problem = client().post("/forecast", json={"series": series(100)}).get_json()
    assert problem["minimumPoints"] == 336
    assert "At least 336 hourly points (2 weeks)" in problem["errors"]["series"][0]


def test_too_little_posting_history_says_the_minimum():
    problem = client().post("/best-time", json={"engagement": engagement()[:3]}).get_json()
    assert problem["minimumPosts"] == 10 and "At least 10 posts" in problem["errors"]["engagement"][0]


def test_many_bad_points_are_reported_within_a_bound():
    points = [{"at": "bad", "value": -1}] * 500
    problem = client().post("/forecast", json={"series": points}).get_json()
    assert sum(len(m) for m in problem["errors"].values()) <= 20


@pytest.mark.parametrize("path", ["/forecast", "/best-time"])
@pytest.mark.parametrize("raw, content_type, status", [
    (b"{not json", "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (b'{"series": [{"at": "2026-11-02T00:00:00Z", "value": NaN}]}', "application/json", 400),
    (b"", "application/json", 400),
    (b"series=1", "application/x-www-form-urlencoded", 415),
])
def test_unreadable_bodies_are_problems(path, raw, content_type, status):
    answer = client().post(path, data=raw, content_type=content_type)
    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/forecast", "/best-time"])
def test_oversized_bodies_are_413(path):
    raw = b'{"series": "' + b"x" * MAX_REQUEST_BODY_BYTES + b'"}'
    answer = client().post(path, data=raw, content_type="application/json")
    assert answer.status_code == 413
    assert answer.get_json()["status"] == 413


def test_unknown_routes_and_methods_are_problems():
    assert client().get("/nothing").status_code == 404
    answer = client().get("/forecast")
    assert answer.status_code == 405 and answer.mimetype == "application/problem+json"


def test_with_app_api_token_only_the_sidecar_gets_in():
    guarded = client(app_api_token="s3cret")
    assert guarded.post("/forecast", json={"series": series()}).status_code == 401
    assert guarded.post("/forecast", json={"series": series()}, headers={"dapr-api-token": "wrong"}).status_code == 401
    assert guarded.post("/forecast", json={"series": series()}, headers={"dapr-api-token": "s3cret"}).status_code == 200
    refused = guarded.post("/best-time", json={})
    assert refused.get_json()["title"] == "Authentication is required."
    # Probes carry no token.
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/readyz").status_code == 200


def test_healthz_and_readyz_without_a_sidecar():
    assert client().get("/healthz").get_json() == {"status": "Healthy", "checks": {}}
    assert client().get("/readyz").get_json()["status"] == "Healthy"


def test_readyz_asks_the_sidecar_with_its_token(sidecar):
    port = sidecar.port
    assert client(http_port=port, api_token="tok").get("/readyz").status_code == 200
    assert sidecar.calls == [("GET", "/v1.0/healthz/outbound", "tok")]
    sidecar.close()
    # Nobody listens there any more: not ready.
    answer = client(http_port=port).get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["checks"]["sidecar"]["status"] == "Unhealthy"


def test_settings_come_from_the_environment_dapr_run_sets():
    settings = SidecarSettings.from_environment({"DAPR_HTTP_PORT": "3513", "DAPR_API_TOKEN": "a", "APP_API_TOKEN": "b"})
    assert settings == SidecarSettings(3513, "a", "b")
    assert SidecarSettings.from_environment({}) == SidecarSettings(None, None, None)


def test_answers_are_json_numbers_not_strings():
    body = client().post("/forecast", json={"series": series(), "horizonHours": 1}).get_data()
    point = json.loads(body)["points"][0]
    assert all(isinstance(point[k], float) for k in ("value", "lower", "upper"))


def test_a_chunked_body_past_the_limit_is_413_while_it_is_read():
    # No Content-Length (chunked, as gunicorn passes it on with wsgi.input_terminated): refused once the limit is passed.
    import io
    raw = b'{"series": "' + b"x" * MAX_REQUEST_BODY_BYTES + b'"}'
    answer = client().post("/forecast", content_type="application/json", environ_overrides={
        "wsgi.input": io.BytesIO(raw), "wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    assert answer.status_code == 413


def test_a_sidecar_port_that_is_not_a_number_means_no_sidecar():
    assert SidecarSettings.from_environment({"DAPR_HTTP_PORT": "three"}).http_port is None


CHANNEL = "3f1d2c4b-8a7e-4f60-9b21-7c5d4e3a2b10"


def with_sidecar(sidecar):
    return create_app(SidecarSettings(http_port=sidecar.port, api_token=None, app_api_token=None)).test_client()


def test_a_channel_s_forecast_is_kept_and_the_next_request_scores_it_on_the_hours_since(sidecar):
    app = with_sidecar(sidecar)
    first = app.post("/forecast", json={"series": series(3 * WEEK), "channelId": CHANNEL}).get_json()
    assert first["accuracy"] is None
    kept = sidecar.state[f"forecast-{CHANNEL}"]
    assert [p["at"] for p in kept["points"]] == [p["at"] for p in first["points"]]
    # Kept a week past its last hour: two weeks from "now" at the latest, never less than a minute.
    assert 60 <= int(sidecar.ttl[f"forecast-{CHANNEL}"])

    # A day later: 24 of its 168 hours have happened. It is scored on them and kept, as it is not over yet.
    later = app.post("/forecast", json={"series": series(3 * WEEK + 24), "channelId": CHANNEL}).get_json()
    assert later["accuracy"]["hoursCompared"] == 24 and later["accuracy"]["hoursForecast"] == WEEK
    assert later["accuracy"]["interval"] == 0.8 and 0 <= later["accuracy"]["intervalCoverage"] <= 1
    assert sidecar.state[f"forecast-{CHANNEL}"] == kept

    # A week later it is over: scored on all its hours, and the new forecast takes its place.
    week_later = app.post("/forecast", json={"series": series(4 * WEEK), "channelId": CHANNEL}).get_json()
    assert week_later["accuracy"]["hoursCompared"] == WEEK
    assert week_later["accuracy"]["meanAbsoluteError"] < 15 and week_later["accuracy"]["weightedAbsolutePercentageError"] < 0.15
    assert sidecar.state[f"forecast-{CHANNEL}"]["points"][0]["at"] == week_later["points"][0]["at"]


def test_without_a_channel_nothing_is_kept_or_scored(sidecar):
    answer = with_sidecar(sidecar).post("/forecast", json={"series": series()}).get_json()
    assert answer["accuracy"] is None and not sidecar.calls


def test_a_failing_state_store_still_answers_the_forecast_without_a_score(sidecar):
    sidecar.failing = True
    answer = with_sidecar(sidecar).post("/forecast", json={"series": series(), "channelId": CHANNEL})
    assert answer.status_code == 200 and answer.get_json()["accuracy"] is None
    assert len(answer.get_json()["points"]) == WEEK


def test_an_unreadable_kept_forecast_is_ignored(sidecar):
    sidecar.state[f"forecast-{CHANNEL}"] = {"issuedAt": "yesterday", "points": "none"}
    answer = with_sidecar(sidecar).post("/forecast", json={"series": series(), "channelId": CHANNEL})
    assert answer.status_code == 200 and answer.get_json()["accuracy"] is None
    assert sidecar.state[f"forecast-{CHANNEL}"]["points"][0]["at"] == answer.get_json()["points"][0]["at"]
