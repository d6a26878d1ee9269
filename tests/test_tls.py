"""TLS verification stays on by default; turning it off is explicit, named and warned about.

Real boto3 over real HTTPS: the emulator serves TLS with a certificate signed by a private CA
made for this session (``tests/support/tls.py``), which nothing trusts unless told to with
``AWS_CA_BUNDLE``. Every front end is driven for real — the library, the ``cleanroomsml-tf``
process, ``terraform`` with the installed provider, and cdktf synthesis.
"""

from __future__ import annotations

import io
import json
import time
import warnings
from pathlib import Path

import pytest

from cleanroomsml_tf.aws.resolver import Resolver
from cleanroomsml_tf.aws.settings import ClientSettings
from cleanroomsml_tf.emulator import Emulator, EmulatorError
from cleanroomsml_tf.model.errors import TlsVerificationError
from cleanroomsml_tf.model.identifiers import ModelRef
from tests.support.emulator import emulator_process, run_cli
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.terraform import REQUIRED_PROVIDERS
from tests.support.tls import TlsFiles

CHURN_REF = ModelRef(CHURN, COLLABORATION)
FORBIDDEN_OUTPUT = ("Traceback", "Exception calling application", "plugin crashed")
# What urllib3 prints on every unverified request unless silenced.
PER_REQUEST_WARNING = "InsecureRequestWarning"


def assert_verification_failure(message: str, endpoint: str) -> None:
    """The message says verification failed, names the endpoint and the way to fix it."""
    assert "TLS certificate verification failed" in message
    assert f"(endpoint {endpoint})" in message
    assert "AWS_CA_BUNDLE" in message


# -- the library: Resolver / ClientSettings -------------------------------------------------


def test_default_settings_refuse_an_untrusted_certificate_once_and_fast(tls_files: TlsFiles):
    """Verification is on by default: the call fails with TlsVerificationError before any
    request reaches the endpoint, and a rejected certificate is not retried."""
    log = io.StringIO()
    with Emulator(tls_cert=tls_files.server_cert, tls_key=tls_files.server_key, log=log) as em:
        url = em.url
        assert url.startswith("https://127.0.0.1:")
        started = time.monotonic()
        with pytest.raises(TlsVerificationError) as caught:
            Resolver(ClientSettings(endpoint_url=url)).get_trained_model(CHURN_REF)
        elapsed = time.monotonic() - started
        time.sleep(0.2)  # let the server log the handshake the client broke off
        assert em.request_count == 0  # no HTTP request was ever read: no model data left
    assert_verification_failure(str(caught.value), url)
    assert "certificate verify failed: unable to get local issuer certificate" in str(caught.value)
    assert caught.value.endpoint == url
    handshakes = [line for line in log.getvalue().splitlines() if "TLS handshake" in line]
    assert len(handshakes) == 1, handshakes  # one try: the default 10 attempts are not spent
    assert elapsed < 5  # (10 tries with back-off took ~18 s before the retry veto)


def test_a_trusted_ca_succeeds_with_verification_on(tls_emulator, tls_files, monkeypatch):
    """AWS_CA_BUNDLE makes the same default settings succeed: verification is on and working,
    not merely failing. The same process switching bundles gets a client for the new one."""
    settings = ClientSettings(endpoint_url=tls_emulator.url)
    assert settings.verify_tls is True
    with pytest.raises(TlsVerificationError):
        Resolver(settings).get_trained_model(CHURN_REF)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tls_files.ca_cert))
    before = tls_emulator.request_count
    found = Resolver(settings).get_trained_model(CHURN_REF)
    assert found["status"] == "ACTIVE"
    assert found["resource_config"]["instance_type"] == "ml.m5.2xlarge"
    assert tls_emulator.request_count == before + 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_certificate_for_another_host_name_fails(wrong_host_emulator, tls_files, monkeypatch,
                                                   host):
    """A certificate from the trusted CA but issued to example.com is still refused by default
    settings: host names are checked, not only signatures (and the refusal is not retried)."""
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tls_files.ca_cert))
    url = wrong_host_emulator.url.replace("127.0.0.1", host)
    before = wrong_host_emulator.request_count
    started = time.monotonic()
    with pytest.raises(TlsVerificationError) as caught:
        Resolver(ClientSettings(endpoint_url=url)).get_trained_model(CHURN_REF)
    assert time.monotonic() - started < 5  # not 10 tries with back-off (~11 s)
    assert_verification_failure(str(caught.value), url)
    assert f"hostname '{host}' doesn't match 'example.com'" in str(caught.value)
    assert "issued to another host name" in str(caught.value)
    assert wrong_host_emulator.request_count == before


