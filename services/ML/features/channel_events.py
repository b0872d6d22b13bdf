"""The events ml consumes from the platform's bus (`pubsub`), validated against their published contracts (ADR 0036, 0037).

daprd asks GET /dapr/subscribe once at start and then delivers each CloudEvent to the route; the answer's `status` tells it
what to do: SUCCESS (done), RETRY (redeliver, per components/resiliency.yaml) or DROP (never redeliver; daprd forwards it to
the dead-letter topic). An event whose `data` breaks its contract is dropped: redelivering it cannot make it valid.

- `channel.removed` → the channel's issued forecast is deleted (ml keeps nothing of a channel that is gone). Deleting is
  idempotent, so a redelivery needs no inbox.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from infrastructure.dapr_sidecar import SidecarUnavailable

blueprint = Blueprint("channel_events", __name__)
log = logging.getLogger("ml.events")

PUBSUB = "pubsub"
CHANNEL_REMOVED = "channel.removed"
CONSUMED_TOPICS = (CHANNEL_REMOVED,)

SUBSCRIPTIONS = [
    {"pubsubname": PUBSUB, "topic": CHANNEL_REMOVED, "route": "/events/channel-removed",
     "deadLetterTopic": f"{CHANNEL_REMOVED}.deadletter"},
]


def _answer(status: str) -> Response:
    return jsonify({"status": status})


def _event_data(topic: str) -> tuple[str, Any] | None:
    """(the CloudEvent's id, its `data`), or None — logged — when the delivery is not a CloudEvent carrying JSON data."""
    try:
        envelope = json.loads(request.get_data(cache=False) or b"null")
    except (ValueError, UnicodeDecodeError):
        envelope = None
    if not isinstance(envelope, dict) or "data" not in envelope:
        log.warning("Dropping a %s delivery that is not a CloudEvent with JSON data", topic)
        return None
    return str(envelope.get("id", "")), envelope["data"]


@blueprint.get("/dapr/subscribe")
def subscriptions() -> Response:
    return jsonify(SUBSCRIPTIONS)


@blueprint.post("/events/channel-removed")
def channel_removed() -> Response:
    delivery = _event_data(CHANNEL_REMOVED)
    if delivery is None:
        return _answer("DROP")
    event_id, data = delivery
    violations = current_app.config["CONTRACTS"][CHANNEL_REMOVED].violations(data)
    if violations:
        log.warning("Dropping %s event %s: its data breaks the contract: %s", CHANNEL_REMOVED, event_id, "; ".join(violations))
        return _answer("DROP")
    try:
        current_app.config["ISSUED_FORECASTS"].forget(data["channelId"])
    except SidecarUnavailable as error:
        log.warning("Could not forget channel %s's forecast (%s); asking for a redelivery", data["channelId"], error)
        return _answer("RETRY")
    log.info("Forgot the issued forecast of removed channel %s (event %s)", data["channelId"], event_id)
    return _answer("SUCCESS")
