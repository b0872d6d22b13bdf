"""The platform's published event contracts (contracts/<topic>.schema.json, ADR 0036), checked with Debian's jsonschema.

ml reads the same files the C# services are tested against, so an event a producer changes in a way the contract does not
allow is refused here with the schema's own words instead of being half-read.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

# services/ML/infrastructure → the repository's contracts/; the image copies them to /app/contracts (CONTRACTS_DIR).
DEFAULT_CONTRACTS_DIR = Path(__file__).resolve().parents[3] / "contracts"

# At most this many messages are logged for one refused event.
MAX_MESSAGES = 5

# RFC 3339's date-time: a date, "T", a time with seconds, optional fractions, and an offset.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _format_checker() -> FormatChecker:
    """jsonschema checks `uuid` itself; `date-time` needs a package Debian does not ship with it, so RFC 3339 is checked
    here: a date, a time and an offset (`Z` or ±hh:mm), as the producers write a DateTimeOffset."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_rfc3339(value: object) -> bool:
        if not isinstance(value, str):
            return True  # `type` judges non-strings
        if not _RFC3339.fullmatch(value):
            raise ValueError("not an RFC 3339 date-time")
        datetime.fromisoformat(value.replace("Z", "+00:00"))  # a real date and time: no 2026-02-30 or 25:00
        return True

    return checker


class EventContract:
    """One topic's schema of the CloudEvent's `data`."""

    def __init__(self, topic: str, contracts_dir: Path | None = None) -> None:
        directory = contracts_dir or Path(os.environ.get("CONTRACTS_DIR") or DEFAULT_CONTRACTS_DIR)
        path = directory / f"{topic}.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        self.topic = topic
        self._validator = Draft202012Validator(schema, format_checker=_format_checker())

    def violations(self, data: Any) -> list[str]:
        """Empty when `data` keeps the contract; else what breaks it, each with the JSON path where."""
        found = sorted(self._validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        return [f"{e.json_path}: {e.message}" for e in found[:MAX_MESSAGES]]
