"""The one module that speaks to the Dapr sidecar, over its HTTP API — what the Python SDK does underneath (ADR 0033).

What ml does with its sidecar, as the C# apps do through the SDK:
- APP_API_TOKEN: daprd sends it as `dapr-api-token` on every call to the app; calls without it are refused (401), except
  the probes /healthz and /readyz, which kubelet and the sidecar's health check make without a token.
- readiness: ready only when the sidecar answers its outbound health probe (GET /v1.0/healthz/outbound on
  DAPR_HTTP_PORT, carrying DAPR_API_TOKEN as `dapr-api-token` when set).
- state: the forecasts it issued, kept to score them later (ADR 0037), in the `statestore` component
  (GET/POST/DELETE /v1.0/state/<store>[/<key>]); daprd prefixes the keys with the app id, so they are ml's own.
Pub/sub needs no call from here: daprd asks GET /dapr/subscribe and delivers to the routes (features/channel_events.py).
"""

from __future__ import annotations

import hmac
import json
import os
import urllib.parse
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping

PROBE_PATHS = ("/healthz", "/readyz")
TOKEN_HEADER = "dapr-api-token"
PROBE_TIMEOUT_SECONDS = 2.0
STATE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class SidecarSettings:
    """What `dapr run`, DevHost and the sidecar injector put into the app's environment."""

    http_port: int | None
    api_token: str | None
    app_api_token: str | None

    @staticmethod
    def from_environment(env: Mapping[str, str] | None = None) -> "SidecarSettings":
        env = os.environ if env is None else env
        port = env.get("DAPR_HTTP_PORT", "").strip()
        return SidecarSettings(
            http_port=int(port) if port.isdigit() else None,
            api_token=env.get("DAPR_API_TOKEN") or None,
            app_api_token=env.get("APP_API_TOKEN") or None,
        )


def is_probe(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PROBE_PATHS)


def caller_is_sidecar(settings: SidecarSettings, path: str, headers: Mapping[str, str]) -> bool:
    """True when no APP_API_TOKEN is configured (a bare `dapr run`), for the probes, or when the token matches."""
    if settings.app_api_token is None or is_probe(path):
        return True
    presented = headers.get(TOKEN_HEADER) or ""
    return hmac.compare_digest(presented.encode(), settings.app_api_token.encode())


def sidecar_ready(settings: SidecarSettings) -> tuple[bool, str | None]:
    """(ready, why not). Healthy when not running beside a sidecar at all, as the C# apps' SidecarHealthCheck says."""
    if settings.http_port is None:
        return True, "Not running beside a sidecar (no DAPR_HTTP_PORT)."
    try:
        _sidecar_call(settings, "GET", "/v1.0/healthz/outbound", timeout=PROBE_TIMEOUT_SECONDS)
        return True, None
    except SidecarUnavailable as error:
        return False, f"The sidecar is not ready ({error})"


class SidecarUnavailable(Exception):
    """The sidecar could not do what was asked (not running, unreachable, or it answered an error)."""


def _sidecar_call(settings: SidecarSettings, method: str, path: str, body: Any = None,
                  timeout: float = STATE_TIMEOUT_SECONDS) -> tuple[int, bytes]:
    if settings.http_port is None:
        raise SidecarUnavailable("Not running beside a sidecar (no DAPR_HTTP_PORT).")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{settings.http_port}{path}", data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if settings.api_token:
        request.add_header(TOKEN_HEADER, settings.api_token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        raise SidecarUnavailable(f"The sidecar answered {error.code} to {method} {path}: {error.read()[:300]!r}") from error
    except (urllib.error.URLError, OSError) as error:
        raise SidecarUnavailable(f"The sidecar is unreachable ({error}).") from error


def _state_path(store: str, key: str | None = None) -> str:
    path = f"/v1.0/state/{urllib.parse.quote(store, safe='')}"
    return path if key is None else f"{path}/{urllib.parse.quote(key, safe='')}"


def get_state(settings: SidecarSettings, store: str, key: str) -> Any | None:
    """The value saved under `key`, or None when there is none (daprd answers 204 for a missing key)."""
    status, raw = _sidecar_call(settings, "GET", _state_path(store, key))
    if status == 204 or not raw:
        return None
    return json.loads(raw)


def save_state(settings: SidecarSettings, store: str, key: str, value: Any, ttl_seconds: int | None = None) -> None:
    item: dict[str, Any] = {"key": key, "value": value}
    if ttl_seconds is not None:
        item["metadata"] = {"ttlInSeconds": str(ttl_seconds)}
    _sidecar_call(settings, "POST", _state_path(store), [item])


def delete_state(settings: SidecarSettings, store: str, key: str) -> None:
    """Deleting a key that does not exist succeeds, as in daprd: the caller can repeat it safely."""
    _sidecar_call(settings, "DELETE", _state_path(store, key))
