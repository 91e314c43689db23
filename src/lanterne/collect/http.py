"""How Lanterne talks to a vendor over HTTP: timeouts, retries with backoff on 429/5xx/timeouts.

Connectors receive an `httpx.Client` (injected, so tests point it at a local stand-in) and call
`request()`; a vendor's `Retry-After` is honoured up to a bound.
"""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from lanterne.collect.connectors.interface import ConnectorError

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 30.0


class RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(f"HTTP {response.status_code} from {response.request.url}")


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TimeoutException | httpx.TransportError)


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, RetryableStatus):
        header = exc.response.headers.get("Retry-After", "")
        if header.isdigit():
            return min(float(header), MAX_RETRY_AFTER)
    return float(wait_exponential(multiplier=0.2, max=5)(state))


def make_client(timeout: float = 30.0) -> httpx.Client:
    """One client per cinema (its own connections and cookies), sharing the process's TLS context."""
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, verify=tls_context())


@cache
def tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~40 ms: once per process, not once per cinema of a national sync."""
    return httpx.create_ssl_context()


def request(client: httpx.Client, method: str, url: str, attempts: int = 3, **kwargs: Any) -> httpx.Response:
    """Send with retries; raise ConnectorError naming the URL once the vendor still fails."""
    try:
        for attempt in Retrying(
            stop=stop_after_attempt(attempts), wait=_wait, retry=retry_if_exception(_retryable), reraise=True
        ):
            with attempt:
                response = client.request(method, url, **kwargs)
                if response.status_code in RETRYABLE_STATUS:
                    raise RetryableStatus(response)
                return response
    except RetryableStatus as exc:
        raise ConnectorError(f"{exc} after {attempts} attempts") from exc
    except httpx.HTTPError as exc:
        raise ConnectorError(f"{type(exc).__name__} on {method} {url}: {exc}") from exc
    raise AssertionError("unreachable")  # pragma: no cover
