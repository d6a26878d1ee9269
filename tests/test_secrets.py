"""Canary credentials never leak: not into synthesized JSON, lock files, Terraform state, plans or
logs, nor CLI output and logs at the most verbose level (``--debug``, ``TF_LOG=trace``).

Every run here has a canary secret access key and session token in its environment, and every
request goes through a recording proxy in front of the emulator. The local endpoint is loopback,
so clients sign with the environment's credentials: the proxy checks that the canary token
really went over the wire (``X-Amz-Security-Token``) and the debug logs must show that header,
redacted — so no test can pass because the secret was never used. Each scanned artifact must
also hold the model it is about, so none can pass by being empty.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleanroomsml_tf.emulator import Emulator
from cleanroomsml_tf.output import redaction
from tests.support.emulator import run_cli
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.recording_proxy import start_recording_proxy
from tests.support.terraform import REQUIRED_PROVIDERS


def base64_forms(value: str) -> set[str]:
    """``value`` as it would show inside any base64 (or URL-safe base64) text: every alignment,
    only the characters that depend on ``value`` alone."""
    raw = value.encode()
    forms = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode().rstrip("=")
        start, end = (offset * 8 + 5) // 6, (offset + len(raw)) * 8 // 6
        for text in (encoded, encoded.replace("+", "-").replace("/", "_")):
            forms.add(text[start:end])
    return forms


@dataclass(frozen=True)
class Canary:
    """Fake credentials, unique per run, and every form of them that must never show up."""

    access_key: str
    secret: str
    token: str

    @classmethod
    def new(cls) -> Canary:
        tag = uuid.uuid4().hex
        return cls(f"AKIACANARY{tag[:10].upper()}", f"canary-secret-{tag}",
                   f"canary-token-{uuid.uuid4().hex}+/=")

    @property
    def env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret,
                "AWS_SESSION_TOKEN": self.token}

    @property
    def forbidden(self) -> dict[str, str]:
        forms = {}
        for name, value in (("secret", self.secret), ("token", self.token)):
            forms[name] = value
            forms[f"{name} (URL-encoded)"] = urllib.parse.quote(value, safe="")
            for i, form in enumerate(sorted(base64_forms(value))):
                forms[f"{name} (base64 #{i})"] = form
            forms[f"{name} (unique part)"] = value.split("-")[2][:32]
        return forms


@dataclass
class World:
    canary: Canary
    url: str
    seen: list[dict[str, str]]
    emulator_log: Path

    def assert_clean(self, label: str, text: str, *needles: str) -> None:
        """``text`` holds every needle (it is the real artifact) and no form of the canary."""
        leaked = [name for name, form in self.canary.forbidden.items() if form in text]
        assert leaked == [], f"{label} contains the canary {leaked}"
        assert text.strip(), f"{label} is empty: scanning it would prove nothing"
        for needle in needles:
            assert needle in text, f"{label} lacks {needle!r}: scanning it would prove nothing"

    def assert_token_sent(self, since: int) -> None:
        """Requests arrived since ``since``, each signed with the canary credentials."""
        requests = self.seen[since:]
        assert requests, "no request reached the endpoint: the canary was never used"
        for headers in requests:
            assert headers.get("X-Amz-Security-Token") == self.canary.token
            assert f"Credential={self.canary.access_key}/" in headers.get("Authorization", "")
            assert "Signature=" in headers["Authorization"]

    def assert_emulator_log_clean(self) -> None:
        self.assert_clean("the emulator's log", self.emulator_log.read_text(), COLLABORATION)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Canary credentials in the environment; the endpoint is a recording proxy in front of an
    emulator that logs every request."""
    canary = Canary.new()
    log_path = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(log_path.open("w"))
        emulator = stack.enter_context(Emulator(log=log))
        proxy = start_recording_proxy(stack, emulator.address)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for name, value in canary.env.items():
            patch.setenv(name, value)
        url = f"http://127.0.0.1:{proxy.server_address[1]}"
        patch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", url)
        yield World(canary, url, proxy.seen, log_path)


