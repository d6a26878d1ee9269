"""Service text as Terraform literal text, for values synth mode writes into ``cdk.tf.json``.

Terraform evaluates every JSON string of a configuration as a template: ``${...}`` is an
interpolation, ``%{...}`` a directive. Trained-model names and descriptions are written by
other collaboration members, so a synth-time record value must never reach Terraform as a
template. :func:`terraform_literal` returns a template that evaluates to exactly the given text:

* ``${`` -> ``$${`` and ``%{`` -> ``%%{`` (Terraform's own escapes);
* cdktf scans every string it synthesizes for its token marker (``${TfToken[...]}``) and would
  replace one with another construct's value, so an escaped marker is written as
  ``${"$"}{TfToken[`` (an interpolation of the literal ``"$"``), which cdktf does not match;
* a trailing run of ``$``/``%`` is written as an interpolation (``${"$"}``), a leading ``{`` as
  ``${"{"}``: two values (or a value and your literal) joined in an f-string never form a
  ``${``/``%{`` across the seam;
* a carriage return is written as ``${"\\r"}``: Terraform reads the rest of a template after a
  lone CR as raw text, escapes included;
* cdktf also reads numbers in strings that look like its number tokens (about ``-8.1e+298``):
  such a number is written with its ``e`` interpolated (``-8.1${"e"}+298``).

Ordinary text comes back unchanged (the same object).
"""

from __future__ import annotations

import re
import struct
from typing import Any

_SPECIAL = re.compile(r"(\$+)(?=\{TfToken\[)|\$*\r|[$%]\{|^\{|[$%]+$")
"""What needs rewriting: a ``$`` run before cdktf's marker, a carriage return (with the ``$``
run before it), ``${``/``%{``, a leading ``{``, a trailing run of ``$``/``%``."""


def _rewrite(match: re.Match[str]) -> str:
    text = match[0]
    if text.endswith("\r"):
        # Terraform stops reading a template at a lone CR (the rest stays raw, escapes and
        # all); as an interpolated "\r" it reads on.
        return '${"' + text[:-1] + '\\r"}'
    if match[1] is not None or text == "{" or not text.endswith("{"):
        # A marker's ``$`` run, a leading ``{`` or a trailing ``$``/``%`` run: as a quoted
        # string interpolated, so no raw ``$`` ever precedes the ``${`` we emit.
        return '${"' + text + '"}'
    return text[0] + text  # ${ -> $${, %{ -> %%{


# cdktf also scans synthesized strings for numbers (its NUMBER_TOKEN_REGEX) and takes one whose
# double carries a token's marker bits for that number token: another construct's value, or a
# synth error when there is no such token. Such a number gets its "e" as an interpolation.
_CDKTF_NUMBER = re.compile(r"[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)")
_JS_FLOAT_PREFIX = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TOKEN_MARKER_BITS = (0xFDFF, 0xFBFF)  # number token, number-list token


def _is_cdktf_number_token(text: str) -> bool:
    prefix = _JS_FLOAT_PREFIX.match(text)  # what JavaScript's parseFloat reads
    if prefix is None:
        return False
    try:
        value = float(prefix[0])
    except (ValueError, OverflowError):
        return False
    return struct.unpack("<II", struct.pack("<d", value))[1] >> 16 in _TOKEN_MARKER_BITS


def _break_number_tokens(text: str) -> str:
    while True:
        found = next((m for m in _CDKTF_NUMBER.finditer(text)
                      if _is_cdktf_number_token(m[0])), None)
        if found is None:
            return text
        at = found.start(1)
        text = text[:at] + '${"e"}' + text[at + 1:]


def terraform_literal(text: str) -> str:
    """A Terraform template (JSON syntax) whose value is exactly ``text``."""
    if "$" in text or "%" in text or "{" in text or "\r" in text:
        text = _SPECIAL.sub(_rewrite, text)
    if "e" in text:
        text = _break_number_tokens(text)
    return text


def literal_value(value: Any) -> Any:
    """:func:`terraform_literal` applied to every string in ``value`` (dicts, lists, tuples)."""
    if isinstance(value, str):
        return terraform_literal(value)
    if isinstance(value, dict):
        return {key: literal_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(literal_value(item) for item in value)
    return value
