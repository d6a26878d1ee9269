"""Number tokens that survive string interpolation.

cdktf encodes an unresolved number as a special double (about ``-8.1e+298``): fine where a
number is expected, but ``f"{token}"`` formats that double and the reference is lost — the
synthesized JSON then says ``"-8.109562212591379e+298"``. :class:`NumberToken` is that same
float (pass it wherever cdktf wants a number), whose ``str()``/``format()`` return
``Token.as_string(self)``: a string token that resolves to ``${data....volume_size_in_gb}``.
"""

from __future__ import annotations

from typing import Any

from cleanroomsml_tf.cdk.compat import cdktf_module


class NumberToken(float):
    """A cdktf number token that formats as its ``${...}`` string token.

    * as a number (``TerraformOutput(value=t)``, any numeric argument): the plain number token;
    * in ``f"{t}"``, ``str(t)``, ``"%s" % t``: ``Token.as_string(t)``, which cdktf resolves
      to the Terraform reference.
    """

    __slots__ = ()

    @property
    def as_number(self) -> float:
        """The raw cdktf number token (a plain ``float``), what ``Token.as_number`` returns."""
        return float(self)

    @property
    def as_string(self) -> str:
        """The string token (``Token.as_string``): safe inside any string."""
        return str(cdktf_module().Token.as_string(float(self)))

    def __str__(self) -> str:
        return self.as_string

    def __format__(self, format_spec: str) -> str:
        # A format spec (":.2f") would format the sentinel double; only the token makes sense.
        return format(self.as_string, format_spec) if format_spec else self.as_string

    def __repr__(self) -> str:
        return f"NumberToken({self.as_string})"


def number_token(value: Any) -> Any:
    """Wrap a cdktf number token in :class:`NumberToken`; leave resolved numbers alone."""
    if isinstance(value, float) and cdktf_module().Token.is_unresolved(value):
        return NumberToken(value)
    return value


def as_string(value: Any) -> str:
    """String-safe form of any attribute value: tokens as string tokens, ``None`` as ``""``."""
    if value is None:
        return ""
    if isinstance(value, NumberToken):
        return value.as_string
    if isinstance(value, str):
        return value
    return str(cdktf_module().Token.as_string(value))
