"""Retries and the per-call deadline.

A :class:`Deadline` bounds one whole call (retries, back-off and the pages of a listing) on
the thread that makes it; the hooks here, registered on every client
:mod:`cleanroomsml_tf.aws.connection` builds, make botocore respect it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from cleanroomsml_tf.aws.errors import DeadlineExceeded, is_hopeless


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


def bound_botocore_retries(client: Any, deadline: Deadline) -> None:
    """Three changes to botocore's own retry handler, for which botocore has no setting.

    * No retry of what no retry can mend (:func:`~cleanroomsml_tf.aws.errors.is_hopeless`: a
      refused connection, a rejected certificate), nor once the deadline has passed: the
      caller gets the error at once.
    * No client-side retry quota. In ``standard`` and ``adaptive`` modes a client shares one
      quota of 500 tokens: each retry takes 5 (throttling) or 14 (other errors), and only a
      success gives some back. Under sustained throttling the 1,000 lookups of a drift check
      through the one shared client drain it, and from then on calls fail at their first error,
      long before ``max_attempts`` (7 to 20 of 1,000 entries lost at 30% throttling and 5%
      errors). Terraform's AWS provider users hit the same wall
      (hashicorp/terraform-provider-aws#34669, #36094). ``max_attempts`` and the deadline bound
      every call instead.
    * No back-off sleep that would end past the deadline: the call ends at once with its last
      real error ("throttled ... gave up after N attempts") instead of sleeping up to 20 s
      beyond the timeout and then timing out.

    The handler is found under the id botocore registers it with; if that ever changes, this
    does nothing and tests/test_reliability.py and tests/test_tls.py fail.
    """
    from botocore.retries.quota import RetryQuota

    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{service}", f"retry-config-{service}"
    registered = getattr(getattr(events, "_emitter", None), "_unique_id_handlers", {})
    botocore_retry = (registered.get(unique_id) or {}).get("handler")
    if botocore_retry is None:
        return
    checker = getattr(getattr(botocore_retry, "__self__", None), "_retry_quota", None)
    if checker is not None and hasattr(checker, "_quota"):  # standard.RetryQuotaChecker
        checker._quota = RetryQuota(initial_capacity=2**62)

    def retry_within_deadline(**kwargs: Any) -> Any:
        # False ("do not retry") ends the call with its last real error, before any sleep.
        if is_hopeless(kwargs.get("caught_exception")) or deadline.passed():
            return False
        delay = botocore_retry(**kwargs)  # seconds to sleep before retrying; None: no retry
        if delay and deadline.passed(after=delay):
            return False
        return delay

    events.unregister(event, unique_id=unique_id)
    events.register(event, retry_within_deadline, unique_id=unique_id)
