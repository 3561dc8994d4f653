# One container grades one submission (see README, "Beyond one machine"):
#   docker build -t dezero-course .
#   docker run --rm -v "$PWD/submission:/submission:ro" -v "$PWD/out:/out" dezero-course 7
# grades /submission/step07 and writes /out/results.json (Gradescope's schema). Inside an
# unprivileged container bubblewrap usually cannot make namespaces; --sandbox auto then grades
# without it and says so in the report (the container is the isolation).
FROM python:3.11-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends graphviz bubblewrap \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /course
COPY pyproject.toml conftest.py README.md ./
COPY constraints constraints
COPY grader grader
COPY steps steps
RUN pip install -q -c constraints/grading.txt -e '.[test,viz]' && useradd --create-home student
USER student
ENTRYPOINT ["sh", "-c", "step=$(printf '%02d' \"$1\"); exec python -m grader grade \"$1\" --target /submission/step$step --gradescope /out/results.json", "grade"]
