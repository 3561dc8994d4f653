# One container grades one submission (see README, "Beyond one machine"):
#   docker build -t dezero-course .
#   mkdir -p out && docker run --rm --network none --user "$(id -u):$(id -g)" \
#       -v "$PWD/submission:/submission:ro" -v "$PWD/out:/out" dezero-course 1-10
# grades each listed step (7, or a range 1-10) of /submission, which may hold stepNN/ folders
# (at most three levels down) or flat stepNN.py files (and dezero/ for one package step), and
# writes /out/stepNN.json for each step and /out/results.json for all of them (Gradescope's
# schema). --user makes the results yours and lets the grader write to out/, which must exist
# (else Docker creates it for root). Hidden tests: add -v "$PWD/hidden:/course/hidden:ro".
# It runs the Gradescope autograder's own run_autograder; run as root (--user 0), it grades as
# the image's unprivileged user `student`. Inside an unprivileged container bubblewrap usually
# cannot make namespaces; the grader then runs without it and says so (the container is the
# isolation). tests/dockerfile_steps.py replays these steps without Docker.
FROM python:3.11-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends graphviz bubblewrap \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /course
COPY pyproject.toml conftest.py README.md ./
COPY constraints constraints
COPY grader grader
COPY steps steps
RUN pip install -q --no-cache-dir -c constraints/grading.txt -e '.[test,viz]' \
    && useradd --system --no-create-home --shell /usr/sbin/nologin student
# The grader's collection of every step's tests, made once here (read-only for the runs).
RUN python -m grader.report.gradescope maxima $(python -c "from grader import catalog; print(*catalog.available_steps())")
ENV AUTOGRADER_SOURCE=/course AUTOGRADER_SUBMISSION=/submission AUTOGRADER_RESULTS=/out \
    AUTOGRADER_PYTHON=/usr/local/bin/python
USER student
ENTRYPOINT ["bash", "/course/grader/instructor/templates/gradescope/run_autograder"]
