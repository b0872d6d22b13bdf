"""The one module that speaks to the Dapr sidecar, over its HTTP API — what the Python SDK does underneath (ADR 0033).

ml calls no building block (no state, pub/sub or invocation of its own): it is only invoked. So this module holds just
the two things every app of the platform does with its sidecar, as the C# apps' ServiceDefaults do:
- APP_API_TOKEN: daprd sends it as `dapr-api-token` on every call to the app; calls without it are refused (401), except
  the probes /healthz and /readyz, which kubelet and the sidecar's health check make without a token.
- readiness: ready only when the sidecar answers its outbound health probe (GET /v1.0/healthz/outbound on
  DAPR_HTTP_PORT, carrying DAPR_API_TOKEN as `dapr-api-token` when set).
"""

from __future__ import annotations

import hmac
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Mapping

PROBE_PATHS = ("/healthz", "/readyz")
TOKEN_HEADER = "dapr-api-token"
PROBE_TIMEOUT_SECONDS = 2.0


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
    request = urllib.request.Request(f"http://127.0.0.1:{settings.http_port}/v1.0/healthz/outbound", method="GET")
    if settings.api_token:
        request.add_header(TOKEN_HEADER, settings.api_token)
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_SECONDS) as answer:
            return 200 <= answer.status < 300, None
    except (urllib.error.URLError, OSError) as error:
        return False, f"The sidecar is not ready or unreachable ({error})."
