"""Options several subcommands share: where and how to reach Clean Rooms ML."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any

from cleanroomsml_tf.aws.settings import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_TIMEOUT,
    RETRY_MODES,
    ClientSettings,
    insecure_warning,
)


def bounded(
    kind: type[int] | type[float],
    expected: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strictly_positive: bool = False,
) -> Callable[[str], Any]:
    """An argparse ``type`` that parses ``kind`` and checks its range; ``expected`` is what
    the usage error says should have been given (``"seconds > 0"``)."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        too_low = (minimum is not None and value < minimum) or (
            strictly_positive and not value > 0
        )
        not_finite = not math.isfinite(value)  # "nan", "inf", "1e400"
        if too_low or not_finite or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


positive_float = bounded(float, "seconds > 0", strictly_positive=True)
positive_int = bounded(int, "an integer >= 1", minimum=1)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """--region, --profile, --endpoint-url, --timeout, --max-attempts, --retry-mode,
    --no-verify-ssl."""
    group = parser.add_argument_group("connection")
    group.add_argument("--region", help="AWS region (default: the AWS environment/config)")
    group.add_argument("--profile", help="named profile from the AWS config files")
    group.add_argument(
        "--endpoint-url",
        help="Clean Rooms ML endpoint URL (default: AWS_ENDPOINT_URL_CLEANROOMSML, "
        "AWS_ENDPOINT_URL, the profile, AWS when a region is set, else the local endpoint)",
    )
    group.add_argument(
        "--timeout", type=positive_float, metavar="S",
        help=f"give up on a call after S seconds, retries included (default {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--max-attempts", type=positive_int, metavar="N",
        help=f"total tries per call (default {DEFAULT_MAX_ATTEMPTS}; a refused connection is "
        "not retried)",
    )
    group.add_argument(
        "--retry-mode", choices=RETRY_MODES, help="botocore retry mode"
    )
    group.add_argument(
        "--no-verify-ssl", action="store_true",
        help="turn TLS certificate verification off (warned about; prefer AWS_CA_BUNDLE)",
    )


def settings_from_args(args: argparse.Namespace) -> ClientSettings:
    """ClientSettings from the options :func:`add_connection_options` added."""
    timeout = args.timeout
    if args.no_verify_ssl:
        print(f"cleanroomsml-tf: warning: {insecure_warning(args.endpoint_url)}", file=sys.stderr)
    return ClientSettings(
        region=args.region,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        retry_mode=args.retry_mode,
        max_attempts=args.max_attempts,
        connect_timeout=timeout,
        read_timeout=timeout,
        deadline=timeout,
        verify_tls=not args.no_verify_ssl,
    )
