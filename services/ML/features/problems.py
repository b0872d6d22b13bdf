"""RFC 9457 problem details in the shape the C# apps answer (title per status, detail, `errors: {field: [messages]}`)."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

PROBLEM_TYPES = {
    400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    401: "https://tools.ietf.org/html/rfc9110#section-15.5.2",
    404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
    405: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
    413: "https://tools.ietf.org/html/rfc9110#section-15.5.14",
    415: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
    500: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    503: "https://tools.ietf.org/html/rfc9110#section-15.6.4",
}

TITLES = {
    400: "The request is invalid.",
    401: "Authentication is required.",
    404: "The resource was not found.",
    405: "The method is not allowed.",
    413: "The request body is too large.",
    415: "The content type is not supported.",
    500: "An unexpected error occurred.",
    503: "The service is temporarily unavailable.",
}

# Item errors reported per request at most: a 9,600-point series of bad points must not answer with 9,600 messages.
MAX_FIELD_ERRORS = 20


def problem(status: int, detail: str, **extensions: Any) -> Response:
    body = {"type": PROBLEM_TYPES.get(status, "about:blank"), "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, **extensions}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


class ValidationErrors:
    """Collects field errors for one request, like the C# ValidationErrors; `to_problem()` is the 400."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = {}
        self._count = 0

    @property
    def is_empty(self) -> bool:
        return not self._errors

    @property
    def is_full(self) -> bool:
        return self._count >= MAX_FIELD_ERRORS

    def add(self, field: str, message: str) -> None:
        if self.is_full:
            return
        self._errors.setdefault(field, []).append(message)
        self._count += 1

    def to_problem(self, **extensions: Any) -> Response:
        return problem(400, "One or more fields are invalid.", errors=self._errors, **extensions)


class BadBody(Exception):
    """The body is not a JSON object this app can read; `response` is the problem app.py answers with."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _read_body(limit: int) -> bytes:
    """The raw body, or 413 past `limit` bytes: refused from Content-Length before reading, else (chunked) while reading."""
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise RequestEntityTooLarge()
    return raw


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def read_json_object(shape: str) -> dict[str, Any]:
    """The request's JSON object, or BadBody: 415 without a JSON content type, 400 for a malformed or non-object body.
    NaN and Infinity (which Python's json would accept) are refused as the malformed JSON they are."""
    if not request.is_json:
        raise BadBody(problem(415, "The request body must be JSON (content-type: application/json)."))
    raw = _read_body(current_app.config["MAX_CONTENT_LENGTH"])
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError):
        body = None
        malformed = True
    else:
        malformed = False
    if not isinstance(body, dict):
        errors = ValidationErrors()
        errors.add("body", ("The body is not valid JSON. " if malformed else "") + f"A JSON object is required: {shape}.")
        raise BadBody(errors.to_problem())
    return body


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_whole_number(errors: ValidationErrors, body: dict[str, Any], field: str, default: int, low: int, high: int) -> int:
    """An optional whole number in [low, high]; absent or null is the default."""
    value = body.get(field)
    if value is None:
        return default
    if not is_number(value) or not math.isfinite(value) or value != int(value) or not low <= value <= high:
        errors.add(field, f"{field} must be a whole number from {low} to {high}.")
        return default
    return int(value)
