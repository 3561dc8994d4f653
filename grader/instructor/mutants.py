"""How often the diagnosis names the right TODO: a benchmark on mutated solutions.

For every step, single-block mutations of the solution, in the step's own blocks only:
- operator: one `+` ↔ `-` or `*` ↔ `/` (also in `+=`, `-=`, `*=`, `/=`);
- delete: one simple statement replaced by `pass`;
- constant: one integer constant n → n + 1 or n - 1;
- inplace: `a = a + b` → `a += b`, or `a += b` → `a = a + (b)` (a new array instead of in place).
A mutant must compile and differ from the solution. With a fixed seed, up to PER_STEP mutants per
step are drawn, one TODO after another in a shuffled order. Each is graded as a submission
(grader.runner.run_step); over the mutants that fail some test, the benchmark counts how often
the likeliest TODO of grader.diagnosis is the mutated one (a tie counts as a miss), and, for
comparison, how often the first TODO block of a card made from the tags alone is.

`python -m grader diagnosis` (`nox -s diagnosis`) prints a table per stage and overall; it is
not part of `nox -s tests`.
"""

from __future__ import annotations

import ast
import io
import json
import os
import random
import re
import tempfile
import time
import tokenize
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader import catalog, diagnosis
from grader.instructor import skeleton, snapshots
from grader.pool import COURSE, serving
from grader.results import Outcome, StepResult
from grader.runner import RunOptions, run_step
from grader.targets import Target

PER_STEP = 4
SEED = 0
STAGES = ((1, 10), (11, 24), (25, 36), (37, 52), (53, 60))  # docs/course.md
SWAPS = {"+": "-", "-": "+", "*": "/", "/": "*", "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*="}
NEW_TO_INPLACE = re.compile(r"^(?P<indent>\s*)(?P<target>[\w.]+(?:\[[^\]]*\])?) = (?P=target) "
                            r"(?P<op>[-+*/]) (?P<rest>.+?)\s*$")
INPLACE_TO_NEW = re.compile(r"^(?P<indent>\s*)(?P<target>[\w.]+(?:\[[^\]]*\])?) (?P<op>[-+*/])= "
                            r"(?P<rest>.+?)\s*$")
COMPOUND = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef,
            ast.AsyncFunctionDef, ast.AsyncFor, ast.AsyncWith, ast.Match)


@dataclass(frozen=True)
class Mutation:
    step: int
    todo: str
    kind: str  # operator | delete | constant | inplace
    file: str  # relative path in the snapshot
    line: int  # 1-based line of the change
    before: str
    after: str
    text: str = field(repr=False, default="")  # the whole mutated file

    @property
    def label(self) -> str:
        return f"{self.file}:{self.line} {self.before.strip()!r} -> {self.after.strip()!r}"


def _replace_line(lines: list[str], n: int, new: str) -> str:
    return "".join(lines[:n] + [new] + lines[n + 1:])


def mutations_of_block(step: int, rel: str, source: str, block: skeleton.Block) -> list[Mutation]:
    """Every mutation of one block's body (file lines begin+1 .. end-1, 0-based)."""
    lines = source.splitlines(keepends=True)
    first, last = block.begin + 1, block.end - 1  # the body's lines
    out: list[Mutation] = []

    def add(kind: str, n: int, new_line: str) -> None:
        text = _replace_line(lines, n, new_line)
        if text == source:
            return
        try:
            compile(text, rel, "exec")
        except SyntaxError:
            return
        out.append(Mutation(step, block.id, kind, rel, n + 1, lines[n], new_line, text))

    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        n = tok.start[0] - 1
        if not first <= n <= last or tok.start[0] != tok.end[0]:
            continue
        line, (c0, c1) = lines[n], (tok.start[1], tok.end[1])
        if tok.type == tokenize.OP and tok.string in SWAPS:
            add("operator", n, line[:c0] + SWAPS[tok.string] + line[c1:])
        elif tok.type == tokenize.NUMBER and tok.string.isdigit():
            value = int(tok.string)
            add("constant", n, line[:c0] + str(value + 1) + line[c1:])
            if value > 0:
                add("constant", n, line[:c0] + str(value - 1) + line[c1:])
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and not isinstance(node, COMPOUND) and first <= node.lineno - 1 <= last:
            end = (node.end_lineno or node.lineno) - 1
            if end > last:
                continue
            start = lines[node.lineno - 1]
            indent = start[: len(start) - len(start.lstrip())]
            text = "".join(lines[: node.lineno - 1] + [f"{indent}pass\n"] + lines[end + 1:])
            try:
                compile(text, rel, "exec")
            except SyntaxError:
                continue
            before = "".join(lines[node.lineno - 1: end + 1])
            out.append(Mutation(step, block.id, "delete", rel, node.lineno, before, f"{indent}pass\n", text))
    for n in range(first, last + 1):
        line = lines[n]
        if m := NEW_TO_INPLACE.match(line):
            add("inplace", n, f"{m['indent']}{m['target']} {m['op']}= {m['rest']}\n")
        elif m := INPLACE_TO_NEW.match(line):
            add("inplace", n, f"{m['indent']}{m['target']} = {m['target']} {m['op']} ({m['rest']})\n")
    return out


