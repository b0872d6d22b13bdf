"""A stand-in for the app's sidecar in the pytest suite: daprd's HTTP answers for what ml calls (outbound health, state
get/save/delete with the key prefix left out), in memory, recording every call. The end-to-end suite runs ml beside
DevHost's real sidecar; this keeps the unit suite free of it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import unquote


class FakeSidecar:
    def __init__(self) -> None:
        self.state: dict[str, object] = {}
        self.ttl: dict[str, str | None] = {}
        self.calls: list[tuple[str, str, str | None]] = []  # (method, path, dapr-api-token)
        self.failing = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> bool:
                fake.calls.append((self.command, self.path, self.headers.get("dapr-api-token")))
                if fake.failing:
                    self._send(500, {"errorCode": "ERR_STATE_STORE_NOT_CONFIGURED", "message": "state store is down"})
                return not fake.failing

            def _send(self, status: int, body: object | None = None) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if raw:
                    self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _key(self) -> str:
                return unquote(self.path.rsplit("/", 1)[-1])

            def do_GET(self) -> None:
                if not self._record():
                    return
                if self.path == "/v1.0/healthz/outbound":
                    self._send(204)
                elif self._key() in fake.state:
                    self._send(200, fake.state[self._key()])
                else:
                    self._send(204)

            def do_POST(self) -> None:
                if not self._record():
                    return
                items = json.loads(self.rfile.read(int(self.headers["content-length"])))
                for item in items:
                    fake.state[item["key"]] = item["value"]
                    fake.ttl[item["key"]] = item.get("metadata", {}).get("ttlInSeconds")
                self._send(204)

            def do_DELETE(self) -> None:
                if not self._record():
                    return
                fake.state.pop(self._key(), None)
                self._send(204)

            def log_message(self, *args) -> None:
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
