"""Keep the developer's AWS and Terraform configuration out of every test.

Each test session gets its own HOME and Terraform CLI config; AWS variables that could point
requests at a real account, or make botocore probe the EC2 metadata service, are removed.
"""

from __future__ import annotations

import os

import pytest

_AWS_VARIABLES = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLEANROOMSML", "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE", "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "TF_LOG",
    # The runner's CI=true would make lock files read-only in every test; tests that exercise
    # locked mode set these themselves.
    "CI", "CLEANROOMSML_TF_LOCKED",
    # The provider launcher reads these before the registration under HOME.
    "CLEANROOMSML_TF_PYTHON", "XDG_CONFIG_HOME",
    # The plugin's TLS identity and the endpoints data are cached there: under the test HOME.
    "XDG_CACHE_HOME",
)


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory):
    """A private HOME, an empty Terraform CLI config, and no inherited AWS settings."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    for name in _AWS_VARIABLES:
        os.environ.pop(name, None)
    cli_config = home / ".terraformrc"
    cli_config.write_text("# tests: no user configuration\n")
    os.environ.update(
        HOME=str(home),
        TF_CLI_CONFIG_FILE=str(cli_config),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        CHECKPOINT_DISABLE="1",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    yield home
    os.environ.clear()
    os.environ.update(saved)
