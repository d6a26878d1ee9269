"""``cleanroomsml-tf describe``: print one trained model's normalized record."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cleanroomsml_tf.cli.common import add_connection_options, settings_from_args


def register(subparsers: Any) -> None:
    """Add the ``describe`` subcommand."""
    parser = subparsers.add_parser(
        "describe",
        help="print a trained model's normalized record",
        description="Resolve one trained model and print its normalized record "
        "(JSON by default: exactly the record, one object).",
    )
    parser.add_argument("--trained-model-arn", required=True, metavar="ARN")
    parser.add_argument("--collaboration-identifier", required=True, metavar="ID")
    parser.add_argument(
        "--version-identifier", metavar="V", help="a specific version (default: the latest)"
    )
    parser.add_argument("--format", choices=("json", "text"), default="json")
    add_connection_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate, resolve, print."""
    from cleanroomsml_tf.aws.resolver import Resolver
    from cleanroomsml_tf.model.identifiers import ModelRef

    ref = ModelRef(
        trained_model_arn=args.trained_model_arn,
        collaboration_identifier=args.collaboration_identifier,
        version_identifier=args.version_identifier,
    ).validate()
    settings = settings_from_args(args).check()
    record = Resolver(settings).get_trained_model(ref)
    if args.format == "json":
        json.dump(record, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(record))
    return 0


def format_text(record: dict[str, Any]) -> str:
    """``path: value`` lines, nested objects flattened to dotted paths, in table order."""
    from cleanroomsml_tf.model.record import TRAINED_MODEL, get_path, iter_leaf_paths

    rows: list[tuple[str, str]] = []
    for path, attribute in iter_leaf_paths(TRAINED_MODEL):
        value = get_path(record, path)
        if attribute.kind == "list":
            items = value or []
            if not items:
                rows.append((path, "-"))
            for index, item in enumerate(items):
                for key, item_value in item.items():
                    rows.append((f"{path}[{index}].{key}", _text(item_value)))
        else:
            rows.append((path, _text(value)))
    width = max(len(path) for path, _ in rows)
    return "".join(f"{path:<{width}}  {value}\n" for path, value in rows)


def _text(value: Any) -> str:
    return "-" if value is None else str(value)
