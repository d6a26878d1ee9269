"""``cleanroomsml-tf install`` (placeholder until its issue lands)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``install`` subcommand."""
    parser = subparsers.add_parser("install", help="(not yet available)")
    parser.set_defaults(handler=lambda args: 1)
