"""Replay the Dockerfile without Docker: its COPY and RUN steps in a folder, then its ENTRYPOINT
as a non-root user, as `docker run --user ... -v sub:/submission:ro -v out:/out IMAGE 1 4` would.

    python tests/dockerfile_steps.py [--keep DIR] [--seed-cache]

- The build context is the repository less .dockerignore (Docker's rules: the last matching
  pattern wins, `!` re-includes, a pattern that matches a folder matches what is in it); it must
  hold every COPY source and none of .git, the venvs, .nox, .grader, solutions/ or the reference.
- FROM python:3.11-slim becomes a venv of a Python 3.11 at IMAGE/usr/local; WORKDIR, COPY, ENV
  and USER are done in IMAGE; each RUN runs with IMAGE/usr/local/bin first on PATH, except what
  needs root or Debian's network (apt-get, the apt lists' removal, useradd), which is listed as
  skipped (this machine's Graphviz and bubblewrap stand in for the image's).
- The run: a flat step01.py (the solution) and a step04/ folder (the skeleton) as /submission,
  an empty out/ owned by the run user; the ENTRYPOINT with the steps 1 and 4, as `nobody` when
  this runs as root (as the image's USER runs it), else as the current user. It must write
  out/step01.json, out/step04.json and out/results.json: step 1 full marks, step 4 less.

Exit status: 0 it worked, 1 a step or a check failed, 75 pip could not reach a package index
(the test skips: it needs the network), 77 this machine cannot replay it (no Python 3.11 the run
user can execute).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NEEDS_NETWORK = 75
CANNOT = 77
MUST_NOT_SHIP = (".git", ".venv", ".nox", ".grader", "solutions", "dezero", "tests", "docs", "bench")
SKIPPED = (("apt-get", "system packages: needs root and Debian's network (this machine's dot and bwrap "
                       "stand in)"),
           ("rm -rf /var/lib/apt/lists", "the apt lists' removal"),
           ("useradd", "the image's user: the run uses nobody (as root) or the current user"))
NETWORK_SIGNS = ("No matching distribution", "Could not find a version",
                 "Failed to establish a new connection",
                 "Temporary failure in name resolution", "Network is unreachable", "ProxyError")


class Failed(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# ---- the Dockerfile and .dockerignore ----


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    found, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        word, _, rest = current.strip().partition(" ")
        found.append((word.upper(), rest.strip()))
        current = ""
    return found


def _pattern(glob: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(out + r"\Z")


Rule = tuple[bool, re.Pattern[str], str]  # (excludes?, pattern, its text)


def ignore_rules(text: str) -> list[Rule]:
    """(excludes?, pattern, text) for each rule of a .dockerignore."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        glob = os.path.normpath(line.lstrip("!").strip().lstrip("/"))
        rules.append((not negate, _pattern(glob), glob))
    return rules


def ignored(rel: str, rules: list[Rule]) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parent folders wins."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for excludes, pattern, _ in rules:
        if any(pattern.match(p) for p in prefixes):
            verdict = excludes
    return verdict


def _prunable(rel: str, rules: list[Rule]) -> bool:
    """An ignored folder that no `!` rule could bring anything back from."""
    return ignored(rel, rules) and not any(not excludes and text.startswith((rel + "/", "*"))
                                           for excludes, _, text in rules)


def context(rules: list[Rule]) -> list[str]:
    """The build context's files, relative to the repository."""
    files = []
    for top, dirs, names in os.walk(REPO):
        rel_top = os.path.relpath(top, REPO)
        dirs[:] = sorted(d for d in dirs if not _prunable(os.path.normpath(os.path.join(rel_top, d)), rules))
        for name in sorted(names):
            rel = os.path.normpath(os.path.join(rel_top, name))
            if not ignored(rel, rules):
                files.append(rel)
    return files


# ---- the replay ----


