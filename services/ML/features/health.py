"""GET /healthz (alive) and GET /readyz (the sidecar answers), in the C# apps' health answer shape."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from infrastructure.dapr_sidecar import sidecar_ready

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "Healthy", "checks": {}})


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    ready, why = sidecar_ready(current_app.config["SIDECAR"])
    status = "Healthy" if ready else "Unhealthy"
    return jsonify({"status": status, "checks": {"sidecar": {"status": status, "description": why}}}), 200 if ready else 503