def mutations(step: int) -> list[Mutation]:
    """Every mutation of the step's own blocks in its solution snapshot."""
    prefix = f"{catalog.step_name(step)}."
    out = []
    for rel, src in snapshots.files(step).items():
        if src.suffix not in skeleton.CODE_SUFFIXES:
            continue
        source = src.read_text(encoding="utf-8")
        for block in skeleton.parse_blocks(source, rel):
            if block.id.startswith(prefix):
                out += mutations_of_block(step, rel, source, block)
    return out


def sample(step: int, per_step: int = PER_STEP, seed: int = SEED) -> list[Mutation]:
    """Up to per_step mutations, drawn with a fixed seed: one TODO after another (in a shuffled
    order), for each a kind of mutation at random among the ones its block allows, then one of them."""
    rng = random.Random(f"{seed}:{step}")
    pool: dict[str, dict[str, list[Mutation]]] = {}
    for m in mutations(step):
        pool.setdefault(m.todo, {}).setdefault(m.kind, []).append(m)
    todos = sorted(pool)
    rng.shuffle(todos)
    picked: list[Mutation] = []
    while len(picked) < per_step and any(pool[todo] for todo in todos):
        for todo in todos:
            if not pool[todo] or len(picked) >= per_step:
                continue
            kind = rng.choice(sorted(pool[todo]))
            choices = pool[todo][kind]
            picked.append(choices.pop(rng.randrange(len(choices))))
            if not choices:
                del pool[todo][kind]
    return picked


@dataclass
class Graded:
    """One graded mutant."""

    mutation: Mutation
    failing: list[str]
    passing: list[str]
    tags: dict[str, str | None]
    messages: dict[str, str]  # failing test → what the scorecard says of it
    ranking: list[tuple[str, float]] | None  # None: no map for the step
    top: str | None
    tags_first: str | None  # the first TODO block a card made from the tags alone shows
    hinted: list[str]  # other TODOs whose block on the card still gives a hint (correct code)
    tags_hinted: list[str]  # the same on a card made from the tags alone

    @property
    def caught(self) -> bool:
        return bool(self.failing)

    @property
    def hit(self) -> bool:
        return self.top == self.mutation.todo

    @property
    def tags_hit(self) -> bool:
        return self.tags_first == self.mutation.todo


def as_submitted(source: str, step: int, where: str = "<source>") -> str:
    """A solution file as a student hands it in: the step's own blocks between their TODO comments
    (as the skeleton leaves them, the answer written in), the other blocks without fences."""
    lines = source.splitlines(keepends=True)
    out, last = [], 0
    prefix = f"{catalog.step_name(step)}."
    for block in skeleton.parse_blocks(source, where):
        out.extend(lines[last: block.begin])
        if block.id.startswith(prefix):
            out += [f"{block.indent}# TODO({block.id}): {block.text}\n", block.body,
                    f"{block.indent}# END TODO({block.id})\n"]
        else:
            out.append(block.body)
        last = block.end + 1
    out.extend(lines[last:])
    return "".join(out)


def write_mutant(m: Mutation, dest: Path) -> Path:
    """The step's full solution in the student's layout, with the mutation in its file."""
    for rel, src in snapshots.files(m.step).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in skeleton.CODE_SUFFIXES:
            text = m.text if rel == m.file else src.read_text(encoding="utf-8")
            path.write_text(as_submitted(text, m.step, rel), encoding="utf-8")
        else:
            path.write_bytes(src.read_bytes())
    return dest


def judge(m: Mutation, result: StepResult) -> Graded:
    prefix = f"steps/{catalog.step_name(m.step)}/"
    visible = [t for t in result.applicable if t.nodeid.startswith(prefix)]
    failing = [t.name for t in visible if t.outcome != Outcome.PASSED]
    passing = [t.name for t in visible if t.outcome == Outcome.PASSED]
    diagnosed = diagnosis.diagnose(result)
    ranking = diagnosed.ranking if diagnosed else None
    top = diagnosed.likely if diagnosed else None
    blamed = sorted({t.todo for t in visible if t.outcome != Outcome.PASSED and t.todo})
    messages = {t.name: f"{t.outcome}: {t.message}" for t in visible if t.outcome != Outcome.PASSED}
    hinted = sorted(f.todo for f in result.todos
                    if f.state == "failing" and not getattr(f, "follows", "") and f.todo != m.todo)
    return Graded(m, failing, passing, {t.name: t.todo for t in visible}, messages,
                  None if ranking is None else [(r.todo, round(r.score, 3)) for r in ranking],
                  top.todo if top else None, blamed[0] if blamed else None, hinted,
                  [todo for todo in blamed if todo != m.todo])


