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
team's code in a child process of this Python, which must have the framework installed; this file
itself uses only the standard library.
"""
import argparse
import glob
import json
import math
import multiprocessing
import os
import shutil
import subprocess
import sys
import tarfile
import time

FRAMEWORKS = ("xgboost", "pytorch", "sklearn", "tensorflow")
WRAPPER = "mlops_train.py"
WRAPPER_SETTINGS = "mlops_train.json"
REPORT = "evaluation.json"
HOST = "algo-1"
ROLE_VARIABLES = ("SM_", "SAGEMAKER_", "MLOPS_")


class StepFailed(Exception):
    """A broken rule; the message names the file and the rule."""


# ------------------------------------------------------------------------------------------- plan


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


# ------------------------------------------------------------------------------------------- helpers


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


def num_gpus():
    try:
        output = subprocess.run(["nvidia-smi", "--list-gpus"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return 0
    return sum(1 for line in output.splitlines() if line.startswith("GPU "))


def deserialise(value):
    """Hyperparameters as the training toolkit reads them: JSON when they parse, the string otherwise."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def env_value(value):
    """Environment variable representation of the training toolkit (strings as they are, the rest as compact JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def cmd_args(hyperparameters):
    """`--name value` arguments in the training toolkit's way: sorted names, `-x` for one-letter names."""
    args = []
    for name in sorted(hyperparameters):
        value = hyperparameters[name]
        args.append(f"--{name}" if len(name) > 1 else f"-{name}")
        args.append(",".join(f"{k}={v}" for k, v in sorted(value.items())) if isinstance(value, dict) else str(value))
    return args


def first_csv_row(directory):
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    return path, line.strip()
    raise StepFailed(f"{directory}: no CSV row to send (test data contract: CSV files, label first, no header)")


def to_source(message, extracted_code_dir, plan):
    """Names the team's own file rather than its copy in the model artifact: that is the file to fix."""
    return message.replace(extracted_code_dir + os.sep, plan["sourceDir"] + os.sep)


def safe_extract(archive, target):
    root = os.path.realpath(target)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            path = os.path.realpath(os.path.join(root, member.name))
            if not (path == root or path.startswith(root + os.sep)) or member.issym() or member.islnk():
                raise StepFailed(f"{archive}: unsafe member {member.name!r}")
        tar.extractall(root)  # noqa: S202 - members checked above


# ------------------------------------------------------------------------------------------- steps


def inference_files(plan):
    files = [plan["inferenceEntryPoint"]] if plan.get("inferenceEntryPoint") else []
    if os.path.isfile(os.path.join(plan["sourceDir"], "requirements.txt")) and "requirements.txt" not in files:
        files.append("requirements.txt")
    return files


def training_environment(plan, base):
    """The SM_* variables the training toolkit sets for a single-host job with one `train` channel."""
    hyperparameters = {k: deserialise(v) for k, v in plan["hyperparameters"].items() if not k.startswith("sagemaker_")}
    channels = {"train": os.path.join(base, "input", "data", "train")}
    resource_config = {
        "current_host": HOST,
        "current_instance_type": "local",
        "current_group_name": "homogeneousCluster",
        "hosts": [HOST],
        "instance_groups": [{"instance_group_name": "homogeneousCluster", "instance_type": "local", "hosts": [HOST]}],
        "network_interface_name": "eth0",
    }
    input_data_config = {"train": {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}}
    code_dir = os.path.join(base, "code")
    values = {
        "model_dir": os.path.join(base, "model"),
        "input_dir": os.path.join(base, "input"),
        "input_config_dir": os.path.join(base, "input", "config"),
        "output_dir": os.path.join(base, "output"),
        "output_data_dir": os.path.join(base, "output", "data"),
        "output_intermediate_dir": os.path.join(base, "output", "intermediate"),
        "channels": sorted(channels),
        "hps": hyperparameters,
        "user_args": cmd_args(hyperparameters),
        "user_entry_point": WRAPPER,
        "module_name": os.path.splitext(WRAPPER)[0],
        "module_dir": code_dir,
        "framework_module": "",
        "framework_params": {},
        "resource_config": resource_config,
        "input_data_config": input_data_config,
        "current_host": HOST,
        "current_instance_type": "local",
        "current_instance_group": "homogeneousCluster",
        "hosts": [HOST],
        "network_interface_name": "eth0",
        "num_cpus": multiprocessing.cpu_count(),
        "num_gpus": num_gpus(),
        "log_level": 20,
        "is_hetero": False,
    }
    values["training_env"] = {k: v for k, v in values.items() if k not in ("user_args",)}
    values["training_env"]["hyperparameters"] = hyperparameters
    values["training_env"]["channel_input_dirs"] = channels
    for name, path in channels.items():
        values[f"channel_{name}"] = path
    for name, value in hyperparameters.items():
        values[f"hp_{name}"] = value
    env = {f"SM_{name.upper()}": env_value(value) for name, value in values.items()}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (code_dir, os.environ.get("PYTHONPATH", "")) if p)
    return env, cmd_args(hyperparameters), resource_config, input_data_config


