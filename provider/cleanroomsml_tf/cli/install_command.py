"""``cleanroomsml-tf install``: put the Terraform provider into a local mirror directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``install`` subcommand."""
    parser = subparsers.add_parser(
        "install",
        help="install the Terraform provider into a local plugin mirror",
        description="Install terraform-provider-cleanroomsml so that a plain `terraform init` "
        "finds it offline (default: ~/.terraform.d/plugins, one of Terraform's implied local "
        "mirrors; no CLI configuration needed).",
    )
    parser.add_argument(
        "--plugin-dir", type=Path, metavar="DIR",
        help="mirror directory to install into (default: ~/.terraform.d/plugins)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Install and say what went where."""
    from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
    from cleanroomsml_tf.plugin.install import install

    path = install(args.plugin_dir)
    print(f"installed {PROVIDER_HOSTNAME}/{PROVIDER_SOURCE} {__version__}")
    print(f"  executable: {path}")
    print(f'  source address: "{PROVIDER_SOURCE}" (terraform init finds it offline)')
    return 0
