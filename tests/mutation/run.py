"""``make mutate``: mutation testing of the modules where a silent bug costs most.

For each target below, cosmic-ray changes the module one small mutation at a time (a `<` made
`<=`, a `True` made `False`, a `break` made `continue` …) and runs the target's tests; a mutant
the tests do not notice *survives*, and is either a missing test or shown to be equivalent in
docs/TESTING.md. The mutations are made in a scratch copy of the work tree, never in it.

    .venv/bin/python tests/mutation/run.py [TARGET …] [--keep]

Prints, per target, the mutants, how many the tests killed and each survivor (file:line, the
operator and the change), and exits 1 when any survived.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RULE_TESTS = "tests/test_rules.py tests/test_rule_findings.py"


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    tests: str
    timeout: float = 120.0


TARGETS = [
    Target("wire", "signage/contract/wire.py",
           "tests/test_wire_messages.py tests/test_wire.py tests/test_wire_limits.py"),
    Target("versions", "players/versions.py", "tests/test_versions.py"),
    Target("access", "signage/fleet/access.py", "tests/test_access.py"),
    Target("review", "signage/catalogue/rules/review.py", RULE_TESTS),
    Target("docnumbers", "signage/catalogue/rules/docnumbers.py", RULE_TESTS),
    Target("phones", "signage/catalogue/rules/phones.py", RULE_TESTS),
    Target("phone-text", "signage/text/phones.py", f"tests/test_phones.py {RULE_TESTS}"),
    Target("secrecy", "signage/catalogue/rules/secrecy.py", f"tests/test_secrecy.py {RULE_TESTS}"),
]


def _copy_tree(into: Path) -> None:
    """The work tree as git sees it (tracked and untracked-but-not-ignored files)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, listed):
        source = REPO / os.fsdecode(name)
        if source.is_file():
            target = into / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)


def _config(target: Target, tree: Path) -> Path:
    config = tree / f"cosmic-ray-{target.name}.toml"
    python = Path(sys.executable)
    command = f"{python} -m pytest -q -x -p no:randomly -p no:cacheprovider {target.tests}"
    config.write_text(f"""[cosmic-ray]
module-path = "{target.module}"
timeout = {target.timeout}
excluded-modules = []
test-command = "{command}"

[cosmic-ray.distributor]
name = "local"
""", "utf-8")
    return config


def _annotation_rows(module: Path) -> set[int]:
    """Lines holding type annotations: under ``from __future__ import annotations`` they are
    never evaluated, so a mutant there (``X | None`` made ``X + None``) is equivalent."""
    rows: set[int] = set()
    for node in ast.walk(ast.parse(module.read_text("utf-8"))):
        notes = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            notes.append(node.returns)
        elif isinstance(node, ast.arg | ast.AnnAssign):
            notes.append(node.annotation)
        for note in filter(None, notes):
            rows.update(range(note.lineno, (note.end_lineno or note.lineno) + 1))
    return rows


def _survivors(session: Path, module: Path) -> tuple[int, int, int, list[str]]:
    """(mutants, killed, equivalent annotation mutants, survivors)."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT m.module_path, m.start_pos_row, m.operator_name, m.occurrence, r.test_outcome "
            "FROM mutation_specs m JOIN work_results r ON r.job_id = m.job_id").fetchall()
    annotations = _annotation_rows(module)
    survived, equivalent = [], 0
    for path, row, operator, occurrence, outcome in rows:
        if str(outcome).lower() != "survived":
            continue
        if row in annotations and operator.startswith("core/ReplaceBinaryOperator_BitOr"):
            equivalent += 1
        else:
            survived.append(f"{path}:{row} {operator} #{occurrence}")
    killed = sum(1 for *_, outcome in rows if str(outcome).lower() == "killed")
    return len(rows), killed, equivalent, sorted(survived)


def run(target: Target, keep: bool) -> int:
    tree = Path(tempfile.mkdtemp(prefix=f"mutate-{target.name}-"))
    try:
        _copy_tree(tree)
        config, session = _config(target, tree), tree / f"{target.name}.sqlite"
        env = {**os.environ, "PYTHONPATH": str(tree)}  # the copy, not the installed tree
        started = time.monotonic()
        for step in (["cosmic-ray", "init", str(config), str(session)],
                     ["cosmic-ray", "baseline", str(config)],
                     ["cosmic-ray", "exec", str(config), str(session)]):
            done = subprocess.run([str(Path(sys.executable).with_name(step[0])), *step[1:]], cwd=tree,
                                  env=env, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"{target.name}: {' '.join(step[:2])} failed:\n{done.stdout}{done.stderr}")
                return 1
        total, killed, equivalent, survived = _survivors(session, tree / target.module)
        print(f"{target.name} ({target.module}): {total} mutants, {killed} killed, {equivalent} equivalent "
              f"(annotations), {len(survived)} survived in {time.monotonic() - started:.0f} s")
        for line in survived:
            print(f"  survived: {line}")
        return 1 if survived else 0
    finally:
        if keep:
            print(f"  kept {tree}")
        else:
            shutil.rmtree(tree, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", choices=[t.name for t in TARGETS] + [[]], default=[])
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies (to inspect)")
    args = parser.parse_args()
    chosen = [t for t in TARGETS if not args.targets or t.name in args.targets]
    return max(run(target, args.keep) for target in chosen)


if __name__ == "__main__":
    sys.exit(main())