def run(steps: list[int], per_step: int = PER_STEP, seed: int = SEED, jobs: int | None = None,
        progress: bool = True) -> list[Graded]:
    """Grade the sampled mutants of the steps."""
    jobs = jobs or os.cpu_count() or 2
    picked = [m for step in steps for m in sample(step, per_step, seed)]
    done = 0
    start = time.monotonic()
    with serving(), tempfile.TemporaryDirectory(prefix="mutants-") as tmp, ThreadPoolExecutor(jobs) as pool:
        futures: list[tuple[Mutation, Future[StepResult]]] = []
        for i, m in enumerate(picked):
            root = write_mutant(m, Path(tmp) / f"m{i:03d}" / catalog.step_name(m.step))
            opts = RunOptions(Target("submission", m.step, root), hint_level=1, group=COURSE)
            futures.append((m, pool.submit(run_step, opts)))
        out = []
        for m, f in futures:
            out.append(judge(m, f.result()))
            done += 1
            if progress:
                print(f"  {done}/{len(picked)} mutants graded ({time.monotonic() - start:.0f} s)", end="\r",
                      flush=True)
    if progress:
        print()
    return out


def _pct(n: int, d: int) -> str:
    return f"{n:>4}/{d:<4} {100 * n / d:5.1f} %" if d else f"{n:>4}/{d:<4}     -  "


def table(outcomes: list[Graded]) -> str:
    rows = [f"{'stage':<7}{'steps':<8}{'mutants':>8}{'caught':>8}   {'diagnosis top = mutated':<24}"
            f"{'tags, first block':<20}{'hints on correct TODOs':>24}",
            f"{'':<34}{'(a tie is a miss)':<24}{'(before)':<20}{'diagnosis / tags':>24}"]

    def row(name: str, span: str, group: list[Graded]) -> str:
        caught = [o for o in group if o.caught]
        wrong = f"{sum(len(o.hinted) for o in caught)} / {sum(len(o.tags_hinted) for o in caught)}"
        return (f"{name:<7}{span:<8}{len(group):>8}{len(caught):>8}   "
                f"{_pct(sum(o.hit for o in caught), len(caught)):<24}"
                f"{_pct(sum(o.tags_hit for o in caught), len(caught)):<20}{wrong:>24}")

    for i, (lo, hi) in enumerate(STAGES, 1):
        group = [o for o in outcomes if lo <= o.mutation.step <= hi]
        if group:
            rows.append(row(str(i), f"{lo}-{hi}", group))
    rows.append(row("all", "", outcomes))
    return "\n".join(rows)


def misses(outcomes: list[Graded]) -> list[str]:
    return [f"  step {o.mutation.step:02d} {o.mutation.todo} {o.mutation.kind}: {o.mutation.label}; "
            f"diagnosis: {o.top or ('a tie' if o.ranking else 'no map' if o.ranking is None else 'nothing')}"
            for o in outcomes if o.caught and not o.hit]


def main(steps: list[int], per_step: int = PER_STEP, seed: int = SEED, jobs: int | None = None,
         json_out: Path | None = None, show_misses: bool = True) -> int:
    """Run the benchmark and print the tables; 0 (a measurement, not a check)."""
    from grader.instructor import diagnosis_map

    stale = diagnosis_map.stale_steps(steps)
    if stale:
        print(f"note: the diagnosis map is stale for steps {catalog.describe_steps(sorted(stale))} "
              "(`python -m grader diagnosis --write`); those steps fall back to the tags")
    started = time.monotonic()
    outcomes = run(steps, per_step, seed, jobs)
    print(f"diagnosis accuracy: seed {seed}, up to {per_step} mutants per step, "
          f"{time.monotonic() - started:.0f} s")
    print(table(outcomes))
    survived = [o for o in outcomes if not o.caught]
    print(f"{len(survived)} mutant(s) failed no test (left out)")
    if show_misses:
        found = misses(outcomes)
        if found:
            print("misses:")
            print("\n".join(found))
    if json_out:
        rows = [{**asdict(o), "mutation": {k: v for k, v in asdict(o.mutation).items() if k != "text"}}
                for o in outcomes]
        json_out.write_text(json.dumps(rows, indent=1))
    return 0


__all__ = ["Mutation", "main", "mutations", "run", "sample", "table"]
