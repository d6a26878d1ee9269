"""Entry point of ``terraform-provider-cleanroomsml`` (``python -m cleanroomsml_tf.plugin.main``).

Imports are deliberately local: everything before the handshake line counts against Terraform's
start-up time, and this process is launched several times per plan.

stdout is go-plugin's channel: Terraform reads the handshake line from it, and a stray byte
before that line fails the launch. So the very first thing :func:`main` does is keep a private
duplicate of file descriptor 1 for the handshake alone and point descriptor 1 (and
``sys.stdout``) at stderr: after that a ``print()``, a warning, a C library or a child process
writing to "stdout" lands in Terraform's log, never in the handshake channel.

When the server has stopped, the process leaves at once (:func:`exit_now`): Terraform waits for
each provider process to exit, three times per plan, and the interpreter's teardown (garbage
collecting every module, boto3's included) took ~70 ms of that each time. ``serve`` returns only
after gRPC finished every call (the Shutdown reply included), so nothing is cut short; the logs
are flushed first.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def claim_stdout() -> int | None:
    """Move stdout out of everyone's reach: a private duplicate of fd 1 (returned, for the
    handshake only, kept open for the life of the process), fd 1 and ``sys.stdout`` -> stderr.
    ``None`` when fd 1 or fd 2 is not open (nothing to protect, or nowhere to send it)."""
    try:
        handshake_fd = os.dup(1)  # not inheritable (PEP 446): child processes never get it
    except OSError:
        return None
    try:
        os.dup2(2, 1)
    except OSError:
        os.close(handshake_fd)
        return None
    sys.stdout = sys.stderr
    return handshake_fd


def main() -> None:
    """Serve the provider over go-plugin/gRPC until Terraform stops it."""
    # No cyclic garbage collection while the process mostly imports (its own modules, then
    # botocore when the provider is configured): the collector would walk every new module's
    # objects again and again, ~18% of botocore's import time measured. Configuring the
    # provider turns it back on (see CleanroomsmlProvider.configure_provider); the launches that
    # never configure it answer a few calls and exit.
    import gc

    gc.disable()
    handshake_fd = claim_stdout()
    from cleanroomsml_tf.plugin import logs

    logs.configure()
    from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
    from cleanroomsml_tf.plugin.server import serve

    exit_now(serve(CleanroomsmlProvider(), handshake_fd=handshake_fd))


def exit_now(status: int) -> NoReturn:
    """Flush and close the log handlers and standard streams, then end the process without
    the interpreter's teardown (no module garbage collection, no atexit: nothing of ours
    needs them once the server has stopped)."""
    logging = sys.modules.get("logging")  # not imported at all by a launch that logged nothing
    if logging is not None:
        logging.getLogger("cleanroomsml_tf.plugin.main").debug("server stopped; exiting (%d)",
                                                               status)
        logging.shutdown()  # flushes and closes every handler (stderr: Terraform's log)
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # closed or broken: nothing left to save
            pass
    os._exit(status)


if __name__ == "__main__":
    main()
