"""The forecasts ml issued, one per channel, in the Dapr state store through the sidecar (ADR 0037).

A forecast is kept until all its hours have happened, so that every later request for the channel can say how it did so
far; then the next forecast takes its place. It expires by itself (ttlInSeconds) a week after its last hour, and a
removed channel's is deleted when channels announces `channel.removed`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from domain.accuracy import IssuedForecast
from domain.forecasting import ForecastPoint
from infrastructure.dapr_sidecar import SidecarSettings, SidecarUnavailable, delete_state, get_state, save_state

STATE_STORE = "statestore"
KEEP_AFTER_LAST_HOUR = timedelta(days=7)

log = logging.getLogger("ml.issued_forecasts")


def key_of(channel_id: str) -> str:
    return f"forecast-{channel_id}"


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_state(issued: IssuedForecast) -> dict[str, Any]:
    return {
        "issuedAt": _iso(issued.issued_at),
        "interval": issued.interval,
        "points": [{"at": _iso(p.at), "value": p.value, "lower": p.lower, "upper": p.upper} for p in issued.points],
    }


def _from_state(value: Any) -> IssuedForecast | None:
    try:
        points = tuple(ForecastPoint(datetime.fromisoformat(p["at"]), float(p["value"]), float(p["lower"]), float(p["upper"]))
                       for p in value["points"])
        if not points:
            return None
        return IssuedForecast(datetime.fromisoformat(value["issuedAt"]), float(value["interval"]), points)
    except (KeyError, TypeError, ValueError) as error:
        # Written by an older shape of this app, or by hand: not worth failing a forecast over.
        log.warning("Ignoring an unreadable issued forecast: %s", error)
        return None


class IssuedForecasts:
    """Read, keep and forget a channel's issued forecast. Reading and keeping only support the answer: when the sidecar
    fails they log and carry on (the forecast is still answered, without a score); forgetting raises, so the event that
    asked for it is redelivered."""

    def __init__(self, sidecar: SidecarSettings, now=lambda: datetime.now(timezone.utc)) -> None:
        self._sidecar = sidecar
        self._now = now

    def find(self, channel_id: str) -> IssuedForecast | None:
        try:
            value = get_state(self._sidecar, STATE_STORE, key_of(channel_id))
        except (SidecarUnavailable, ValueError) as error:
            log.warning("Could not read the issued forecast of %s: %s", channel_id, error)
            return None
        return None if value is None else _from_state(value)

    def keep(self, channel_id: str, issued: IssuedForecast) -> bool:
        expires = issued.last_hour + KEEP_AFTER_LAST_HOUR
        ttl = max(60, int((expires - self._now()).total_seconds()))
        try:
            save_state(self._sidecar, STATE_STORE, key_of(channel_id), _to_state(issued), ttl_seconds=ttl)
            return True
        except SidecarUnavailable as error:
            log.warning("Could not keep the forecast issued for %s: %s", channel_id, error)
            return False

    def forget(self, channel_id: str) -> None:
        delete_state(self._sidecar, STATE_STORE, key_of(channel_id))

    def now(self) -> datetime:
        return self._now()
