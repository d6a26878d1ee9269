"""Terraform diagnostics, and errors -> diagnostics. Users read a summary and a one-line detail,
never a traceback.

:class:`Diagnostics` collects what one RPC reports and turns it into ``tfplugin6.Diagnostic``
messages (dicts for :mod:`cleanroomsml_tf.plugin.wire.protobuf`); an attribute path is a list
of steps: an attribute name (``str``), or a one-element tuple holding a map key (``str``) or a
list index (``int``).

Every RPC handler ends in :func:`add_exception`: our typed errors keep their own summary and
detail (which name the model); anything else becomes a generic "internal error" diagnostic whose
detail is the exception's type and message, and the traceback goes to the log (stderr) only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cleanroomsml_tf.model.errors import CleanroomsmlTfError, InvalidInputError
from cleanroomsml_tf.model.record import replace_lone_surrogates
from cleanroomsml_tf.plugin.logs import get_logger

log = get_logger("cleanroomsml_tf.plugin")

AttributePath = Sequence[str | tuple[str | int]]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic: ``severity`` is :data:`ERROR` or :data:`WARNING`."""

    severity: str
    summary: str
    detail: str = ""
    path: tuple[str | tuple[str | int], ...] | None = None

    def to_message(self) -> dict[str, Any]:
        """The ``tfplugin6.Diagnostic`` message."""
        from cleanroomsml_tf.plugin.wire.tfplugin6 import ENUMS

        # Text can quote the service (names, error messages), whose JSON may hold a lone
        # surrogate: UTF-8 cannot carry one, so it becomes U+FFFD, as in the record.
        message: dict[str, Any] = {
            "severity": ENUMS["Diagnostic.Severity"][self.severity.upper()],
            "summary": replace_lone_surrogates(self.summary),
            "detail": replace_lone_surrogates(self.detail),
        }
        if self.path:
            message["attribute"] = {"steps": [_step(step) for step in self.path]}
        return message


def _step(step: str | tuple[str | int]) -> dict[str, Any]:
    if isinstance(step, tuple):
        key = step[0]
        if isinstance(key, str):
            return {"element_key_string": replace_lone_surrogates(key)}
        return {"element_key_int": key}
    return {"attribute_name": step}


class Diagnostics:
    """The diagnostics one RPC collects, in order."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def add_error(self, summary: str, detail: str = "",
                  path: AttributePath | None = None) -> Diagnostics:
        """Add an error (optionally on an attribute)."""
        self.diagnostics.append(Diagnostic(ERROR, summary, detail, tuple(path) if path else None))
        return self

    def add_warning(self, summary: str, detail: str = "",
                    path: AttributePath | None = None) -> Diagnostics:
        """Add a warning (optionally on an attribute)."""
        self.diagnostics.append(
            Diagnostic(WARNING, summary, detail, tuple(path) if path else None))
        return self

    def has_errors(self) -> bool:
        """Whether any diagnostic is an error."""
        return any(d.severity == ERROR for d in self.diagnostics)

    def to_messages(self) -> list[dict[str, Any]]:
        """The ``tfplugin6.Diagnostic`` messages."""
        return [d.to_message() for d in self.diagnostics]

    def __repr__(self) -> str:
        return f"Diagnostics({self.diagnostics!r})"


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
