"""Errors -> Terraform diagnostics. Users read a summary and a one-line detail, never a traceback.

Every RPC handler ends in :func:`add_exception`: our typed errors keep their own summary and
detail (which name the model); anything else becomes a generic "internal error" diagnostic whose
detail is the exception's type and message, and the traceback goes to the log (stderr) only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from tf.utils import Diagnostics

from cleanroomsml_tf.model.errors import CleanroomsmlTfError, InvalidInputError

log = logging.getLogger("cleanroomsml_tf.plugin")

AttributePath = Sequence[str | tuple[str | int]]


def add_error(
    diags: Diagnostics, error: CleanroomsmlTfError, path: AttributePath | None = None
) -> None:
    """Add one of our typed errors as an error diagnostic (optionally on an attribute)."""
    diags.add_error(error.summary, _shown(error), path=list(path) if path else None)


def add_invalid_input(diags: Diagnostics, error: InvalidInputError) -> None:
    """An invalid identifier, attached to the attribute it names."""
    add_error(diags, error, path=[error.field])


def add_exception(diags: Diagnostics, error: BaseException, what: str) -> None:
    """Turn any exception raised while doing ``what`` into an error diagnostic."""
    if isinstance(error, InvalidInputError):
        add_invalid_input(diags, error)
    elif isinstance(error, CleanroomsmlTfError):
        add_error(diags, error)
    else:
        log.error("unexpected error while %s", what, exc_info=error)
        diags.add_error(
            "Internal error in the cleanroomsml provider",
            f"unexpected {type(error).__name__} while {what}: {_shown(error)}",
        )


def _shown(error: BaseException) -> str:
    """The error's text with secrets redacted (URL user-info and tokens, known credentials)."""
    from cleanroomsml_tf.output.redaction import redact

    return redact(str(error))
