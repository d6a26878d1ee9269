"""Pick the installed CDKTF flavour: ``cdktf`` (0.21) or its continuation ``cdktn``.

Both publish the same jsii API under a different module name, so the rest of ``cdk/`` imports
``cdktf_module()`` instead of ``cdktf``. The choice is made once per process:

1. ``CLEANROOMSML_TF_CDK_FLAVOUR=cdktf|cdktn`` when set (tests and the cdktn smoke test use it);
2. otherwise ``cdktf`` when importable, else ``cdktn``.

Importing either starts the jsii runtime, which runs ``node``. Without Node.js that import dies
deep inside jsii with a ``FileNotFoundError``; we look for ``node`` first and raise
:class:`NodeJsMissingError` (a :class:`~cleanroomsml_tf.model.errors.CleanroomsmlTfError`) instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
from functools import cache
from types import ModuleType

from cleanroomsml_tf.model.errors import CleanroomsmlTfError

FLAVOURS: tuple[str, ...] = ("cdktf", "cdktn")
"""Supported module names, in order of preference."""

FLAVOUR_VARIABLE = "CLEANROOMSML_TF_CDK_FLAVOUR"
"""Environment variable that forces one flavour."""


class CdktfUnavailableError(CleanroomsmlTfError):
    """Neither cdktf nor cdktn can be used in this environment."""

    summary = "CDK for Terraform unavailable"


class NodeJsMissingError(CdktfUnavailableError):
    """``node`` is not on PATH: the jsii runtime behind CDKTF cannot start."""

    summary = "Node.js not found"


def node_executable() -> str | None:
    """The Node.js binary jsii would run (``JSII_NODE`` first, like jsii), or ``None``."""
    configured = os.environ.get("JSII_NODE")
    if configured:
        return shutil.which(configured) or (configured if os.path.isfile(configured) else None)
    return shutil.which("node")


def require_node() -> str:
    """Return the Node.js path; raise :class:`NodeJsMissingError` when there is none."""
    node = node_executable()
    if node is None:
        raise NodeJsMissingError(
            "CDK for Terraform needs Node.js: no `node` executable on PATH "
            "(install Node.js 20 or newer, or set JSII_NODE to its path)"
        )
    return node


def flavour() -> str:
    """The module name in use: ``cdktf`` or ``cdktn`` (no import, no Node.js needed)."""
    forced = os.environ.get(FLAVOUR_VARIABLE)
    if forced:
        if forced not in FLAVOURS:
            raise CdktfUnavailableError(
                f"invalid {FLAVOUR_VARIABLE} {forced!r}: expected one of {', '.join(FLAVOURS)}"
            )
        if importlib.util.find_spec(forced) is None:
            raise CdktfUnavailableError(
                f"{FLAVOUR_VARIABLE}={forced} but {forced} is not installed")
        return forced
    for name in FLAVOURS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise CdktfUnavailableError(
        "neither cdktf nor cdktn is installed: pip install 'cdktf>=0.21,<0.22' (or cdktn)"
    )


@cache
def cdktf_module() -> ModuleType:
    """The CDKTF module (``cdktf`` or ``cdktn``), imported once, Node.js checked first."""
    name = flavour()
    require_node()
    return importlib.import_module(name)


@cache
def constructs_module() -> ModuleType:
    """The ``constructs`` module (imported after the Node.js check, it starts jsii too)."""
    require_node()
    return importlib.import_module("constructs")
