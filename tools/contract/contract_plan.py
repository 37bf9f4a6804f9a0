"""The plan of a local contract run: loaded, checked, its paths made absolute against the plan's folder.

Part of tools/contract/contract_run.py (see its docstring for the plan's fields); standard library only.
"""
import json
import os

from contract_common import StepFailed

FRAMEWORKS = ("xgboost", "pytorch", "sklearn", "tensorflow")


def load_plan(path):
    try:
        with open(path, encoding="utf-8") as handle:
            plan = json.load(handle)
    except (OSError, ValueError) as error:
        raise StepFailed(f"{path}: cannot read the plan ({error})") from None
    if not isinstance(plan, dict):
        raise StepFailed(f"{path}: the plan must be a JSON object")
    base = os.path.dirname(os.path.abspath(path))
    required = ("model", "framework", "sourceDir", "trainingEntryPoint", "wrapper", "trainData", "testData", "metric", "workDir")
    missing = [key for key in required if not plan.get(key)]
    if missing:
        raise StepFailed(f"{path}: missing {', '.join(missing)}")
    if plan["framework"] not in FRAMEWORKS:
        raise StepFailed(f"{path}: framework must be one of {', '.join(FRAMEWORKS)}, got {plan['framework']!r}")
    if not plan.get("evaluationScript") and not plan.get("genericEvaluation"):
        raise StepFailed(f"{path}: evaluationScript is null, so genericEvaluation must give the generic evaluation script")
    for key in ("sourceDir", "wrapper", "trainData", "testData", "workDir", "genericEvaluation"):
        if plan.get(key):
            plan[key] = os.path.abspath(os.path.join(base, plan[key]))
    for key in ("sourceDir", "trainData", "testData"):
        if not os.path.isdir(plan[key]):
            raise StepFailed(f"{path}: {key} {plan[key]} is not a folder")
    hyperparameters = plan.get("hyperparameters") or {}
    if not isinstance(hyperparameters, dict):
        raise StepFailed(f"{path}: hyperparameters must be an object of strings")
    plan["hyperparameters"] = {str(k): str(v) for k, v in hyperparameters.items()}
    return plan
