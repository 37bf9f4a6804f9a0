"""The train and package steps: an /opt/ml-shaped tree, the training toolkit's SM_* environment, the wrapper run
from code/ with the hyperparameters as arguments, and the model folder packed into model.tar.gz.

Part of tools/contract/contract_run.py (see its docstring); standard library only.
"""
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tarfile

from contract_common import StepFailed, clean_environment, copy_tree, run_child, write_json

WRAPPER = "mlops_train.py"
WRAPPER_SETTINGS = "mlops_train.json"
HOST = "algo-1"


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
