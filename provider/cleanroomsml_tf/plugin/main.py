"""Entry point of ``terraform-provider-cleanroomsml`` (``python -m cleanroomsml_tf.plugin.main``).

Imports are deliberately local: everything before the handshake line counts against Terraform's
start-up time, and this process is launched several times per plan.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Serve the provider over go-plugin/gRPC until Terraform stops it."""
    from cleanroomsml_tf.plugin import logs

    logs.configure()
    from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
    from cleanroomsml_tf.plugin.server import serve

    sys.exit(serve(CleanroomsmlProvider()))


if __name__ == "__main__":
    main()
