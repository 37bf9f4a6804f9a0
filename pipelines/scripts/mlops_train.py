"""Training wrapper: the program the SageMaker training toolkit runs (`sagemaker_program`).

The toolkit extracts the source package (the team's code folder plus this file and mlops_train.json)
and runs this file from its root with the hyperparameters as `--name value` arguments. The wrapper

1. reads mlops_train.json next to it: {"entryPoint": "train.py", "inferenceFiles": ["inference.py", ...]};
2. checks that the entry point and every inference file are in the package (before any training time is spent);
3. runs the entry point as `__main__` with the same arguments, as if the toolkit had run it;
4. after a successful run, copies each inference file into $SM_MODEL_DIR/code/ (/opt/ml/model/code when
   SM_MODEL_DIR is unset), so that the model artifact carries the code that serves it.

Any failure exits nonzero with a message naming the file and the rule. Standard library only: it runs
in every framework container before the team's requirements matter.
"""
import json
import os
import runpy
import shutil
import sys

SETTINGS_FILE = "mlops_train.json"
DEFAULT_MODEL_DIR = "/opt/ml/model"


class ContractError(Exception):
    """A broken rule of the training contract; the message names the file and the rule."""


def package_root():
    return os.path.dirname(os.path.abspath(__file__))


def read_settings(root):
    path = os.path.join(root, SETTINGS_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            settings = json.load(handle)
    except FileNotFoundError:
        raise ContractError(f"{path}: missing (the wrapper's settings travel next to it in the source package)") from None
    except json.JSONDecodeError as error:
        raise ContractError(f"{path}: not valid JSON ({error})") from None
    entry = settings.get("entryPoint") if isinstance(settings, dict) else None
    files = settings.get("inferenceFiles", []) if isinstance(settings, dict) else None
    if not isinstance(entry, str) or not entry:
        raise ContractError(f'{path}: "entryPoint" must name the training script, relative to the package root')
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        raise ContractError(f'{path}: "inferenceFiles" must be a list of file names, relative to the package root')
    return entry, files


def inside(root, relative):
    """The absolute path of `relative` under `root`, refusing paths that leave it."""
    path = os.path.realpath(os.path.join(root, relative))
    if os.path.isabs(relative) or not path.startswith(os.path.realpath(root) + os.sep):
        raise ContractError(f"{SETTINGS_FILE}: {relative!r} must be a path relative to the source package root")
    return path


def check_package(root, entry, files):
    entry_path = inside(root, entry)
    if not os.path.isfile(entry_path):
        raise ContractError(
            f"{entry}: training entry point not found in the source package {root} "
            f"(training contract: {SETTINGS_FILE} 'entryPoint' names a script of the team's code folder)"
        )
    for name in files:
        if not os.path.isfile(inside(root, name)):
            raise ContractError(
                f"{name}: inference file not found in the source package {root} "
                f"(training contract: every {SETTINGS_FILE} 'inferenceFiles' entry is copied into $SM_MODEL_DIR/code/, "
                "so the model artifact carries its serving code)"
            )
    return entry_path


def run_entry_point(entry_path, args):
    """Runs the team's script as the toolkit would: as __main__, argv = [script, *args], its folder first on sys.path."""
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [entry_path, *args]
    sys.path.insert(0, os.path.dirname(entry_path))
    try:
        runpy.run_path(entry_path, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def copy_inference_files(root, files, model_dir):
    target = os.path.join(model_dir, "code")
    os.makedirs(target, exist_ok=True)
    for name in files:
        destination = os.path.join(target, name)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(inside(root, name), destination)
    return target


def main(args=None):
    args = sys.argv[1:] if args is None else args
    root = package_root()
    try:
        entry, files = read_settings(root)
        entry_path = check_package(root, entry, files)
    except ContractError as error:
        print(f"mlops_train.py: {error}", file=sys.stderr)
        return 2
    run_entry_point(entry_path, args)
    model_dir = os.environ.get("SM_MODEL_DIR", DEFAULT_MODEL_DIR)
    if files:
        target = copy_inference_files(root, files, model_dir)
        print(f"mlops_train.py: copied {', '.join(files)} into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
