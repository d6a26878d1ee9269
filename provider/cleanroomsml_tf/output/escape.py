"""Escaping of service text (model names, descriptions, status messages) for where it is shown.

Other members of a collaboration write those texts, so they are hostile input to every view:

* :func:`terminal` for text printed to a terminal or a CI log (``describe --format text``,
  ``lock show``, ``lock add``/``refresh`` lines, the text and GitHub drift reports). C0 and C1
  control characters (ESC, BEL, CR, LF, TAB, NUL...), DEL, the Unicode line and paragraph
  separators and the bidirectional-text controls (which reorder what a reader sees) are
  written as Python-style escapes: ``\\x1b``, ``\\r``, ``\\u202e``. Everything else, other
  languages and emoji included, is kept as is. Backslashes are not doubled: the result is for
  reading, not for parsing back.
* :func:`markdown` for text inside a Markdown table cell (the markdown drift report, shown as a
  GitHub step summary): :func:`terminal` first, then HTML's ``&``, ``<``, ``>`` as character
  references (so ``<!--``, ``<img ...>`` and ``<details>`` render as text), then Markdown's
  ``\\``, ``|`` and backtick. Line breaks become spaces (a table row is one line).

Lone surrogates rarely reach here: normalization replaces each with U+FFFD
(:func:`cleanroomsml_tf.model.record.replace_lone_surrogates`), so every string a record holds
can be encoded as UTF-8 (Terraform state, lock files, terminals); any other one is escaped
(``\\ud800``) like a control character.

Imports only ``re``: the CLI's and the plugin's light paths may use it.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_BUT_BREAKS = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BREAKS = re.compile("[\r\n\t\u2028\u2029]+")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal(text: object, *, keep_line_breaks: bool = False) -> str:
    """``text`` (``str()`` of it) safe to print: control and bidi characters escaped.

    ``keep_line_breaks`` leaves CR and LF alone, for a format that escapes them its own way
    (GitHub workflow commands: ``%0D``, ``%0A``)."""
    value = text if isinstance(text, str) else str(text)
    if keep_line_breaks:
        return _UNSAFE_BUT_BREAKS.sub(_escape, value)
    return _UNSAFE.sub(_escape, value)


def markdown(text: object) -> str:
    """``text`` safe inside a Markdown table cell: no HTML, no control characters, one line."""
    value = terminal(_BREAKS.sub(" ", text if isinstance(text, str) else str(text)))
    value = value.translate(_HTML)
    value = value.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return value


def has_unsafe(text: str) -> bool:
    """True when :func:`terminal` would change ``text``."""
    return _UNSAFE.search(text) is not None