def test_verification_off_is_explicit_and_quiet_per_request(tls_emulator):
    """ClientSettings(verify_tls=False) reaches the untrusted endpoint, without urllib3's
    per-request warning (front ends warn once, by name)."""
    # max_attempts=3: settings no other test uses, so the client is built here (the silencing
    # is installed when a client is built; pytest resets warning filters after each test).
    settings = ClientSettings(endpoint_url=tls_emulator.url, verify_tls=False, max_attempts=3)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        resolver = Resolver(settings)
        for _ in range(3):
            assert resolver.get_trained_model(CHURN_REF)["status"] == "ACTIVE"
    assert [w for w in seen if PER_REQUEST_WARNING in type(w.message).__name__] == []


# -- the emulator's own TLS option -----------------------------------------------------------


def test_bad_certificate_files_are_one_line_errors_naming_the_file(tls_files, tmp_path):
    missing = tmp_path / "missing.pem"
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello\n")
    cases = [
        ({"tls_cert": missing, "tls_key": tls_files.server_key}, f"certificate file {missing}"),
        ({"tls_cert": tls_files.server_cert, "tls_key": missing}, f"key file {missing}"),
        ({"tls_cert": not_pem, "tls_key": tls_files.server_key}, f"certificate file {not_pem}"),
        ({"tls_cert": tls_files.server_cert, "tls_key": not_pem}, f"key file {not_pem}"),
        # a real key, but not this certificate's
        ({"tls_cert": tls_files.server_cert, "tls_key": tls_files.wrong_host_key},
         f"key file {tls_files.wrong_host_key}"),
        ({"tls_key": tls_files.server_key}, "without a certificate"),
    ]
    for options, expected in cases:
        with pytest.raises(EmulatorError) as caught:
            Emulator(**options)
        message = str(caught.value)
        assert expected in message and "\n" not in message, (options, message)


def test_cli_emulator_serves_https_and_the_cli_verifies_it(tls_files: TlsFiles):
    """`cleanroomsml-tf emulator --tls-cert --tls-key` serves https://; `describe` against it:
    refused by default (exit 1, one line, no traceback), fine with AWS_CA_BUNDLE, and with
    --no-verify-ssl fine after exactly one warning line naming what is off."""
    with emulator_process("--tls-cert", str(tls_files.server_cert),
                          "--tls-key", str(tls_files.server_key)) as (process, url):
        assert url.startswith("https://127.0.0.1:")
        describe = ("describe", "--endpoint-url", url, "--collaboration-identifier",
                    COLLABORATION, "--trained-model-arn", CHURN)

        refused = run_cli(*describe)
        assert refused.returncode == 1
        assert refused.stdout == ""
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1, refused.stderr
        assert lines[0].startswith("cleanroomsml-tf describe: TLS certificate verification failed")
        assert_verification_failure(lines[0], url)
        assert "certificate verify failed" in lines[0]
        assert "Traceback" not in refused.stderr

        trusted = run_cli(*describe, env={"AWS_CA_BUNDLE": str(tls_files.ca_cert)})
        assert trusted.returncode == 0, trusted.stderr
        assert trusted.stderr == ""
        assert json.loads(trusted.stdout)["trained_model_arn"] == CHURN

        insecure = run_cli(*describe, "--no-verify-ssl")
        assert insecure.returncode == 0, insecure.stderr
        assert json.loads(insecure.stdout)["trained_model_arn"] == CHURN
        lines = insecure.stderr.strip().splitlines()
        assert len(lines) == 1, insecure.stderr  # one warning, no per-request spam
        assert lines[0].startswith("cleanroomsml-tf: warning: TLS certificate verification is OFF")
        assert url in lines[0] and "AWS_CA_BUNDLE" in lines[0]
        assert PER_REQUEST_WARNING not in insecure.stderr

        process.terminate()
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""  # refused handshakes are not logged without --log


def test_cli_emulator_bad_tls_options(tls_files: TlsFiles, tmp_path: Path):
    missing = tmp_path / "nope.pem"
    result = run_cli("emulator", "--tls-cert", str(tls_files.server_cert),
                     "--tls-key", str(missing), timeout=30)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"cleanroomsml-tf emulator: cannot read TLS key file {missing}: No such file or directory")
    alone = run_cli("emulator", "--tls-key", str(tls_files.server_key), timeout=30)
    assert alone.returncode == 1
    assert alone.stderr.strip() == "cleanroomsml-tf emulator: error: --tls-key needs --tls-cert"


# -- Terraform --------------------------------------------------------------------------------


def _terraform_config(endpoint: str, insecure: bool) -> str:
    insecure_line = "  insecure = true\n" if insecure else ""
    return REQUIRED_PROVIDERS + f"""
provider "cleanroomsml" {{
  endpoint = "{endpoint}"
{insecure_line}}}

data "cleanroomsml_collaboration_trained_model" "churn" {{
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}

output "instance_type" {{
  value = data.cleanroomsml_collaboration_trained_model.churn.resource_config.instance_type
}}
"""


