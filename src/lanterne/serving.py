"""Run the web app under uvicorn, with the scheduled jobs in a background thread when enabled."""

from __future__ import annotations

import uvicorn

from lanterne.app import create_app
from lanterne.runtime import Runtime
from lanterne.worker import start_background


def serve_forever(runtime: Runtime, host: str, port: int, workers: int = 1) -> None:
    stop = start_background(runtime) if runtime.settings.scheduler else None
    try:
        if workers > 1:
            uvicorn.run(
                "lanterne.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                access_log=False,
                # A worker imports the whole app (7 s on a busy 2-core machine): uvicorn's default 5 s
                # health check killed and respawned them in a loop, leaving none to serve.
                timeout_worker_healthcheck=60,
            )
        else:
            uvicorn.run(create_app(runtime=runtime), host=host, port=port, access_log=False)
    finally:
        if stop is not None:
            stop.set()
