"""``cleanroomsml-tf install``: put the Terraform provider into a local mirror directory,
register this Python environment for it, and start it once to prove it runs."""

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
        "mirrors; no CLI configuration needed), and register this Python environment as the "
        "one that runs it (in ${XDG_CONFIG_HOME:-~/.config}/cleanroomsml-tf/python-VERSION; "
        "CLEANROOMSML_TF_PYTHON overrides it). The installed files are the same on every "
        "machine, so .terraform.lock.hcl can be committed. Before reporting success the "
        "provider is started up to its handshake with Terraform.",
    )
    parser.add_argument(
        "--plugin-dir", type=Path, metavar="DIR",
        help="mirror directory to install into (default: ~/.terraform.d/plugins)",
    )
    parser.add_argument(
        "--platform", action="append", default=[], metavar="OS_ARCH",
        help="also install for this platform (repeatable), e.g. darwin_arm64, so that "
        "`terraform providers lock -fs-mirror=DIR -platform=...` records its hash; this "
        "machine's platform is always installed",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the environment, install, start the provider once, say what went where."""
    import cleanroomsml_tf
    from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
    from cleanroomsml_tf.plugin import launcher
    from cleanroomsml_tf.plugin.install import install, platform_dir

    python = launcher.current_python()
    launcher.check_isolated_import(python, Path(cleanroomsml_tf.__file__).parent)
    path = install(args.plugin_dir, platforms=args.platform, python=python)
    launcher.start_check(path)
    platforms = list(dict.fromkeys([platform_dir(), *args.platform]))
    print(f"installed {PROVIDER_HOSTNAME}/{PROVIDER_SOURCE} {__version__} "
          f"({', '.join(platforms)})")
    print(f"  executable: {path}")
    print(f"  Python environment: {python}")
    print(f"    registered in {launcher.registration_path(__version__)}")
    print("  started it up to the Terraform handshake: ok")
    print(f'  source address: "{PROVIDER_SOURCE}" (terraform init finds it offline)')
    return 0