class Image:
    def __init__(self, root: Path):
        self.root = root
        self.workdir = "/"
        self.env: dict[str, str] = {}
        self.user = "root"
        self.entrypoint: list[str] = []
        self.mapped = ["/usr/local", "/submission", "/out"]  # image paths that live in the folder

    def path(self, image_path: str) -> Path:
        return self.root / image_path.lstrip("/")

    def map(self, text: str) -> str:
        """An argument or value with the image's paths moved into the folder."""
        for prefix in sorted(self.mapped, key=len, reverse=True):
            if text == prefix or text.startswith(prefix + "/"):
                return str(self.path(prefix)) + text[len(prefix):]
        return text

    def run_env(self) -> dict[str, str]:
        env = {k: self.map(v) for k, v in self.env.items()}
        env["PATH"] = f"{self.path('/usr/local/bin')}:/usr/bin:/bin"
        env.setdefault("LANG", "C.UTF-8")
        return env


def base_python(run_as: list[str]) -> str:
    """A Python 3.11 that the run user can execute (the base image's)."""
    candidates = [shutil.which("python3.11") or "", "/usr/bin/python3.11", "/usr/local/bin/python3.11"]
    if sys.version_info[:2] == (3, 11):
        candidates.append(getattr(sys, "_base_executable", sys.executable))
    for python in dict.fromkeys(c for c in candidates if c):
        ok = subprocess.run([*run_as, python, "-c", "import venv, ensurepip"], capture_output=True)
        if ok.returncode == 0:
            return python
    raise Failed("no Python 3.11 with venv and ensurepip that the run user can execute", CANNOT)


def build(image: Image, steps: list[tuple[str, str]], files: list[str], run_as: list[str],
          seed_cache: bool) -> None:
    context_set = set(files)
    for word, args in steps:
        if word == "FROM":
            if not args.startswith("python:3.11"):
                raise Failed(f"FROM {args}: this replay knows python:3.11 images only")
            python = base_python(run_as)
            print(f"FROM {args}: a venv of {python} at /usr/local")
            subprocess.run([python, "-m", "venv", str(image.path("/usr/local"))], check=True)
        elif word == "WORKDIR":
            image.workdir = args if args.startswith("/") else os.path.join(image.workdir, args)
            image.mapped.append(image.workdir)
            image.path(image.workdir).mkdir(parents=True, exist_ok=True)
            print(f"WORKDIR {image.workdir}")
        elif word == "COPY":
            *sources, dest = shlex.split(args)
            _copy(image, sources, dest, context_set)
            print(f"COPY {' '.join(sources)} -> {dest}")
        elif word == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                image.env[key] = value
            print(f"ENV {args}")
        elif word == "USER":
            image.user = args
            print(f"USER {args}: the run is as {'nobody' if run_as else 'the current user'}")
        elif word == "ENTRYPOINT":
            image.entrypoint = json.loads(args)
            print(f"ENTRYPOINT {image.entrypoint}")
        elif word == "RUN":
            _run(image, args, seed_cache)
        else:
            raise Failed(f"{word}: this replay does not know that instruction")


def _copy(image: Image, sources: list[str], dest: str, context_set: set[str]) -> None:
    """Docker's COPY: a file goes to dest (or into it, when dest ends with / or there are several
    sources); a folder's contents go into dest."""
    target = image.path(dest if dest.startswith("/") else os.path.join(image.workdir, dest))
    for source in map(os.path.normpath, sources):
        if source in context_set:
            pairs = [(source, target / os.path.basename(source) if dest.endswith("/") or len(sources) > 1
                      else target)]
        else:
            pairs = [(rel, target / os.path.relpath(rel, source)) for rel in sorted(context_set)
                     if rel.startswith(source + "/")]
        if not pairs:
            raise Failed(f"COPY {source}: not in the build context (see .dockerignore)")
        for rel, to in pairs:
            to.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, to)