def step_train(plan):
    work = plan["workDir"]
    base = os.path.join(work, "training")
    for folder in ("training", "processing", "serving"):
        shutil.rmtree(os.path.join(work, folder), ignore_errors=True)
    if os.path.exists(os.path.join(work, "model.tar.gz")):
        os.remove(os.path.join(work, "model.tar.gz"))
    if not os.path.isfile(plan["wrapper"]):
        raise StepFailed(f"{plan['wrapper']}: the training wrapper is missing")
    env, args, resource_config, input_data_config = training_environment(plan, base)
    config = os.path.join(base, "input", "config")
    # hyperparameters.json holds every value as a string, the framework ones included (as the SageMaker API passes them).
    write_json(os.path.join(config, "hyperparameters.json"), {**plan["hyperparameters"], "sagemaker_program": WRAPPER})
    write_json(os.path.join(config, "resourceconfig.json"), resource_config)
    write_json(os.path.join(config, "inputdataconfig.json"), input_data_config)
    copy_tree(plan["trainData"], os.path.join(base, "input", "data", "train"))
    for folder in ("model", os.path.join("output", "data"), os.path.join("output", "intermediate")):
        os.makedirs(os.path.join(base, folder), exist_ok=True)
    code = os.path.join(base, "code")
    copy_tree(plan["sourceDir"], code)
    shutil.copy2(plan["wrapper"], os.path.join(code, WRAPPER))
    write_json(os.path.join(code, WRAPPER_SETTINGS), {"entryPoint": plan["trainingEntryPoint"], "inferenceFiles": inference_files(plan)})
    print(f"  $ cd {code} && python3 {WRAPPER} {' '.join(args)}")
    status, last = run_child([sys.executable, WRAPPER, *args], code, clean_environment(env), plan.get("timeoutSeconds", 1800))
    if status != 0:
        entry = os.path.join(plan["sourceDir"], plan["trainingEntryPoint"])
        why = f"exited with status {status}" if status is not None else "timed out"
        raise StepFailed(f"{entry}: training {why}: {last} (training contract: the entry point runs to the end and exits 0)")
    return "model dir " + os.path.join(base, "model")