def test_redaction_covers_messages_arguments_and_exception_text(world, tmp_path, monkeypatch):
    """The filter alone, in process: env values, credentials-file values, a client's signing
    credentials, and header/signature/STS patterns for values it was never told about."""
    file_secret = f"file-secret-{uuid.uuid4().hex}"
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[other]\naws_access_key_id = AKIAOTHER\n"
                           f"aws_secret_access_key = {file_secret}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    stream = io.StringIO()
    handler = redaction.redacting_handler(stream)
    log = logging.getLogger("tests.secrets")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    unknown_token, signature = f"FQoG{uuid.uuid4().hex}/+=", "f" * 64
    try:
        log.debug("env: %s and %r", world.canary.secret, {"token": world.canary.token})
        log.debug("file: %s", file_secret)
        log.debug("headers: %s", {"X-Amz-Security-Token": unknown_token.encode(),
                                  "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIA/x, "
                                                   f"SignedHeaders=host, Signature={signature}"})
        log.debug("sts: <SessionToken>%s</SessionToken>", unknown_token)
        try:
            raise ValueError(f"boom {world.canary.token} {file_secret}")
        except ValueError:
            log.exception("failed with %s", world.canary.secret, stack_info=True)
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    world.assert_clean("redacted records", text, "ValueError: boom <redacted>",
                       "'X-Amz-Security-Token': b'<redacted>'", "Signature=<redacted>",
                       "<SessionToken><redacted></SessionToken>", "Stack (most recent call")
    for value in (file_secret, unknown_token, signature):
        assert value not in text

    # The credentials a client signs with, though neither the environment nor a file has them.
    import boto3
    from botocore.credentials import Credentials

    from cleanroomsml_tf.output.redaction import enable, redact, watch_client

    monkeypatch.setattr(redaction, "_enabled", redaction.enabled())  # restored afterwards
    enable()
    client_secret = f"client-secret-{uuid.uuid4().hex}"
    client_credentials = Credentials("AKIACLIENT", client_secret)
    client = boto3.session.Session().client(
        "cleanroomsml", region_name="us-east-1", endpoint_url=world.url,
        aws_access_key_id="AKIACLIENT", aws_secret_access_key=client_secret)
    watch_client(client, client_credentials)
    assert redact(client_secret) == client_secret  # not known before it signs
    client.list_collaboration_trained_models(collaborationIdentifier=COLLABORATION)
    assert redact(f"x {client_secret} y") == "x <redacted> y"


def test_cli_debug_output_lock_file_and_drift_reports(world, tmp_path):
    """describe, lock add and drift with --debug (before and after the subcommand)."""
    since = len(world.seen)
    model = ["--trained-model-arn", CHURN, "--collaboration-identifier", COLLABORATION]
    wire = ("botocore.endpoint", "'X-Amz-Security-Token': b'<redacted>'", "Signature=<redacted>",
            "x-amz-security-token:<redacted>")

    described = run_cli("--debug", "describe", *model)
    assert described.returncode == 0, described.stderr[-2000:]
    world.assert_clean("describe --debug stdout", described.stdout, CHURN)
    world.assert_clean("describe --debug stderr", described.stderr, CHURN, *wire)

    lock = tmp_path / "cleanroomsml.lock.json"
    locked = run_cli("lock", "add", "--debug", *model, "--lock-file", str(lock))
    assert locked.returncode == 0, locked.stderr[-2000:]
    world.assert_clean("lock add --debug output", locked.stdout + locked.stderr, CHURN, *wire)
    world.assert_clean("the lock file", lock.read_text(), CHURN)

    # What each report shows of a clean check: the entries (json, junit), a summary (markdown).
    needles = {"json": CHURN, "junit": CHURN, "markdown": "1 entries checked"}
    reports = {fmt: tmp_path / f"drift.{fmt}" for fmt in needles}
    drift = run_cli("drift", "--debug", "--lock-file", str(lock), "--format", "text",
                    *(f"--report={fmt}={path}" for fmt, path in reports.items()))
    assert drift.returncode == 0, drift.stdout + drift.stderr[-2000:]
    world.assert_clean("drift --debug stdout", drift.stdout, "no drift")
    world.assert_clean("drift --debug stderr", drift.stderr, CHURN, *wire)
    for fmt, path in reports.items():
        world.assert_clean(f"drift {fmt} report", path.read_text(), needles[fmt])

    world.assert_token_sent(since)
    world.assert_emulator_log_clean()


