"""The evaluate step: the team's evaluation script (or the generic one) in a processing-shaped tree, and the
metric it reports in evaluation.json.

Part of tools/contract/contract_run.py (see its docstring); standard library only.
"""
import json
import math
import os
import shutil
import sys

from contract_common import StepFailed, clean_environment, copy_tree, run_child, to_source

REPORT = "evaluation.json"


def numeric(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def step_evaluate(plan):
    base = os.path.join(plan["workDir"], "processing")
    model_dir, data_dir, output_dir, code = (os.path.join(base, f) for f in ("model", "data", "output", "code"))
    os.makedirs(model_dir)
    os.makedirs(output_dir)
    shutil.copy2(os.path.join(plan["workDir"], "model.tar.gz"), model_dir)
    copy_tree(plan["testData"], data_dir)
    if plan.get("evaluationScript"):
        copy_tree(plan["sourceDir"], code)
        script_path = os.path.join(plan["sourceDir"], plan["evaluationScript"])
        script = os.path.join(code, plan["evaluationScript"])
        if not os.path.isfile(script):
            raise StepFailed(f"{script_path}: the evaluation script is missing from the source folder")
    else:
        os.makedirs(code)
        script_path = plan["genericEvaluation"]
        script = os.path.join(code, os.path.basename(script_path))
        shutil.copy2(script_path, script)
    env = {
        "MLOPS_MODEL_DIR": model_dir,
        "MLOPS_DATA_DIR": data_dir,
        "MLOPS_OUTPUT_DIR": output_dir,
        "MLOPS_METRIC": plan["metric"],
        "MLOPS_FRAMEWORK": plan["framework"],
    }
    if plan.get("inferenceEntryPoint"):
        env["SAGEMAKER_PROGRAM"] = plan["inferenceEntryPoint"]
    status, last = run_child([sys.executable, script], code, clean_environment(env), plan.get("timeoutSeconds", 1800))
    if status != 0:
        why = f"exited with status {status}" if status is not None else "timed out"
        raise StepFailed(f"{script_path}: evaluation {why}: {to_source(last, os.path.join(model_dir, 'code'), plan)}")
    report_path = os.path.join(output_dir, REPORT)
    metric = plan["metric"]
    rule = f'(metrics contract: {{"metrics": {{"{metric}": <number>}}}})'
    if not os.path.isfile(report_path):
        raise StepFailed(f"{script_path}: wrote no {REPORT} into $MLOPS_OUTPUT_DIR {rule}")
    try:
        with open(report_path, encoding="utf-8") as handle:
            report = json.load(handle)
    except ValueError as error:
        raise StepFailed(f"{script_path}: {REPORT} is not valid JSON ({error}) {rule}") from None
    metrics = report.get("metrics") if isinstance(report, dict) else None
    value = metrics.get(metric) if isinstance(metrics, dict) else None
    if not numeric(value):
        raise StepFailed(f"{script_path}: {REPORT} has no numeric metric '{metric}' {rule}")
    return f"{metric}={value:.4g}, report {report_path}"
