"""``cleanroomsml-tf lock`` (placeholder until its issue lands)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``lock`` subcommand."""
    parser = subparsers.add_parser("lock", help="(not yet available)")
    parser.set_defaults(handler=lambda args: 1)
