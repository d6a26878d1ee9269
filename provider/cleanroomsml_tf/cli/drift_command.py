"""``cleanroomsml-tf drift`` (placeholder until its issue lands)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``drift`` subcommand."""
    parser = subparsers.add_parser("drift", help="(not yet available)")
    parser.set_defaults(handler=lambda args: 1)
