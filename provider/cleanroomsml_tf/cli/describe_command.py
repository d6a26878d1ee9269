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
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--trained-model-arn", metavar="ARN")
    which.add_argument(
        "--name", metavar="NAME",
        help="look the model up by name in the collaboration (ListCollaborationTrainedModels); "
        "no model or several with that name is an error")
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
    from cleanroomsml_tf.model.identifiers import ModelRef, validate_field, validate_name

    # Every argument is checked before any request.
    validate_field("collaboration_identifier", args.collaboration_identifier)
    if args.version_identifier is not None:
        validate_field("version_identifier", args.version_identifier)
    if args.name is not None:
        validate_name(args.name, "--name")
    else:
        validate_field("trained_model_arn", args.trained_model_arn)
    settings = settings_from_args(args).check()
    resolver = Resolver(settings)
    arn = args.trained_model_arn
    if args.name is not None:
        arn = resolver.trained_model_arn_by_name(args.collaboration_identifier, args.name)
    ref = ModelRef(arn, args.collaboration_identifier, args.version_identifier).validate()
    record = resolver.get_trained_model(ref)
    if args.format == "json":
        json.dump(record, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(record))
    return 0


def format_text(record: dict[str, Any]) -> str:
    """``path: value`` lines, nested objects flattened to dotted paths, in table order; control
    characters in values escaped (:func:`cleanroomsml_tf.output.escape.terminal`)."""
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
    from cleanroomsml_tf.output.escape import terminal

    return "-" if value is None else terminal(value)  # service text: no raw control characters
