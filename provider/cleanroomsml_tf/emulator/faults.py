"""Injected faults: throttling (429), server errors (500) and latency, reproducible by seed.

Every injected throttle and error is counted (:meth:`Faults.counts`), so a test can prove the
faults really happened, not only that the client survived them.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


def check_rate(name: str, value: float) -> float:
    """Return ``value`` if it is a probability; raise ``ValueError`` otherwise."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"invalid {name} {value!r}: expected a number from 0 to 1")
    return float(value)


def check_latency(value: float) -> float:
    """Return ``value`` if it is a non-negative number of milliseconds."""
    if not value >= 0:
        raise ValueError(f"invalid latency_ms {value!r}: expected milliseconds >= 0")
    return value


@dataclass(frozen=True)
class FaultSettings:
    """Current fault rates; replaced as a whole so a request never sees a half-update."""

    throttle_rate: float = 0.0
    error_rate: float = 0.0
    latency_ms: float = 0


@dataclass(frozen=True)
class FaultCounts:
    """How many requests were answered with each injected fault."""

    throttled: int = 0
    """429 ThrottlingException."""
    failed: int = 0
    """500 InternalServerException."""

    @property
    def total(self) -> int:
        """Every injected fault."""
        return self.throttled + self.failed


class Faults:
    """Decides, per request, whether to throttle, fail or pass. Thread-safe.

    While any rate is non-zero, every request draws exactly two numbers from one seeded
    generator, whatever the rates, so a given seed yields the same fault sequence for the same
    sequence of requests.
    """

    THROTTLE = "throttle"
    ERROR = "error"

    def __init__(
        self,
        throttle_rate: float = 0.0,
        error_rate: float = 0.0,
        latency_ms: float = 0,
        seed: int | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._throttled = 0
        self._failed = 0
        self.settings = FaultSettings()
        self.update(throttle_rate=throttle_rate, error_rate=error_rate, latency_ms=latency_ms)

    def update(
        self,
        *,
        throttle_rate: float | None = None,
        error_rate: float | None = None,
        latency_ms: float | None = None,
    ) -> None:
        """Change some rates; ``None`` keeps the current value."""
        current = self.settings
        self.settings = FaultSettings(
            throttle_rate=current.throttle_rate if throttle_rate is None
            else check_rate("throttle_rate", throttle_rate),
            error_rate=current.error_rate if error_rate is None
            else check_rate("error_rate", error_rate),
            latency_ms=current.latency_ms if latency_ms is None else check_latency(latency_ms),
        )

    def draw(self) -> str | None:
        """``THROTTLE``, ``ERROR`` or ``None`` (serve normally) for one request."""
        settings = self.settings
        if settings.throttle_rate == 0 and settings.error_rate == 0:
            return None  # the common case costs no lock
        with self._lock:
            throttle, error = self._random.random(), self._random.random()
            if throttle < settings.throttle_rate:
                self._throttled += 1
                return self.THROTTLE
            if error < settings.error_rate:
                self._failed += 1
                return self.ERROR
        return None

    def counts(self) -> FaultCounts:
        """The faults injected so far (since creation or :meth:`reset_counts`)."""
        with self._lock:
            return FaultCounts(throttled=self._throttled, failed=self._failed)

    def reset_counts(self) -> None:
        """Set :meth:`counts` back to zero."""
        with self._lock:
            self._throttled = self._failed = 0

    @property
    def latency_seconds(self) -> float:
        """How long to hold each response, in seconds."""
        return self.settings.latency_ms / 1000.0
