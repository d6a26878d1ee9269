"""The registry docs stay in step with the attribute table and the provider schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanroomsml_tf.model import record
from cleanroomsml_tf.plugin.docs import update
from cleanroomsml_tf.plugin.provider import provider_schema

DOCS = Path(__file__).resolve().parents[1] / "docs"
MODEL_DOC = DOCS / "data-sources" / "collaboration_trained_model.md"
MODELS_DOC = DOCS / "data-sources" / "collaboration_trained_models.md"


@pytest.mark.parametrize("path", [MODEL_DOC, MODELS_DOC], ids=lambda p: p.name)
def test_generated_blocks_are_current(path: Path) -> None:
    text = path.read_text()
    assert update(text) == text, f"run: python -m cleanroomsml_tf.plugin.docs ({path.name})"
    for heading in ("## Example Usage", "## Argument Reference", "## Attribute Reference"):
        assert heading in text


def _names(attributes: tuple[record.Attribute, ...]) -> list[str]:
    return [n for a in attributes for n in (a.name, *_names(a.children))]


@pytest.mark.parametrize(
    ("path", "attributes"),
    [(MODEL_DOC, record.TRAINED_MODEL), (MODELS_DOC, record.TRAINED_MODEL_SUMMARY)],
    ids=["trained_model", "trained_models"],
)
def test_every_attribute_is_documented(path: Path, attributes) -> None:
    text = path.read_text()
    missing = [name for name in _names(attributes) if f"`{name}`" not in text]
    assert missing == []


def test_provider_arguments_are_documented() -> None:
    text = (DOCS / "index.md").read_text()
    schema = provider_schema()
    names = [a.name for a in schema.attributes]
    for block in schema.block_types:
        names += [block.type_name, *(a.name for a in block.block.attributes)]
    assert [n for n in names if f"`{n}`" not in text] == []
    assert "dev_overrides" in text