def _run(image: Image, args: str, seed_cache: bool) -> None:
    for part in (p.strip() for p in args.split("&&")):
        reason = next((why for start, why in SKIPPED if part.startswith(start)), None)
        if reason:
            print(f"RUN {part[:60]}…: skipped ({reason})")
            continue
        if seed_cache and "grader.report.gradescope maxima" in part:
            cache = REPO / ".grader" / "collections"
            if cache.is_dir():
                seeded = image.path(image.workdir) / ".grader" / "collections"
                shutil.copytree(cache, seeded, dirs_exist_ok=True)
                print("  (the collection cache seeded from this checkout's .grader/collections)")
        print(f"RUN {part}")
        proc = subprocess.run(["sh", "-c", part], cwd=image.path(image.workdir), env=image.run_env(),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            said = proc.stdout + proc.stderr
            if "pip" in part and any(sign in said for sign in NETWORK_SIGNS):
                raise Failed(f"RUN {part}: pip could not reach a package index:\n{said[-1500:]}",
                             NEEDS_NETWORK)
            raise Failed(f"RUN {part} failed with status {proc.returncode}:\n{said[-3000:]}")


def run(image: Image, run_as: list[str], uid: int, gid: int) -> Path:
    """`docker run --user ... -v sub:/submission:ro -v out:/out IMAGE 1 4`: the results folder."""
    sys.path.insert(0, str(REPO))
    from grader.instructor import skeleton

    submission, out = image.path("/submission"), image.path("/out")
    submission.mkdir(parents=True)
    shutil.copyfile(REPO / "solutions" / "step01" / "step01.py", submission / "step01.py")  # flat
    skeleton.generate(4, submission / "step04")
    out.mkdir(parents=True)
    os.chown(out, uid, gid)  # `mkdir -p out` by the user that --user names
    argv = [image.map(a) for a in image.entrypoint] + ["1", "4"]
    print(f"run: {' '.join(argv)}")
    env = image.run_env() | {"HOME": "/nonexistent", "TMPDIR": "/tmp"}
    proc = subprocess.run([*run_as, *argv], cwd=image.path(image.workdir), env=env, capture_output=True,
                          text=True, timeout=900)
    print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
    if proc.returncode != 0:
        raise Failed(f"the ENTRYPOINT ended with status {proc.returncode}")
    return out


def check(out: Path) -> None:
    names = sorted(p.name for p in out.iterdir())
    if names != ["results.json", "step01.json", "step04.json"]:
        raise Failed(f"out/ holds {names}, not one results file per step and results.json")
    one, four, both = (json.loads((out / name).read_text())
                       for name in ("step01.json", "step04.json", "results.json"))
    if not (one["score"] == one["max_score"] > 0 and 0 <= four["score"] < four["max_score"]):
        raise Failed(f"unexpected scores: step 1 {one['score']}/{one['max_score']}, "
                     f"step 4 {four['score']}/{four['max_score']}")
    total = (one["score"] + four["score"], one["max_score"] + four["max_score"])
    if (both["score"], both["max_score"]) != total:
        raise Failed("results.json is not the sum of the two steps")
    print(f"out/: step 1 {one['score']:g}/{one['max_score']:g}, "
          f"step 4 {four['score']:g}/{four['max_score']:g}, "
          f"results.json {both['score']:g}/{both['max_score']:g}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="replay in this (new) folder and keep it")
    parser.add_argument("--seed-cache", action="store_true",
                        help="start the image's collection cache from this checkout's (faster)")
    args = parser.parse_args(argv)
    rules = ignore_rules((REPO / ".dockerignore").read_text())
    files = context(rules)
    shipped = sorted({f.split("/")[0] for f in files} & set(MUST_NOT_SHIP))
    if shipped:
        print(f"the build context holds {shipped}: .dockerignore should leave them out", file=sys.stderr)
        return 1
    print(f"build context: {len(files)} files in {sorted({f.split('/')[0] for f in files})}")
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        run_as = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
        uid, gid = nobody.pw_uid, nobody.pw_gid
    else:
        run_as, uid, gid = [], os.getuid(), os.getgid()
    root = args.keep or Path(tempfile.mkdtemp(prefix="dockerfile-"))
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    try:
        image = Image(root)
        build(image, instructions((REPO / "Dockerfile").read_text()), files, run_as, args.seed_cache)
        check(run(image, run_as, uid, gid))
    except Failed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return exc.code
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("the Dockerfile's steps work")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
