#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq graphviz bubblewrap python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q -c /autograder/source/constraints/grading.txt \
    -e '/autograder/source[test,viz]'
