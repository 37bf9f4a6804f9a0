"""What every step of the local contract run shares: the failure it raises, child processes, files and output.

Part of tools/contract/contract_run.py (see its docstring); standard library only.
"""
import json
import os
import shutil
import subprocess

ROLE_VARIABLES = ("SM_", "SAGEMAKER_", "MLOPS_")


class StepFailed(Exception):
    """A broken rule; the message names the file and the rule."""


def clean_environment(extra):
    """This process's environment without SageMaker's or the blueprint's variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ROLE_VARIABLES)}
    env.update(extra)
    return env


def run_child(command, cwd, env, timeout):
    """Runs a child, echoes its output indented, returns (status, last line of stderr)."""
    try:
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, f"no result after {timeout} s"
    for stream in (result.stdout, result.stderr):
        for line in stream.splitlines():
            print(f"  | {line}")
    last = next((line for line in reversed(result.stderr.splitlines()) if line.strip()), "")
    return result.returncode, last.strip()


def copy_tree(source, target):
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2)


def to_source(message, extracted_code_dir, plan):
    """Names the team's own file rather than its copy in the model artifact: that is the file to fix."""
    return message.replace(extracted_code_dir + os.sep, plan["sourceDir"] + os.sep)
