"""Canary secrets in the endpoint URL (user-info, credential-looking query parameters), the
environment, a credentials file and ``assume_role.external_id`` never show: not in CLI errors,
drift reports (all five formats), ``--debug``, Terraform diagnostics, ``TF_LOG=trace``, plans,
state, lock files or synthesized output (issue 11, "Secrets").

The endpoint URL really carries the canaries: every request goes through it (the recording
proxy of tests/test_secrets.py sees them), so no scan can pass because the URL was unused.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cleanroomsml_tf.emulator import Emulator
from tests.support.emulator import run_cli
from tests.support.example_ids import CHURN, COLLABORATION, FRAUD
from tests.support.recording_proxy import start_recording_proxy
from tests.support.terraform import REQUIRED_PROVIDERS, newest
from tests.test_secrets import Canary, World, _tree_text

MISSING = CHURN.replace("000000000001", "00000000dead")
FORMATS = ("text", "json", "junit", "github", "markdown")


@dataclass(frozen=True)
class UrlCanary(Canary):
    """The credential canaries plus ones in the endpoint URL and the role's external id."""

    password: str = ""
    query_token: str = ""
    external_id: str = ""
    file_secret: str = ""

    @property
    def forbidden(self) -> dict[str, str]:
        forms = super().forbidden
        for name in ("password", "query_token", "external_id", "file_secret"):
            forms[name] = getattr(self, name)
        return forms


@dataclass
class UrlWorld(World):
    plain_url: str = ""
    shown_url: str = ""
    """The endpoint URL as every output must show it: user-info and tokens redacted."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UrlWorld]:
    base = Canary.new()
    tag = uuid.uuid4().hex
    canary = UrlCanary(base.access_key, base.secret, base.token, password=f"pw{tag[:12]}",
                       query_token=f"qt{tag[12:24]}", external_id=f"ext{tag[24:]}",
                       file_secret=f"fs{uuid.uuid4().hex}")
    home = tmp_path_factory.mktemp("secrets-home")
    credentials = home / "credentials"
    credentials.write_text(f"[default]\naws_access_key_id = AKIAFILE\n"
                           f"aws_secret_access_key = {canary.file_secret}\n")
    log_path = home / "emulator.log"
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(log_path.open("w"))
        emulator = stack.enter_context(Emulator(log=log, access_denied=[FRAUD]))
        proxy = start_recording_proxy(stack, emulator.address)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for name, value in canary.env.items():
            patch.setenv(name, value)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        plain = f"127.0.0.1:{proxy.server_address[1]}"
        url = (f"http://deploy:{canary.password}@{plain}/?X-Amz-Security-Token="
               f"{canary.query_token}&access_token={canary.query_token}"
               f"&password={canary.password}&token={canary.query_token}")
        patch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", url)
        yield UrlWorld(canary, url, proxy.seen, log_path, plain_url=f"http://{plain}",
                       shown_url=f"http://<redacted>@{plain}/?X-Amz-Security-Token=<redacted>")


def test_cli_errors_warnings_and_debug_output(world):
    model = ["--collaboration-identifier", COLLABORATION]
    since = len(world.seen)
    found = run_cli("--debug", "describe", "--trained-model-arn", CHURN, *model)
    assert found.returncode == 0, found.stderr[-2000:]
    world.assert_clean("describe --debug", found.stdout + found.stderr, CHURN,
                       "botocore.endpoint")
    world.assert_token_sent(since)

    missing = run_cli("describe", "--trained-model-arn", MISSING, *model)
    assert missing.returncode == 1
    world.assert_clean("a not-found error", missing.stderr, "not found", world.shown_url)

    explicit = run_cli("describe", "--trained-model-arn", MISSING, *model, "--endpoint-url",
                       world.url, "--no-verify-ssl")
    world.assert_clean("--endpoint-url with --no-verify-ssl", explicit.stderr,
                       "TLS certificate verification is OFF", world.shown_url)

    bad = world.url.replace(world.plain_url.removeprefix("http://"), "127.0.0.1:99999")
    invalid = run_cli("describe", "--trained-model-arn", CHURN, *model, "--endpoint-url", bad)
    assert invalid.returncode == 1
    world.assert_clean("an invalid endpoint", invalid.stderr, "invalid endpoint", "127.0.0.1")


def test_every_drift_report_format(world, tmp_path):
    lock = tmp_path / "cleanroomsml.lock.json"
    added = run_cli("lock", "add", "--trained-model-arn", CHURN, "--collaboration-identifier",
                    COLLABORATION, "--lock-file", str(lock))
    assert added.returncode == 0, added.stderr
    # A second entry, for a model the endpoint now denies: unchecked, its error names the URL.
    document = json.loads(lock.read_text())
    (key, entry), = document["entries"].items()
    document["entries"][key.replace(CHURN, FRAUD)] = json.loads(
        json.dumps(entry).replace(CHURN, FRAUD))
    lock.write_text(json.dumps(document))
    world.assert_clean("the lock file", lock.read_text(), CHURN)
    reports = {fmt: tmp_path / f"report.{fmt}" for fmt in FORMATS}
    drift = run_cli("drift", "--debug", "--lock-file", str(lock),
                    *(f"--report={fmt}={path}" for fmt, path in reports.items()))
    assert drift.returncode == 1, drift.stdout + drift.stderr[-2000:]
    world.assert_clean("drift --debug", drift.stdout + drift.stderr, "access denied")
    for fmt, path in reports.items():
        world.assert_clean(f"the {fmt} drift report", path.read_text(), "access denied",
                           "127.0.0.1")


def test_terraform_diagnostics_trace_log_plan_and_state(world, make_terraform, tmp_path):
    log = tmp_path / "terraform.log"
    config = REQUIRED_PROVIDERS + f"""