def test_terraform_state_saved_plan_and_trace_log(
        world, terraform_binary, make_terraform, tmp_path):
    """plan -out, show -json, apply of the saved plan, all at TF_LOG=trace with TF_LOG_PATH."""
    since = len(world.seen)
    log = tmp_path / "terraform.log"
    config = REQUIRED_PROVIDERS + f"""
provider "cleanroomsml" {{}}

data "cleanroomsml_collaboration_trained_model" "churn" {{
  trained_model_arn        = "{CHURN}"
  collaboration_identifier = "{COLLABORATION}"
}}

output "churn" {{
  value = data.cleanroomsml_collaboration_trained_model.churn
}}
"""
    tf = make_terraform(terraform_binary, files={"main.tf": config},
                        env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)})
    tf.init()
    tf.run("plan", "-input=false", "-out=saved.tfplan")
    shown = tf.run("show", "-json", "saved.tfplan")
    tf.run("apply", "-input=false", "saved.tfplan")
    assert tf.outputs()["churn"]["status"] == "ACTIVE"

    world.assert_clean("terraform show -json of the saved plan", shown.stdout, CHURN)
    world.assert_clean("terraform.tfstate", (tf.workdir / "terraform.tfstate").read_text(), CHURN)
    world.assert_clean("the TF_LOG=trace log", log.read_text(), CHURN, "[TRACE]",
                       "botocore.endpoint: Sending http request",
                       "'X-Amz-Security-Token': b'<redacted>'", "Signature=<redacted>")
    world.assert_clean("terraform's own output",
                       "".join(r.stdout + r.stderr for r in tf.history), CHURN)
    world.assert_token_sent(since)
    world.assert_emulator_log_clean()


def test_cdktf_synthesis_in_plan_and_synth_modes(world, example_app, tmp_path):
    """The example app's cdktf.out in plan mode, and in synth mode (resolved at synth time
    in this process, with the canary credentials) with the lock file it writes."""
    from cdktf import App

    since = len(world.seen)
    plan_out = tmp_path / "plan" / "cdktf.out"
    plan_out.parent.mkdir()
    app = App(outdir=str(plan_out))
    example_app.build_stack(app)
    app.synth()
    world.assert_clean("cdktf.out (plan mode)", _tree_text(plan_out), CHURN, "cdk.tf.json")

    synth_out = tmp_path / "synth" / "cdktf.out"
    lock = tmp_path / "synth" / "cleanroomsml.lock.json"
    synth_out.parent.mkdir()
    app = App(outdir=str(synth_out))
    example_app.build_stack(app, resolve="synth", lock_path=str(lock))
    app.synth()
    digest = json.loads(lock.read_text())["entries"]
    record = next(iter(digest.values()))["record"]
    world.assert_clean("the lock file written at synth", lock.read_text(), CHURN)
    world.assert_clean("cdktf.out (synth mode)", _tree_text(synth_out),
                       record["training_container_image_digest"])
    world.assert_token_sent(since)
    world.assert_emulator_log_clean()


def _tree_text(directory: Path) -> str:
    """Every file under ``directory``, path and content, as one text."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    assert files, f"nothing synthesized under {directory}"
    return "\n".join(f"{p.relative_to(directory)}\n{p.read_text()}" for p in files)



@pytest.mark.parametrize("first", list("0123456789abcdef"))
def test_a_signature_is_redacted_whole_whatever_its_first_hex_digit(first):
    """A signature starting with ``b`` once kept its first digit (``b`` was read as a bytes
    prefix, ``Signature=b<redacted>``): every form botocore logs loses the whole value."""
    from cleanroomsml_tf.output.redaction import redact

    signature = first + "0123456789abcdef" * 3 + "0123456789abcde"
    forms = {
        f"Signature={signature}": "Signature=<redacted>",
        f"'Authorization': b'AWS4 Signature={signature}'":
            "'Authorization': b'AWS4 Signature=<redacted>'",
        f"Signature:\n{signature}": "Signature:\n<redacted>",
        f"X-Amz-Signature={signature}&x=1": "X-Amz-Signature=<redacted>&x=1",
    }
    assert {text: redact(text) for text in forms} == forms
