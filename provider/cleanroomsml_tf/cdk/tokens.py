"""Number tokens that compute and format the way the same Python line does on a plain number.

cdktf encodes an unresolved number as a special double (about ``-8.1e+298``). Used as a float,
that double is wrong everywhere Python touches it: ``f"{token}"`` prints it, ``token + 10`` is
the same double again (the reference to the attribute, not attribute + 10), ``token * 2`` is a
different double no token stands for (``-1.6e+58`` in an applied output), and ``f"{t:.1f}"``
raises ``ValueError``.

:class:`NumberToken` is that same float (pass it wherever cdktf wants a number) whose Python
operators build the Terraform expression instead, with cdktf's ``Op``/``Fn``:

==========================  =========================================================
Python                      Terraform
==========================  =========================================================
``t + x``, ``x + t``        ``t + x``, ``x + t`` (likewise ``-``, ``*``, ``/``)
``t // x``                  ``floor(t / x)`` (Python's floor division)
``t % x``                   ``t - x * floor(t / x)`` (Python's sign rule: the divisor's)
``-t``, ``+t``, ``abs(t)``  ``-t``, ``t``, ``abs(t)``
``math.floor/ceil(t)``      ``floor(t)``, ``ceil(t)``
``t < x`` ``<=`` ``>`` ``>=``  ``t < x`` ...: a Terraform bool (an ``IResolvable``, not a
                            Python ``bool``: use it as a Terraform value, never in ``if``)
``str(t)``, ``f"{t}"``      ``${t}`` (``Token.as_string``)
``f"{t:.1f}"``              ``format("%.1f", t)``; see :func:`terraform_format`
==========================  =========================================================

Every result is a :class:`NumberToken` again (comparisons excepted), so expressions chain.
``int(t)``, ``round(t)`` and ``math.trunc(t)`` raise :class:`TypeError`: the value is unknown
until Terraform runs.
"""

from __future__ import annotations

import re
from typing import Any, TypeAlias

from cleanroomsml_tf.cdk.compat import cdktf_module

NUMBER_FORMAT_TYPES = "dfFeEgGxXob"
"""Python format types a number token supports (Terraform ``format()`` has the same verb)."""

_FORMAT_SPEC = re.compile(
    r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<alt>#)?(?P<zero>0)?"
    r"(?P<width>\d+)?(?P<grouping>[,_])?(?:\.(?P<precision>\d+))?(?P<type>.)?",
    re.DOTALL,
)
_DEFAULT_PRECISION = 6  # Python's for e/f/g; Terraform's default is the shortest exact form


class UnsupportedFormatError(ValueError):
    """A format spec that Terraform's ``format()`` cannot reproduce."""


def terraform_format(format_spec: str) -> str:
    """The Terraform ``format()`` verb for a Python format spec (``".1f"`` -> ``"%.1f"``).

    Supported: ``[<|>][+| |-][0][width][.precision]type`` with ``type`` one of
    ``d f F e E g G x X o b``; anything else raises :class:`UnsupportedFormatError` naming the
    spec and the supported forms.
    """
    match = _FORMAT_SPEC.fullmatch(format_spec)
    problem = None
    if match is None:
        problem = "it is not a format spec"
    elif match["type"] is None or match["type"] not in NUMBER_FORMAT_TYPES:
        problem = f"the type must be one of {' '.join(NUMBER_FORMAT_TYPES)}"
    elif match["align"] in ("=", "^") or match["fill"] not in (None, " "):
        problem = "only '<' and '>' alignment, filled with spaces, are supported"
    elif match["alt"] or match["grouping"]:
        problem = "'#', ',' and '_' are not supported"
    if problem is not None:
        raise UnsupportedFormatError(
            f"unsupported format spec {format_spec!r} for a Terraform number: {problem} "
            "(supported: [<|>][+| |-][0][width][.precision]type, type one of "
            f"{' '.join(NUMBER_FORMAT_TYPES)}; or no spec at all)")
    assert match is not None
    kind = match["type"]
    precision = match["precision"]
    if precision is None and kind in "fFeEgG":
        precision = str(_DEFAULT_PRECISION)
    flags = ("-" if match["align"] == "<" else "") + (
        match["sign"] if match["sign"] in ("+", " ") else "") + (match["zero"] or "")
    return "%" + flags + (match["width"] or "") + (
        f".{precision}" if precision is not None else "") + ("f" if kind == "F" else kind)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _token(resolvable: Any) -> NumberToken:
    return NumberToken(cdktf_module().Token.as_number(resolvable))


def _op(name: str, *operands: Any) -> Any:
    return getattr(cdktf_module().Op, name)(*operands)


def _fn(name: str, *operands: Any) -> Any:
    return getattr(cdktf_module().Fn, name)(*operands)


def _floor_div(left: Any, right: Any) -> NumberToken:
    return _token(_fn("floor", _op("div", left, right)))


