# Shared set-up for scripts/demo and scripts/test: a virtualenv with the project's packages.
# Sourced, not run. Needs only a Python >= 3.12 on the machine (found on PATH or under pyenv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"

find_python() {
  local candidates=("${PYTHON:-}" python3.13 python3.12 python3.14)
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for dir in "$pyenv_root"/versions/3.1[234]*/bin; do candidates+=("$dir/python"); done
  candidates+=(python3)
  for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    local python
    python="$(find_python)" || { echo "Python 3.12 or newer is needed (Django 6); none was found." >&2; exit 1; }
    echo "==> creating $VENV with $("$python" --version)"
    "$python" -m venv "$VENV"
  fi
  # Reinstall only when pyproject.toml changed since the last install.
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> installing packages from pyproject.toml"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" - <<'PY' > "$VENV/requirements.txt"
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
    print(requirement)
PY
    "$VENV/bin/python" -m pip install --quiet -r "$VENV/requirements.txt"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}
