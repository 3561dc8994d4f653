#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image. Its default base image
# is Ubuntu 22.04, whose python3 is 3.10; the course needs Python 3.11 or later, so where python3
# is older, uv installs a CPython 3.11 (into a folder the student user can read, not /root) and
# makes the venv with it. Then: Graphviz, bubblewrap, the course at its pinned versions, the
# unprivileged user `student` that runs the submissions' code, and a check that every listed
# step's tests collect (which also fills the grader's collection cache).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
UV_VERSION="0.13.9"
export DEBIAN_FRONTEND=noninteractive
export UV_PYTHON_INSTALL_DIR="${UV_PYTHON_INSTALL_DIR:-/opt/uv-python}"

apt-get update -qq
apt-get install -y -qq --no-install-recommends graphviz bubblewrap util-linux ca-certificates \
    python3 python3-venv python3-pip >/dev/null

if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup: python3 is $(python3 -V 2>&1), new enough"
    python3 -m venv "$VENV"
else
    echo "setup: python3 is $(python3 -V 2>&1); installing CPython 3.11 with uv $UV_VERSION"
    pip_flags=()  # a newer system pip refuses global installs without it (PEP 668)
    if python3 -m pip install --help 2>/dev/null | grep -q -- --break-system-packages; then
        pip_flags=(--break-system-packages)
    fi
    python3 -m pip install -q "${pip_flags[@]}" "uv==$UV_VERSION"
    uv python install 3.11
    uv venv --seed --python 3.11 "$VENV"
fi
"$VENV/bin/python" -c 'import sys; assert sys.version_info >= (3, 11), "the venv has Python " + sys.version'
"$VENV/bin/python" -m pip install -q -c "$SOURCE/constraints/grading.txt" -e "$SOURCE[test,viz]"

id -u student >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin student
# Root owns the grader, the tests and the collection cache; the student user may only read them.
chmod -R go-w "$SOURCE"
chmod -R a+rX "$SOURCE" "$VENV"
[ ! -d "$UV_PYTHON_INSTALL_DIR" ] || chmod -R a+rX "$UV_PYTHON_INSTALL_DIR"

hidden=()
[ -d "$SOURCE/hidden" ] && hidden=(--hidden "$SOURCE/hidden")
read -r -a steps < "$SOURCE/steps.txt"
(cd "$SOURCE" && PYTHONPATH="$SOURCE" "$VENV/bin/python" -m grader.report.gradescope maxima "${steps[@]}" "${hidden[@]}")
