"""``cleanroomsml-tf emulator`` (placeholder until its issue lands)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``emulator`` subcommand."""
    parser = subparsers.add_parser("emulator", help="(not yet available)")
    parser.set_defaults(handler=lambda args: 1)
