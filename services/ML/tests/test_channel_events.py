"""ml as a subscriber: GET /dapr/subscribe and `channel.removed` deliveries, validated against contracts/ (ADR 0036, 0037)."""

import json
from pathlib import Path

import pytest

from app import create_app
from infrastructure.contracts import DEFAULT_CONTRACTS_DIR
from infrastructure.dapr_sidecar import SidecarSettings

CHANNEL = "3f1d2c4b-8a7e-4f60-9b21-7c5d4e3a2b10"
KEY = f"forecast-{CHANNEL}"


def client(sidecar, app_api_token=None):
    return create_app(SidecarSettings(http_port=sidecar.port, api_token="dapr-tok", app_api_token=app_api_token)).test_client()


def cloud_event(data, event_id="evt-1"):
    # As daprd delivers it: a structured CloudEvent 1.0.
    return {"specversion": "1.0", "id": event_id, "source": "channels", "type": "com.dapr.event.sent",
            "datacontenttype": "application/json", "topic": "channel.removed", "pubsubname": "pubsub", "data": data}


def deliver(app, body, content_type="application/cloudevents+json"):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return app.post("/events/channel-removed", data=raw, content_type=content_type)


def test_the_subscription_names_the_topic_its_route_and_dead_letter_topic(sidecar):
    assert client(sidecar).get("/dapr/subscribe").get_json() == [
        {"pubsubname": "pubsub", "topic": "channel.removed", "route": "/events/channel-removed",
         "deadLetterTopic": "channel.removed.deadletter"}]


def test_a_removed_channel_s_issued_forecast_is_deleted_and_a_redelivery_is_harmless(sidecar):
    sidecar.state[KEY] = {"issuedAt": "2026-12-01T00:00:00Z", "interval": 0.8, "points": []}
    sidecar.state["forecast-other"] = {"kept": True}
    app = client(sidecar)
    event = cloud_event({"channelId": CHANNEL, "removedAt": "2026-12-20T18:00:00+00:00"})

    assert deliver(app, event).get_json() == {"status": "SUCCESS"}
    assert deliver(app, event).get_json() == {"status": "SUCCESS"}

    assert KEY not in sidecar.state and "forecast-other" in sidecar.state
    deletes = [c for c in sidecar.calls if c[0] == "DELETE"]
    assert deletes == [("DELETE", f"/v1.0/state/statestore/{KEY}", "dapr-tok")] * 2


def examples():
    schema = json.loads((Path(DEFAULT_CONTRACTS_DIR) / "channel.removed.schema.json").read_text())
    return schema["examples"]


@pytest.mark.parametrize("data", examples())
def test_every_published_example_is_read(sidecar, data):
    sidecar.state[f"forecast-{data['channelId']}"] = {}
    assert deliver(client(sidecar), cloud_event(data)).get_json() == {"status": "SUCCESS"}
    assert not sidecar.state


BAD_DELIVERIES = [
    ("no channelId", cloud_event({"removedAt": "2026-12-20T18:00:00+00:00"})),
    ("channelId not a uuid", cloud_event({"channelId": "channel-1", "removedAt": "2026-12-20T18:00:00+00:00"})),
    ("channelId a number", cloud_event({"channelId": 42, "removedAt": "2026-12-20T18:00:00+00:00"})),
    ("removedAt without offset", cloud_event({"channelId": CHANNEL, "removedAt": "2026-12-20T18:00:00"})),
    ("removedAt a date", cloud_event({"channelId": CHANNEL, "removedAt": "2026-12-20"})),
    ("no removedAt", cloud_event({"channelId": CHANNEL})),
    ("data an array", cloud_event([CHANNEL])),
    ("data null", cloud_event(None)),
    ("no data", {"specversion": "1.0", "id": "evt-x", "topic": "channel.removed"}),
    ("not a cloud event", [1, 2]),
    ("not JSON", b"{channelId:"),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_DELIVERIES], ids=[n for n, _ in BAD_DELIVERIES])
def test_data_that_breaks_the_contract_is_dropped_and_changes_nothing(sidecar, body):
    sidecar.state[KEY] = {"kept": True}
    answer = deliver(client(sidecar), body)
    assert answer.status_code == 200 and answer.get_json() == {"status": "DROP"}
    assert KEY in sidecar.state and not [c for c in sidecar.calls if c[0] == "DELETE"]


def test_a_failing_state_store_asks_for_a_redelivery(sidecar):
    sidecar.failing = True
    answer = deliver(client(sidecar), cloud_event({"channelId": CHANNEL, "removedAt": "2026-12-20T18:00:00Z"}))
    assert answer.get_json() == {"status": "RETRY"}


def test_deliveries_without_the_app_token_are_refused(sidecar):
    app = client(sidecar, app_api_token="app-tok")
    event = cloud_event({"channelId": CHANNEL, "removedAt": "2026-12-20T18:00:00Z"})
    assert app.get("/dapr/subscribe").status_code == 401
    assert deliver(app, event).status_code == 401
    answer = app.post("/events/channel-removed", json=event, headers={"dapr-api-token": "app-tok"})
    assert answer.get_json() == {"status": "SUCCESS"}


def test_a_missing_contract_stops_the_app_at_start(tmp_path, monkeypatch, sidecar):
    monkeypatch.setenv("CONTRACTS_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        client(sidecar)
