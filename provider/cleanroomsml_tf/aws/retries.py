"""Retries and the per-call deadline: the one retry policy, through botocore's public events.

A :class:`Deadline` bounds one whole call (retries, back-off and the pages of a listing) on
the thread that makes it; :class:`RetryPolicy` (botocore's ``needs-retry`` event) decides every
retry and :func:`refuse_late_sends` (``before-send``) stops a request that would start after the
deadline. :mod:`cleanroomsml_tf.aws.connection` registers both on every client it builds, whose
botocore ``Config`` says ``total_max_attempts=1``: botocore never retries on its own.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from cleanroomsml_tf.aws.errors import DeadlineExceeded, is_hopeless

BACKOFF_BASE = 1.0
"""Seconds: the first retry waits a random time up to this, each further one up to twice as long."""
MAX_BACKOFF = 20.0
"""Seconds: no back-off waits longer (botocore's ``standard`` mode has the same cap)."""
MIN_BACKOFF = 0.001
THROTTLING_CODES = frozenset((
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
))
"""Error codes retried as throttling: the list of botocore's ``standard`` retry mode."""
TRANSIENT_CODES = frozenset(("RequestTimeout", "RequestTimeoutException"))
RETRIED_STATUSES = frozenset((429, 500, 502, 503, 504))


class Deadline:
    """A per-thread deadline: one shared client, each thread's call bounded on its own."""

    def __init__(self) -> None:
        self._local = threading.local()

    def set(self, seconds: float | None) -> None:
        """Bound the calls this thread makes next to ``seconds`` from now (``None``: no bound)."""
        self._local.at = None if seconds is None else time.monotonic() + seconds

    def passed(self, after: float = 0.0) -> bool:
        """True when this thread's deadline is set and has passed (or will have, ``after``
        seconds from now)."""
        at = getattr(self._local, "at", None)
        return at is not None and time.monotonic() + after >= at


def refuse_late_sends(client: Any, deadline: Deadline) -> None:
    """No request (the next page of a listing included) starts after the deadline."""

    def refuse_late_send(**_: Any) -> None:
        if deadline.passed():
            raise DeadlineExceeded()

    client.meta.events.register("before-send.cleanroomsml", refuse_late_send)


class RetryPolicy:
    """Which failures to retry, how long to back off, and when to stop: botocore's ``needs-retry``
    event handler for one client.

    botocore itself is configured not to retry (``total_max_attempts=1``), so this is the only
    retry decision, made through botocore's public event (a handler returning the seconds to
    sleep makes botocore retry the request, ``None`` ends the call with its result or error):

    * retried: throttling (the error codes botocore's ``standard`` mode treats as throttling,
      and HTTP 429), transient errors (HTTP 500/502/503/504, ``RequestTimeout``...), dropped or
      timed-out connections;
    * never retried: what no retry can mend (:func:`~cleanroomsml_tf.aws.errors.is_hopeless`: a
      refused connection, a rejected certificate), nor anything once the deadline has passed;
    * back-off: full jitter, a random wait of up to ``min(20 s, 1 s * 2**(attempt - 1))`` (the
      same curve as botocore's ``standard`` mode); a back-off that would end past the deadline
      is not slept: the call ends at once with its last real error;
    * at most ``max_attempts`` tries per request (each page of a listing is a request);
    * no client-wide retry quota: ``max_attempts`` and the deadline bound every call (a shared
      quota, as in botocore's ``standard`` mode, runs dry under sustained throttling and then
      fails calls at their first error; see docs/architecture.md for the measurement).
    """

    def __init__(self, max_attempts: int, deadline: Deadline,
                 sleep_cap: float = MAX_BACKOFF) -> None:
        self.max_attempts = max_attempts
        self.deadline = deadline
        self.sleep_cap = sleep_cap

    def __call__(self, attempts: int = 1, response: Any = None,
                 caught_exception: BaseException | None = None, **_: Any) -> float | None:
        if attempts >= self.max_attempts or self.deadline.passed():
            return None
        if not is_retryable(response, caught_exception):
            return None
        delay = random.uniform(0, min(self.sleep_cap, BACKOFF_BASE * 2 ** (attempts - 1)))
        if self.deadline.passed(after=delay):
            return None
        return max(delay, MIN_BACKOFF)  # a positive number: botocore retries on any non-None


def is_retryable(response: Any, caught_exception: BaseException | None) -> bool:
    """True for a throttled or transient failure (a response or an exception), unless hopeless."""
    from botocore.exceptions import ConnectionError as BotocoreConnectionError
    from botocore.exceptions import HTTPClientError

    if caught_exception is not None:
        return (isinstance(caught_exception, BotocoreConnectionError | HTTPClientError)
                and not is_hopeless(caught_exception))
    if response is None:
        return False
    http_response, parsed = response
    status = getattr(http_response, "status_code", 0)
    code = (parsed.get("Error") or {}).get("Code") if isinstance(parsed, dict) else None
    return status in RETRIED_STATUSES or code in THROTTLING_CODES or code in TRANSIENT_CODES


def register_retry_policy(client: Any, max_attempts: int, deadline: Deadline) -> RetryPolicy:
    """Make a :class:`RetryPolicy` the retry decision of ``client`` (configured with botocore's
    ``total_max_attempts=1``); returns it."""
    policy = RetryPolicy(max_attempts, deadline)
    client.meta.events.register("needs-retry.cleanroomsml", policy)
    return policy
