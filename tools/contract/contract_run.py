"""Local run of the container contract a model's code follows in SageMaker, driven by a JSON plan.

    python3 tools/contract/contract_run.py --plan plan.json

Plan:

    {"model": "churn", "framework": "xgboost" | "pytorch" | "sklearn" | "tensorflow",
     "sourceDir": "/abs/models/churn/code", "trainingEntryPoint": "train.py",
     "inferenceEntryPoint": "inference.py" | null, "evaluationScript": "evaluate.py" | null,
     "genericEvaluation": "/abs/pipelines/scripts/evaluate.py", "wrapper": "/abs/pipelines/scripts/mlops_train.py",
     "hyperparameters": {"num_round": "200"}, "trainData": "/abs/train", "testData": "/abs/test",
     "metric": "auc", "workDir": "/abs/work",
     "accept": "application/json", "timeoutSeconds": 1800}

Steps, each reported as `contract: <step>: ok|FAILED <why>`:

- train: an /opt/ml-shaped tree under workDir/training (input/config/*.json, input/data/train, model,
  output, code = the source folder + the wrapper + mlops_train.json), the SM_* variables of the
  training toolkit, and the wrapper run from code/ with the hyperparameters as `--name value` arguments;
- package: the model folder holds more than the copied code/ (and code/<inference module> when one is
  declared); it is packed into workDir/model.tar.gz the way SageMaker packs /opt/ml/model;
- evaluate: the team's evaluation script (or the generic one) in a processing-shaped tree
  (workDir/processing), pointed at by MLOPS_MODEL_DIR, MLOPS_DATA_DIR, MLOPS_OUTPUT_DIR, MLOPS_METRIC;
  evaluation.json must carry a number for the declared metric;
- serve: model.tar.gz extracted into workDir/serving, code/<inference module> imported with its folder on
  sys.path (as the inference toolkit does), model_fn required, then input_fn, predict_fn and output_fn (or
  defaults close to the toolkit's) on the first test row, label removed, sent as text/csv.

The run stops at the first failed step and exits 1, naming the file and the rule. Every step runs the
team's code in a child process of this Python, which must have the framework installed; this file and its
sibling modules use only the standard library:

- contract_plan.py: the plan, loaded and checked;
- contract_training.py: the train and package steps;
- contract_evaluation.py: the evaluate step;
- contract_serving.py: the serve step, and its child process (this file with --serve-request);
- contract_common.py: StepFailed, child processes, files and output shared by the steps.
"""
import argparse
import os
import sys
import time

# The sibling modules, whatever the working directory (and with -I/-P, which leave the script's folder off sys.path);
# no __pycache__ beside them, as the one-file script wrote none (an installed package's folder may be read-only).
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

from contract_common import StepFailed  # noqa: E402
from contract_evaluation import step_evaluate  # noqa: E402
from contract_plan import load_plan  # noqa: E402
from contract_serving import serve_request, step_serve  # noqa: E402
from contract_training import step_package, step_train  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description="Runs a model's code through SageMaker's container contract, locally.")
    parser.add_argument("--plan", help="the JSON plan (see this file's docstring)")
    parser.add_argument("--serve-request", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_request:
        return serve_request(args.serve_request)
    if not args.plan:
        parser.error("--plan is required")
    try:
        plan = load_plan(args.plan)
    except StepFailed as error:
        print(f"contract: plan: FAILED {error}")
        return 1
    print(f"contract: plan: ok ({plan['model']}, {plan['framework']}, work dir {plan['workDir']})")
    started = time.monotonic()
    for name, step in (("train", step_train), ("package", step_package), ("evaluate", step_evaluate), ("serve", step_serve)):
        began = time.monotonic()
        try:
            detail = step(plan)
        except StepFailed as error:
            print(f"contract: {name}: FAILED {error}")
            return 1
        if detail is None:
            print(f"contract: {name}: skipped (no inference entry point: the framework container's default handlers serve the model)")
        else:
            print(f"contract: {name}: ok ({detail}; {time.monotonic() - began:.1f} s)")
    print(f"contract: all steps ok in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
