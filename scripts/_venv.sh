# shellcheck shell=bash
# ensure_venv SPEC: create .venv with Python >= 3.11 and install SPEC into it.
ensure_venv() {
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "syncsvc needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    exit 2
  fi
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  # Strict editable mode installs a link tree of the package that package-dir
  # assembles from syncsvc/, adapters/, models/ and cli/, so mypy can follow it.
  # It is re-made on every run, so new modules are picked up. setuptools warns
  # about that tree in a 13-line banner each time; the filter hides only that
  # warning (its message starts "Editable installation"), nothing else.
  PYTHONWARNINGS="${PYTHONWARNINGS:+$PYTHONWARNINGS,}ignore:Editable installation" \
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --config-settings editable_mode=strict -e "$1"
}