@pytest.mark.terraform
def test_terraform_verifies_by_default_and_warns_when_insecure(
        terraform_binary, make_terraform, tls_emulator, tls_files):
    """plan fails with a "TLS certificate verification failed" diagnostic; AWS_CA_BUNDLE
    makes it pass with verification on; `insecure = true` applies, with a warning."""
    url = tls_emulator.url
    tf = make_terraform(terraform_binary, files={"main.tf": _terraform_config(url, False)})
    tf.init()

    refused = tf.run("plan", "-input=false", check=False)
    output = " ".join((refused.stdout + refused.stderr).split())  # undo Terraform's wrapping
    assert refused.returncode != 0
    assert "Error: TLS certificate verification failed" in output
    assert_verification_failure(output, url)
    assert "Warning: TLS certificate verification is off" not in output

    tf.env["AWS_CA_BUNDLE"] = str(tls_files.ca_cert)
    trusted = tf.run("plan", "-input=false")
    assert 'instance_type = "ml.m5.2xlarge"' in trusted.stdout
    assert "TLS certificate verification" not in trusted.stdout + trusted.stderr
    del tf.env["AWS_CA_BUNDLE"]

    (tf.workdir / "main.tf").write_text(_terraform_config(url, True))
    applied = tf.apply()
    output = " ".join((applied.stdout + applied.stderr).split())
    assert "Warning: TLS certificate verification is off" in output
    assert f"TLS certificate verification is OFF for {url}" in output
    assert PER_REQUEST_WARNING not in output
    assert tf.outputs()["instance_type"] == "ml.m5.2xlarge"
    for result in tf.history:
        for text in FORBIDDEN_OUTPUT:
            assert text not in result.stdout + result.stderr


# -- CDK for Terraform ------------------------------------------------------------------------


@pytest.mark.cdktf
def test_cdktf_synth_mode_verifies_by_default(cdk, tls_emulator, tmp_path):
    """A synth-time lookup against the untrusted endpoint fails the synth, writes nothing."""
    from cdktf import TerraformStack, Testing

    lock_path = tmp_path / "cleanroomsml.lock.json"
    stack = TerraformStack(Testing.app(), "verified")
    with pytest.raises(TlsVerificationError) as caught:
        cdk.TrainedModelLookup(
            stack, "churn", trained_model_arn=CHURN, collaboration_identifier=COLLABORATION,
            resolve="synth", lock_path=lock_path,
            settings=ClientSettings(endpoint_url=tls_emulator.url))
    assert_verification_failure(str(caught.value), tls_emulator.url)
    assert not lock_path.exists()


@pytest.mark.cdktf
def test_cdktf_insecure_provider_synthesizes_and_warns(cdk, tls_emulator, tmp_path):
    """CleanroomsmlProvider(insecure=True) synthesizes `insecure: true`; a synth-time lookup
    through it resolves and leaves a warning annotation in the node metadata and in the
    manifest `cdktf synth` writes (which the cdktf CLI prints)."""
    from cdktf import App, TerraformStack

    outdir = tmp_path / "cdktf.out"
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "insecure")
    # max_attempts: settings of its own, so this test builds (not reuses) its client, and
    # urllib3's per-request warnings are silenced under this test's warning filters too.
    provider = cdk.CleanroomsmlProvider(stack, "p", endpoint=tls_emulator.url, insecure=True,
                                        max_attempts=2)
    model = cdk.TrainedModelLookup(
        stack, "churn", trained_model_arn=CHURN, collaboration_identifier=COLLABORATION,
        resolve="synth", provider=provider, lock_path=tmp_path / "cleanroomsml.lock.json")
    assert model.instance_type == "ml.m5.2xlarge"
    app.synth()

    synthesized = json.loads((outdir / "stacks" / "insecure" / "cdk.tf.json").read_text())
    assert synthesized["provider"]["cleanroomsml"] == [
        {"endpoint": tls_emulator.url, "insecure": True, "max_attempts": 2}]

    expected = f"TLS certificate verification is OFF for {tls_emulator.url}"
    metadata = [(m.type, m.data) for m in model.node.metadata]
    assert any("warn" in kind and expected in str(data) for kind, data in metadata), metadata
    manifest = json.loads((outdir / "manifest.json").read_text())
    annotations = manifest["stacks"]["insecure"]["annotations"]
    assert [(a["level"], a["constructPath"]) for a in annotations
            if expected in a["message"]] == [("@cdktf/warn", "insecure/churn")], annotations
