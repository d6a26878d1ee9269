"""The demo, one command: ``python scripts/demo.py`` (``scripts/demo`` sets up and runs it).

1. start the local Clean Rooms ML endpoint with the example data (in-process);
2. synthesize the example CDKTF app (``cdktf.json``'s ``app`` command, into a temp directory);
3. install the Terraform plugin into a private mirror, with a private HOME and CLI config, so
   the user's Terraform and AWS configuration are neither read nor touched (the sandbox the
   tests and benchmarks use too: ``devtools/terraform.py``);
4. ``terraform init`` + ``apply -auto-approve`` in the synthesized stack, offline, with
   ``$TERRAFORM`` or the newest Terraform found (on PATH or provided by ``scripts/setup.sh``);
5. print the outputs; stop the endpoint and remove the temp directory — also on failure and
   Ctrl-C (Terraform and the plugin are children; they get the signal and are waited for).

Before the plugin existed the demo stopped after ``cleanroomsml-tf describe``; it still runs
that first, as a quick check that the endpoint answers.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cleanroomsml_tf.model.errors import CleanroomsmlTfError

# The checkout's development tooling (not in the wheel): the shared Terraform matrix and sandbox.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from devtools.terraform import Sandbox, newest_terraform  # noqa: E402

STACK_NAME = "churn-model"
_STARTED = time.monotonic()


class DemoError(CleanroomsmlTfError):
    """A demo step failed (the message names the step and the command's output)."""

    summary = "Demo failed"


def progress(message: str) -> None:
    """One progress line on stderr, with the seconds since start."""
    print(f"[demo {time.monotonic() - _STARTED:5.1f}s] {message}", file=sys.stderr, flush=True)


def repository_root(start: Path | None = None) -> Path:
    """The checkout holding ``cdktf.json`` (current directory first, then this file's)."""
    for base in (start or Path.cwd(), Path(__file__).resolve()):
        for candidate in (base, *base.parents):
            if (candidate / "cdktf.json").is_file():
                return candidate
    raise DemoError("cdktf.json not found: run the demo from the repository (scripts/demo)")


def terraform_binary() -> str:
    """``$TERRAFORM``, else the newest Terraform of the matrix (``devtools.terraform``: PATH and
    the versions ``scripts/setup.sh`` provides, so the demo runs with no terraform on PATH)."""
    if os.environ.get("TERRAFORM"):
        found = shutil.which(os.environ["TERRAFORM"])
        if found is None:
            raise DemoError(f"TERRAFORM={os.environ['TERRAFORM']} is not an executable")
        return found
    newest = newest_terraform()
    if newest is None:
        raise DemoError("no Terraform found: run scripts/demo (scripts/setup.sh provides one)")
    return newest.path


def terraform_environment(workdir: Path, endpoint_url: str) -> dict[str, str]:
    """A Terraform sandbox under ``workdir`` (:class:`devtools.terraform.Sandbox`: private
    HOME and CLI config, the plugin in its local mirror; the user's ``~/.terraformrc`` and
    ``~/.aws`` are never read) and the environment that uses it, with the endpoint in
    ``AWS_ENDPOINT_URL_CLEANROOMSML``. ``TF_LOG``/``TF_LOG_PATH`` pass through, for debugging.
    """
    sandbox = Sandbox.create(workdir / "terraform")
    return sandbox.environment({"AWS_ENDPOINT_URL_CLEANROOMSML": endpoint_url},
                               keep=("TF_LOG", "TF_LOG_PATH"))


def run(command: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None,
        step: str, timeout: float = 120) -> str:
    """Run a command; return stdout; raise :class:`DemoError` with its output on failure.

    On Ctrl-C or a timeout the command gets SIGTERM and time to stop its own children
    (Terraform stops the plugin), then SIGKILL: no process outlives the demo.
    """
    process = subprocess.Popen(list(command), cwd=cwd, env=dict(env) if env else None,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise DemoError(f"{step}: timed out after {timeout:.0f}s") from None
    except BaseException:
        _stop(process)
        raise
    if process.returncode != 0:
        output = (stderr.strip() or stdout.strip())[-3000:]
        raise DemoError(f"{step} failed ({shlex.join(command)}):\n{output}")
    return stdout


def _stop(process: subprocess.Popen[str]) -> None:
    """Terminate, give it 10 s to clean up, then kill; always reap."""
    if process.poll() is None:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def synthesize(root: Path, outdir: Path, env: Mapping[str, str]) -> Path:
    """Run ``cdktf.json``'s ``app`` with ``CDKTF_OUTDIR``; return the stack directory."""
    app = json.loads((root / "cdktf.json").read_text())["app"]
    command = shlex.split(app)
    if command and command[0].endswith("python") and not (root / command[0]).exists():
        command[0] = sys.executable  # installed elsewhere: this interpreter has the package
    # The app runs in the temp directory, not the checkout: cdktf's default local backend puts
    # the state file in the app's working directory, and the demo leaves no state behind.
    command = [str(root / part) if (root / part).exists() else part for part in command]
    outdir.mkdir(parents=True, exist_ok=True)
    run(command, cwd=outdir.parent, env={**env, "CDKTF_OUTDIR": str(outdir)},
        step="cdktf synth")
    stack = outdir / "stacks" / STACK_NAME
    if not (stack / "cdk.tf.json").is_file():
        raise DemoError(f"cdktf synth wrote no {stack / 'cdk.tf.json'}")
    return stack


def terraform_outputs(stack_dir: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """``terraform init`` + ``apply -auto-approve``; return ``{name: value}`` of the outputs."""
    terraform = terraform_binary()
    run([terraform, "init", "-input=false", "-no-color"], cwd=stack_dir, env=env,
        step="terraform init")
    progress("terraform init: done (provider from the local mirror)")
    run([terraform, "apply", "-auto-approve", "-input=false", "-no-color"], cwd=stack_dir,
        env=env, step="terraform apply")
    progress("terraform apply: done")
    raw = json.loads(run([terraform, "output", "-json"], cwd=stack_dir, env=env,
                         step="terraform output"))
    return {name: item.get("value") for name, item in raw.items()}


def describe(endpoint_url: str) -> dict[str, Any]:
    """The example model's record, as ``cleanroomsml-tf describe`` prints it."""
    from cleanroomsml_tf.emulator import EXAMPLE_COLLABORATION, EXAMPLE_MODEL_ARN

    out = run([sys.executable, "-m", "cleanroomsml_tf", "describe", "--trained-model-arn",
               EXAMPLE_MODEL_ARN, "--collaboration-identifier", EXAMPLE_COLLABORATION,
               "--endpoint-url",
               endpoint_url, "--timeout", "10"], step="cleanroomsml-tf describe")
    return json.loads(out)


def demo(keep: bool = False) -> int:
    """Run every step; always stop the endpoint and clean up."""
    from cleanroomsml_tf.emulator import Emulator

    root = repository_root()
    workdir = Path(tempfile.mkdtemp(prefix="cleanroomsml-demo-"))
    try:
        with Emulator() as endpoint:
            progress(f"local Clean Rooms ML endpoint: {endpoint.url} (example data)")
            record = describe(endpoint.url)
            progress(f"describe: {record['name']} {record['status']} "
                     f"version {record['version_identifier']}")
            env = terraform_environment(workdir, endpoint.url)
            progress(f"plugin installed in a private mirror under {workdir}")
            stack = synthesize(root, workdir / "cdktf.out", env)
            progress(f"cdktf synth: {stack / 'cdk.tf.json'}")
            outputs = terraform_outputs(stack, env)
        progress("endpoint stopped")
        print(json.dumps(outputs, indent=2, sort_keys=True))
        progress("done")
        return 0
    finally:
        if keep:
            progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: errors as one line (plus the failing command's output), exit 1."""
    parser = argparse.ArgumentParser(prog="python scripts/demo.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)
    try:
        return demo(keep=args.keep)
    except CleanroomsmlTfError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("demo: interrupted (endpoint stopped, temp files removed)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
