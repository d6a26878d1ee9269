"""Options several subcommands share: where and how to reach Clean Rooms ML."""

from __future__ import annotations

import argparse

from cleanroomsml_tf.client import ClientSettings


def positive_float(text: str) -> float:
    """argparse type: seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected seconds > 0, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """--region, --profile, --endpoint-url, --timeout, --max-attempts, --retry-mode."""
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
        help="give up on a call after S seconds, retries included",
    )
    group.add_argument(
        "--max-attempts", type=positive_int, metavar="N", help="total tries per call (default 3)"
    )
    group.add_argument(
        "--retry-mode", choices=("standard", "adaptive", "legacy"), help="botocore retry mode"
    )


def settings_from_args(args: argparse.Namespace) -> ClientSettings:
    """ClientSettings from the options :func:`add_connection_options` added."""
    timeout = args.timeout
    return ClientSettings(
        region=args.region,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        retry_mode=args.retry_mode,
        max_attempts=args.max_attempts,
        connect_timeout=timeout,
        read_timeout=timeout,
        deadline=timeout,
    )