def step_package(plan):
    model_dir = os.path.join(plan["workDir"], "training", "model")
    entries = sorted(name for name in os.listdir(model_dir) if name != "code")
    entry = os.path.join(plan["sourceDir"], plan["trainingEntryPoint"])
    if not entries:
        raise StepFailed(
            f"{entry}: the model folder {model_dir} holds nothing besides code/ "
            "(training contract: the entry point saves the model under $SM_MODEL_DIR, read from the environment)"
        )
    module = plan.get("inferenceEntryPoint")
    if module and not os.path.isfile(os.path.join(model_dir, "code", module)):
        raise StepFailed(
            f"{os.path.join(model_dir, 'code', module)}: missing (training contract: {WRAPPER} copies the inference files into $SM_MODEL_DIR/code/)"
        )
    archive = os.path.join(plan["workDir"], "model.tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        for name in sorted(os.listdir(model_dir)):
            tar.add(os.path.join(model_dir, name), arcname=name)
    return f"{archive}: {', '.join(entries)}{', code/' + module if module else ''}"


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


def step_serve(plan):
    module = plan.get("inferenceEntryPoint")
    if not module:
        return None
    serving = os.path.join(plan["workDir"], "serving")
    model_dir = os.path.join(serving, "model")
    os.makedirs(model_dir)
    safe_extract(os.path.join(plan["workDir"], "model.tar.gz"), model_dir)
    source, row = first_csv_row(plan["testData"])
    body = ",".join(row.split(",")[1:])
    request = {
        "modelDir": model_dir,
        "module": module,
        "body": body,
        "contentType": "text/csv",
        "accept": plan.get("accept", "application/json"),
        "result": os.path.join(serving, "response.json"),
    }
    write_json(os.path.join(serving, "request.json"), request)
    env = clean_environment({"SAGEMAKER_PROGRAM": module, "SAGEMAKER_SUBMIT_DIRECTORY": os.path.join(model_dir, "code")})
    print(f"  > request (first row of {source}, label removed, text/csv): {body}")
    status, last = run_child(
        [sys.executable, os.path.abspath(__file__), "--serve-request", os.path.join(serving, "request.json")],
        serving,
        env,
        plan.get("timeoutSeconds", 1800),
    )
    if os.path.isfile(request["result"]):
        with open(request["result"], encoding="utf-8") as handle:
            result = json.load(handle)
        if result.get("failed"):
            raise StepFailed(to_source(result["failed"], os.path.join(model_dir, "code"), plan))
        return f"response: {result['response']}"
    raise StepFailed(f"{os.path.join(model_dir, 'code', module)}: serving stopped with status {status}: {last}")


# ------------------------------------------------------------------------------------------- serving child


def default_input_fn(body, content_type):
    if content_type != "text/csv":
        raise ValueError(f"the default input_fn here reads text/csv, not {content_type}")
    rows = [[float(v) if v else math.nan for v in line.split(",")] for line in body.splitlines() if line.strip()]
    try:
        import numpy  # noqa: PLC0415 - the framework containers decode text/csv into numpy arrays

        return numpy.array(rows)
    except ImportError:
        return rows


def default_predict_fn(data, model):
    return model.predict(data) if hasattr(model, "predict") else model(data)


def default_output_fn(prediction, accept):
    if hasattr(prediction, "tolist"):
        prediction = prediction.tolist()
    return json.dumps(prediction)


def serve_request(path):
    """Child process of the serve step: the inference toolkit's import and handler chain, on one request."""
    with open(path, encoding="utf-8") as handle:
        request = json.load(handle)
    code_dir = os.path.join(request["modelDir"], "code")
    module_file = os.path.join(code_dir, request["module"])

    def finish(**result):
        write_json(request["result"], result)
        return 0 if "response" in result else 1

    sys.path.insert(0, code_dir)
    try:
        import importlib  # noqa: PLC0415

        handlers = importlib.import_module(os.path.splitext(request["module"])[0].replace("/", "."))
    except Exception as error:  # noqa: BLE001 - any import failure is the team's to fix
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        return finish(failed=f"{module_file}: import failed: {type(error).__name__}: {error}")
    if not hasattr(handlers, "model_fn"):
        return finish(failed=f"{module_file}: no model_fn (serving contract: model_fn(model_dir) is required)")
    chain = [
        ("model_fn", lambda _: handlers.model_fn(request["modelDir"])),
        ("input_fn", lambda _: getattr(handlers, "input_fn", default_input_fn)(request["body"], request["contentType"])),
        ("predict_fn", lambda data: getattr(handlers, "predict_fn", default_predict_fn)(data, state["model"])),
        ("output_fn", lambda prediction: getattr(handlers, "output_fn", default_output_fn)(prediction, request["accept"])),
    ]
    state = {}
    value = None
    for name, call in chain:
        try:
            value = call(value)
        except Exception as error:  # noqa: BLE001
            import traceback  # noqa: PLC0415

            traceback.print_exc()
            own = "" if hasattr(handlers, name) else " (the default handler)"
            return finish(failed=f"{module_file}: {name}{own} raised {type(error).__name__}: {error}")
        if name == "model_fn":
            state["model"] = value
            if value is None:
                return finish(failed=f"{module_file}: model_fn returned None (serving contract: model_fn(model_dir) returns the model)")
            value = None
    response = value[0] if isinstance(value, tuple) else value
    if isinstance(response, (bytes, bytearray)):
        response = response.decode("utf-8", "replace")
    if not isinstance(response, str):
        return finish(failed=f"{module_file}: output_fn returned {type(response).__name__} (serving contract: the response body is str or bytes)")
    if not response.strip():
        return finish(failed=f"{module_file}: the response is empty")
    return finish(response=response if len(response) <= 300 else response[:300] + "...")


# ------------------------------------------------------------------------------------------- main


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
