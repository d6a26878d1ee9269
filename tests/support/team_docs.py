"""The commands of docs/index.md's "Installing for a team" section, for tests that run them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

INDEX = Path(__file__).resolve().parents[2] / "docs" / "index.md"


def section(heading: str) -> str:
    """The text under ``### heading`` (up to the next heading of level 2 or 3)."""
    text = INDEX.read_text()
    start = text.index(f"\n### {heading}\n")
    following = re.search(r"\n##+ ", text[start + 1:])
    return text[start:start + 1 + following.start()] if following else text[start:]


def blocks(heading: str, language: str) -> list[str]:
    """The fenced ``language`` blocks of that section."""
    return re.findall(rf"```{language}\n(.*?)```", section(heading), flags=re.S)


def commands(heading: str) -> list[list[str]]:
    """Each command line of the section's ``sh`` blocks, split like a shell would."""
    return [shlex.split(line, comments=True) for block in blocks(heading, "sh")
            for line in block.splitlines() if line.strip()]
