"""The plugin turns the cyclic garbage collector off for start-up (plugin/main.py) and configuring
the provider turns it back on, with what is alive then frozen out of its reach."""

from __future__ import annotations

import gc

from cleanroomsml_tf.plugin.diagnostics import Diagnostics
from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider


def test_configuring_turns_the_collector_back_on(emulator) -> None:
    gc.disable()
    try:
        diags = Diagnostics()
        CleanroomsmlProvider().configure_provider(diags, {"endpoint": emulator.url})
        assert diags.diagnostics == []
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_failed_configuration_turns_it_back_on_too() -> None:
    gc.disable()
    try:
        diags = Diagnostics()
        CleanroomsmlProvider().configure_provider(diags, {"region": "us-east1"})
        assert diags.has_errors()
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