variable "external_id" {{
  type      = string
  sensitive = true
}}
provider "cleanroomsml" {{
  assume_role {{
    role_arn    = "arn:aws:iam::111122223333:role/deploy"
    external_id = var.external_id
  }}
}}
data "cleanroomsml_collaboration_trained_model" "churn" {{
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}
output "status" {{ value = data.cleanroomsml_collaboration_trained_model.churn.status }}
"""
    tf = make_terraform(newest(), files={"main.tf": config},
                        env={"TF_LOG": "trace", "TF_LOG_PATH": str(log),
                             "TF_VAR_external_id": world.canary.external_id})
    tf.init()
    schema = json.loads(tf.run("providers", "schema", "-json").stdout)
    provider = next(iter(schema["provider_schemas"].values()))["provider"]["block"]
    role = provider["block_types"]["assume_role"]["block"]["attributes"]
    assert role["external_id"].get("sensitive") is True
    tf.run("plan", "-input=false", "-out=saved.tfplan")
    shown = tf.run("show", "-json", "saved.tfplan")
    tf.run("apply", "-input=false", "saved.tfplan")
    assert tf.outputs()["status"] == "ACTIVE"

    (tf.workdir / "missing.tf").write_text(f"""
data "cleanroomsml_collaboration_trained_model" "missing" {{
  trained_model_arn        = "{MISSING}"
  collaboration_identifier = "{COLLABORATION}"
}}
""")
    failed = tf.run("plan", "-input=false", check=False)
    assert failed.returncode == 1
    world.assert_clean("a Terraform diagnostic", failed.stdout + failed.stderr, "not found",
                       "<redacted>@127.0.0.1")
    plan = json.loads(shown.stdout)
    # Terraform itself keeps root input variables, sensitive ones too, in a saved plan (plan
    # files are secrets in their own right): everything else must be clean.
    assert plan.pop("variables")["external_id"]["value"] == world.canary.external_id
    world.assert_clean("terraform show -json (but its variables)", json.dumps(plan), CHURN)
    world.assert_clean("terraform.tfstate", (tf.workdir / "terraform.tfstate").read_text(),
                       CHURN)
    world.assert_clean("TF_LOG=trace", log.read_text(), CHURN, "[TRACE]", "botocore.endpoint")
    world.assert_clean("terraform output", "".join(r.stdout + r.stderr for r in tf.history
                                                   if r is not shown), CHURN)


def test_synth_mode(world, example_app, tmp_path):
    from cdktf import App
    from cleanroomsml_tf.model.errors import CleanroomsmlTfError

    out = tmp_path / "cdktf.out"
    lock = tmp_path / "cleanroomsml.lock.json"
    app = App(outdir=str(out))
    example_app.build_stack(app, resolve="synth", lock_path=str(lock))
    app.synth()
    world.assert_clean("the lock file written at synth", lock.read_text(), CHURN)
    world.assert_clean("cdktf.out (synth mode)", _tree_text(out), "cdk.tf.json")

    app = App(outdir=str(tmp_path / "missing.out"))
    with pytest.raises(CleanroomsmlTfError) as caught:
        example_app.build_stack(app, resolve="synth", lock_path=str(tmp_path / "other.json"),
                                trained_model_arn=MISSING)
    world.assert_clean("a synth-mode error", str(caught.value), "not found", world.shown_url)
