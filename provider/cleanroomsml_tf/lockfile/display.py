"""Short display names for lock-file entries, unique within one report.

An entry key (``COLLABORATION/ARN@VERSION|latest``) is unique but about 160 characters long;
a model name is short but two collaborations may each have a ``churn-predictor``. Every report
format shows :func:`display_names`:

* the model name alone when no other entry of the report has that name;
* otherwise the name plus what tells the same-named entries apart, in this order and only as
  much as needed: the collaboration (``collaboration 3f6a1c2e``), the trained model ID
  (``model c0ffee00-1111``), the requested version (``@latest`` or ``@a1b2c3d4``). IDs are
  shortened to their shortest unique prefix of at least 8 characters.

A model without a name is shown by its trained model ID. The full key always stays available
(JSON ``key``, the markdown details block, SARIF's logical location, github messages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cleanroomsml_tf.lockfile.addressing import trained_model_id

MIN_ID_LENGTH = 8


@dataclass(frozen=True)
class Identity:
    """What a display name is made from: one entry (or one new, unlocked model)."""

    key: str
    name: str | None
    collaboration: str
    trained_model_arn: str
    version: str | None  # requested version; None = latest

    @property
    def model_id(self) -> str:
        """The trained model ID (the ARN's last segment)."""
        return trained_model_id(self.trained_model_arn)

    @property
    def base(self) -> str:
        """The model name, or its ID when it has none."""
        return self.name if self.name else self.model_id


def identity_of(entry: object) -> Identity:
    """The :class:`Identity` of a lock-file entry (anything with ``key``, ``ref``, ``record``)."""
    ref = entry.ref  # type: ignore[attr-defined]
    name = entry.record.get("name")  # type: ignore[attr-defined]
    return Identity(
        key=entry.key,  # type: ignore[attr-defined]
        name=name if isinstance(name, str) else None,
        collaboration=ref.collaboration_identifier,
        trained_model_arn=ref.trained_model_arn,
        version=ref.version_identifier,
    )


def display_names(identities: Iterable[Identity]) -> dict[str, str]:
    """``{key: display name}``, every name distinct (see the module docstring)."""
    groups: dict[str, list[Identity]] = defaultdict(list)
    for identity in identities:
        groups[identity.base].append(identity)
    names: dict[str, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            names[members[0].key] = base
            continue
        for identity, qualifier in zip(members, _qualifiers(members), strict=True):
            names[identity.key] = f"{base} ({qualifier})" if qualifier else base
    return _unique(names)


def _qualifiers(members: Sequence[Identity]) -> list[str]:
    collaborations = _short_ids(m.collaboration for m in members)
    models = _short_ids(m.model_id for m in members)
    versions = _short_ids(m.version for m in members if m.version)
    by_collaboration = _count(m.collaboration for m in members)
    by_model = _count((m.collaboration, m.model_id) for m in members)
    qualifiers = []
    for m in members:
        parts = []
        if len(by_collaboration) > 1:
            parts.append(f"collaboration {collaborations[m.collaboration]}")
        if by_collaboration[m.collaboration] > 1 and by_model[(m.collaboration, m.model_id)] < \
                by_collaboration[m.collaboration]:
            parts.append(f"model {models[m.model_id]}")
        if by_model[(m.collaboration, m.model_id)] > 1:
            parts.append("@" + (versions[m.version] if m.version else "latest"))
        qualifiers.append(", ".join(parts))
    return qualifiers


def _count(values: Iterable[object]) -> dict[object, int]:
    counts: dict[object, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


def _short_ids(values: Iterable[str]) -> dict[str, str]:
    """Each distinct value's shortest prefix (at least :data:`MIN_ID_LENGTH`) that no other
    value shares."""
    distinct = sorted(set(values))
    short = {}
    for value in distinct:
        others = [v for v in distinct if v != value]
        length = min(MIN_ID_LENGTH, len(value))
        while length < len(value) and any(o.startswith(value[:length]) for o in others):
            length += 1
        short[value] = value[:length]
    return short


def _unique(names: dict[str, str]) -> dict[str, str]:
    # A model named like another's qualified name ("x (collaboration 3f6a1c2e)") could collide;
    # the key is unique by construction, so fall back to it rather than show two equal names.
    seen = _count(names.values())
    return {key: (key if seen[name] > 1 else name) for key, name in names.items()}
