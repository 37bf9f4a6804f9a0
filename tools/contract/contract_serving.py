"""The serve step: model.tar.gz extracted, and in a child process (contract_run.py --serve-request) the inference
toolkit's import of code/<inference module> and its handler chain on the first test row.

Part of tools/contract/contract_run.py (see its docstring); standard library only.
"""
import glob
import json
import math
import os
import sys
import tarfile

from contract_common import StepFailed, clean_environment, run_child, to_source, write_json

# The serving child runs through the entry point, as the run itself does.
ENTRY_POINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contract_run.py")


def first_csv_row(directory):
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    return path, line.strip()
    raise StepFailed(f"{directory}: no CSV row to send (test data contract: CSV files, label first, no header)")


def safe_extract(archive, target):
    root = os.path.realpath(target)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            path = os.path.realpath(os.path.join(root, member.name))
            if not (path == root or path.startswith(root + os.sep)) or member.issym() or member.islnk():
                raise StepFailed(f"{archive}: unsafe member {member.name!r}")
        tar.extractall(root)  # noqa: S202 - members checked above


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
        [sys.executable, ENTRY_POINT, "--serve-request", os.path.join(serving, "request.json")],
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
