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
            )
        else:
            uvicorn.run(create_app(runtime=runtime), host=host, port=port, access_log=False)
    finally:
        if stop is not None:
            stop.set()
