"""``cleanroomsml-tf package``: registry release assets and a network mirror tree."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DEFAULT_PLATFORMS = ("linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64")


def register(subparsers: Any) -> None:
    """Add the ``package`` subcommand."""
    parser = subparsers.add_parser(
        "package",
        help="write release zips, SHA256SUMS, manifest and a Terraform network mirror",
        description="Write the provider's registry release assets "
        "(terraform-provider-cleanroomsml_VERSION_OS_ARCH.zip per platform, _SHA256SUMS, "
        "_manifest.json) into DIR, and a Provider Network Mirror Protocol tree rooted at DIR "
        "(registry.terraform.io/cleanroomsml-tf/cleanroomsml/index.json and VERSION.json), so "
        "that a static HTTPS server serving DIR is a `network_mirror`. The same version gives "
        "the same bytes on every run. Machines that use the mirror still need this Python "
        "package (same version) and `cleanroomsml-tf install` or CLEANROOMSML_TF_PYTHON.",
    )
    parser.add_argument("--out", type=Path, metavar="DIR", required=True,
                        help="output directory (created; other versions already there are kept "
                        "in index.json)")
    parser.add_argument(
        "--platform", action="append", metavar="OS_ARCH",
        help=f"platform to package (repeatable; default: {' '.join(DEFAULT_PLATFORMS)})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Package and list what was written."""
    from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
    from cleanroomsml_tf.plugin.package import PackageError, package

    try:
        result = package(args.out, args.platform or DEFAULT_PLATFORMS)
    except OSError as error:  # name the option: "[Errno 20] Not a directory" alone does not
        reason = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename not in (None, str(args.out)) else ""
        raise PackageError(f"--out {str(args.out)!r}: {reason}{where}; "
                           "expected a directory this user can create or write") from None
    print(f"packaged {PROVIDER_HOSTNAME}/{PROVIDER_SOURCE} {__version__} "
          f"({', '.join(result.archives)}) into {args.out}")
    for path in [*result.archives.values(), result.manifest, result.sha256sums,
                 result.mirror_index, result.mirror_version]:
        print(f"  {path.relative_to(args.out)}")
    return 0