def _modulo(left: Any, right: Any) -> NumberToken:
    # Terraform's % takes the dividend's sign, Python's the divisor's: spell Python's out.
    return _token(_op("sub", left, _op("mul", right, _fn("floor", _op("div", left, right)))))


def _arithmetic(name: str, left: Any, right: Any) -> NumberToken:
    if not (_is_number(left) and _is_number(right)):
        return NotImplemented  # type: ignore[no-any-return]
    if name == "floordiv":
        return _floor_div(left, right)
    if name == "mod":
        return _modulo(left, right)
    return _token(_op(name, left, right))


def _compare(name: str, left: Any, right: Any) -> Any:
    if not _is_number(right):
        return NotImplemented
    return _op(name, left, right)


def _unknown(what: str) -> Any:
    def method(self: NumberToken, *args: Any) -> Any:
        raise TypeError(
            f"{what} of a Terraform number is unknown until Terraform runs: use the token "
            "itself, or cdktf's Fn (Fn.floor, Fn.ceil...) on it")

    return method


class NumberToken(float):
    """A cdktf number token whose arithmetic and formatting become Terraform expressions.

    * as a number (``TerraformOutput(value=t)``, any numeric argument): the plain number token;
    * ``t + 1``, ``2 * t``, ``t // 3``, ``t % 4``, ``-t``, ``abs(t)``: a new :class:`NumberToken`
      for the Terraform expression (``Op``/``Fn``);
    * ``t > 1`` (and ``<``, ``<=``, ``>=``): a Terraform bool expression (``Op.gt``...);
    * in ``f"{t}"``, ``str(t)``, ``"%s" % t``: ``Token.as_string(t)``, which cdktf resolves
      to the Terraform reference; ``f"{t:.1f}"``: ``format("%.1f", t)``.
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
        if not format_spec:
            return self.as_string
        verb = terraform_format(format_spec)
        return str(cdktf_module().Token.as_string(_fn("format", verb, [float(self)])))

    def __repr__(self) -> str:
        return f"NumberToken({self.as_string})"

    def __add__(self, other: float) -> NumberToken:
        return _arithmetic("add", self, other)

    def __radd__(self, other: float) -> NumberToken:
        return _arithmetic("add", other, self)

    def __sub__(self, other: float) -> NumberToken:
        return _arithmetic("sub", self, other)

    def __rsub__(self, other: float) -> NumberToken:
        return _arithmetic("sub", other, self)

    def __mul__(self, other: float) -> NumberToken:
        return _arithmetic("mul", self, other)

    def __rmul__(self, other: float) -> NumberToken:
        return _arithmetic("mul", other, self)

    def __truediv__(self, other: float) -> NumberToken:
        return _arithmetic("div", self, other)

    def __rtruediv__(self, other: float) -> NumberToken:
        return _arithmetic("div", other, self)

    def __floordiv__(self, other: float) -> NumberToken:
        return _arithmetic("floordiv", self, other)

    def __rfloordiv__(self, other: float) -> NumberToken:
        return _arithmetic("floordiv", other, self)

    def __mod__(self, other: float) -> NumberToken:
        return _arithmetic("mod", self, other)

    def __rmod__(self, other: float) -> NumberToken:
        return _arithmetic("mod", other, self)

    def __lt__(self, other: float) -> Any:  # type: ignore[override]
        return _compare("lt", self, other)

    def __le__(self, other: float) -> Any:  # type: ignore[override]
        return _compare("lte", self, other)

    def __gt__(self, other: float) -> Any:  # type: ignore[override]
        return _compare("gt", self, other)

    def __ge__(self, other: float) -> Any:  # type: ignore[override]
        return _compare("gte", self, other)

    __int__ = _unknown("int()")
    __trunc__ = _unknown("math.trunc()")
    __round__ = _unknown("round()")

    def __neg__(self) -> NumberToken:
        return _token(_op("negate", float(self)))

    def __pos__(self) -> NumberToken:
        return self

    def __abs__(self) -> NumberToken:
        return _token(_fn("abs", float(self)))

    def __floor__(self) -> NumberToken:  # type: ignore[override]
        return _token(_fn("floor", float(self)))

    def __ceil__(self) -> NumberToken:  # type: ignore[override]
        return _token(_fn("ceil", float(self)))


Number: TypeAlias = NumberToken | int
"""A number attribute of ``TrainedModelLookup``: a :class:`NumberToken` in plan mode, an ``int``
in synth mode. Arithmetic, comparisons and f-strings work the same on both."""


def as_string(value: Any) -> str:
    """String-safe form of any attribute value: tokens as string tokens, ``None`` as ``""``."""
    if value is None:
        return ""
    if isinstance(value, NumberToken):
        return value.as_string
    if isinstance(value, str):
        return value
    return str(cdktf_module().Token.as_string(value))
