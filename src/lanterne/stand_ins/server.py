"""Run an ASGI app under uvicorn in a background thread, on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import uvicorn
from starlette.responses import Response


class ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the main thread keeps its own handlers
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(app: Any, port: int | None = None, **config: Any) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while the app serves; stop it afterwards."""
    port = port or free_port()
    config.setdefault("log_level", "warning")
    config.setdefault("access_log", False)
    server = ThreadedServer(uvicorn.Config(app, host="127.0.0.1", port=port, **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def json_response(body: Any, status_code: int = 200) -> Response:
    """JSON as vendors send it, encoded with orjson (the stand-ins serve national-scale programmes)."""
    return Response(orjson.dumps(body), status_code=status_code, media_type="application/json")
