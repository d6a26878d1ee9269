"""Naming lock-file entries on the command line: by key, by model name, by trained-model ID.

An *address* given to ``lock refresh``, ``lock remove`` (and any command taking entries) is, in
the order tried:

1. the full entry key (``COLLABORATION/ARN@VERSION|latest``, see ``lock show``);
2. otherwise the entries whose model name, trained-model ID (the ARN's last segment) or whole
   ARN equals it. Exactly one: that entry. Several: :class:`AmbiguousEntryError`, listing their
   keys so the user can pick one. None: :class:`LockEntryNotFoundError`.

Addresses are resolved all at once, before anything is requested or written: one bad address
refuses the whole command.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cleanroomsml_tf.lockfile.model import LockEntryNotFoundError
from cleanroomsml_tf.model.errors import CleanroomsmlTfError

_ARN_ID_MARKER = "/trained-model/"


class AmbiguousEntryError(CleanroomsmlTfError):
    """A name or model ID matches several lock-file entries; the message lists their keys."""

    summary = "Ambiguous lock file entry"

    def __init__(self, path: Path | str, address: str, keys: Sequence[str]) -> None:
        self.path = Path(path)
        self.address = address
        self.keys = tuple(keys)
        listed = "".join(f"\n  {key}" for key in self.keys)
        super().__init__(
            f"lock file {self.path}: {address!r} matches {len(self.keys)} entries; "
            f"name one by its key:{listed}"
        )


def trained_model_id(arn: str) -> str:
    """The trained model's ID: the ARN's last segment (``.../trained-model/ID`` -> ``ID``)."""
    head, marker, tail = arn.rpartition(_ARN_ID_MARKER)
    return tail if marker else arn.rsplit("/", 1)[-1]


def aliases(entry: Any) -> set[str]:
    """Every short name that can address ``entry``: model name, trained-model ID and ARN."""
    arn = entry.ref.trained_model_arn
    names = {arn, trained_model_id(arn)}
    name = entry.record.get("name")
    if isinstance(name, str) and name:
        names.add(name)
    return names


def find_entries(entries: Mapping[str, Any], address: str) -> list[str]:
    """The keys ``address`` matches (one for a key; zero, one or several for a short name)."""
    if address in entries:
        return [address]
    return sorted(key for key, entry in entries.items() if address in aliases(entry))


def resolve_addresses(
    entries: Mapping[str, Any], addresses: Iterable[str], path: Path | str
) -> list[str]:
    """The entry keys named by ``addresses``, in the order given, each once.

    Raises :class:`LockEntryNotFoundError` for an address matching nothing and
    :class:`AmbiguousEntryError` for one matching several entries (checked in order, so the
    first bad address is the one reported).
    """
    keys: list[str] = []
    for address in addresses:
        found = find_entries(entries, address)
        if not found:
            shown = address if address.isprintable() else repr(address)
            raise LockEntryNotFoundError(
                path, f"no entry named {shown} (give an entry key, a model name or a trained "
                f"model ID; see `cleanroomsml-tf lock show --lock-file {path}`)")
        if len(found) > 1:
            raise AmbiguousEntryError(path, address, found)
        if found[0] not in keys:
            keys.append(found[0])
    return keys
