"""The `ml` app (Flask): forecasts and best posting times for analytics, which invokes it through its sidecar; it keeps
the forecasts it issued in the state store to score them, and forgets a channel on `channel.removed` (ADR 0037).

Served by Debian's gunicorn (gunicorn.conf.py binds APP_PORT); `create_app` is what the tests host.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from features import best_time, channel_events, forecast, health
from features.problems import BadBody, problem
from infrastructure.contracts import EventContract
from infrastructure.dapr_sidecar import SidecarSettings, caller_is_sidecar
from infrastructure.issued_forecasts import IssuedForecasts

# 1 MiB, as the C# apps' Limits:MaxRequestBodyBytes: a 9,600-point series is well below it.
MAX_REQUEST_BODY_BYTES = 1024 * 1024


def create_app(sidecar: SidecarSettings | None = None, issued_forecasts: IssuedForecasts | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BODY_BYTES
    app.config["SIDECAR"] = sidecar or SidecarSettings.from_environment()
    app.config["ISSUED_FORECASTS"] = issued_forecasts or IssuedForecasts(app.config["SIDECAR"])
    # Read at start, so a missing or broken contract stops the app here rather than at its first event.
    app.config["CONTRACTS"] = {topic: EventContract(topic) for topic in channel_events.CONSUMED_TOPICS}
    app.json.sort_keys = False

    @app.before_request
    def require_sidecar_token() -> Response | None:
        if caller_is_sidecar(app.config["SIDECAR"], request.path, request.headers):
            return None
        return problem(401, "This route only accepts calls from the sidecar carrying a valid dapr-api-token.")

    @app.errorhandler(BadBody)
    def unreadable_body(bad: BadBody) -> Response:
        return bad.response

    @app.errorhandler(HTTPException)
    def http_problem(error: HTTPException) -> Response:
        # Werkzeug's own refusals (404, 405, 413 …) as problem details, never its HTML pages.
        status = error.code or 500
        detail = {413: f"The request body exceeds {MAX_REQUEST_BODY_BYTES} bytes."}.get(status, error.description or "")
        return problem(status, detail)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        logging.getLogger("ml").exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
        return problem(500, "An unexpected error occurred.")

    app.register_blueprint(health.blueprint)
    app.register_blueprint(forecast.blueprint)
    app.register_blueprint(best_time.blueprint)
    app.register_blueprint(channel_events.blueprint)
    return app


app = create_app()
