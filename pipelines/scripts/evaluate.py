"""Evaluation step of the training pipeline (the blueprint's generic evaluation).

Runs in a SageMaker processing job with the model's framework image. Its folders come from the
environment (defaults in brackets):

- MLOPS_MODEL_DIR (/opt/ml/processing/model): the trained model artifact, model.tar.gz;
- MLOPS_DATA_DIR (/opt/ml/processing/data): the labelled held-out data (CSV, label in the first
  column, no header);
- MLOPS_OUTPUT_DIR (/opt/ml/processing/output): where evaluation.json and predictions.csv go;
- MLOPS_METRIC: the declared gate metric; when this script cannot compute it, it fails and says so.

How rows are scored: when the extracted model carries the team's serving code, code/<module>
(module from SAGEMAKER_PROGRAM, default inference.py), the rows go through the team's handlers like a
request to the endpoint: model_fn(model_dir), then input_fn(body, "text/csv"), predict_fn and
output_fn when defined (without input_fn the handlers get the feature matrix), so any framework
works. Without serving code, MLOPS_FRAMEWORK says how to load the artifact: xgboost (xgboost-model)
or pytorch (TorchScript model.pt).

evaluation.json:

    {"metrics": {"auc": 0.93, "accuracy": 0.88, "f1": 0.8, "precision": 0.8, "recall": 0.8,
                 "rmse": 0.31, "mae": 0.2, "r2": 0.4, "samples": 1000}}

Classification metrics (auc, accuracy, f1, precision, recall; threshold 0.5) when every label is 0
or 1; regression metrics (rmse, mae, r2) always. An undefined metric (auc of a one-class set) is
written as null, which the gate refuses. Next to it, predictions.csv holds the model's score of every
held-out row, one per line in the order of the rows read: the drift baseline
(lambda/compute-baseline) summarises it as the prediction's distribution.

Only the standard library at module level: the framework libraries are imported where they are used.
"""
import glob
import importlib
import json
import math
import os
import sys
import tarfile

MODEL_DIR = "/opt/ml/processing/model"
DATA_DIR = "/opt/ml/processing/data"
OUTPUT_DIR = "/opt/ml/processing/output"
REPORT_FILE = "evaluation.json"
PREDICTIONS_FILE = "predictions.csv"
DEFAULT_INFERENCE_MODULE = "inference.py"
CLASSIFICATION_METRICS = ("auc", "accuracy", "f1", "precision", "recall")
REGRESSION_METRICS = ("rmse", "mae", "r2")
BATCH_ROWS = 1000


def folders(environ=None):
    """(model, data, output) folders from MLOPS_MODEL_DIR, MLOPS_DATA_DIR, MLOPS_OUTPUT_DIR."""
    environ = os.environ if environ is None else environ
    return (
        environ.get("MLOPS_MODEL_DIR") or MODEL_DIR,
        environ.get("MLOPS_DATA_DIR") or DATA_DIR,
        environ.get("MLOPS_OUTPUT_DIR") or OUTPUT_DIR,
    )


def read_rows(directory):
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line:
                    rows.append([float(v) if v else math.nan for v in line.split(",")])
    if not rows:
        raise SystemExit(f"no CSV rows under {directory}")
    return rows


# ---------------------------------------------------------------------------------------- metrics


def auc(labels, scores):
    """Area under the ROC curve by the rank statistic (ties get average ranks)."""
    pairs = sorted(zip(scores, labels))
    ranks = [0.0] * len(pairs)
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(1 for _, label in pairs if label >= 0.5)
    negatives = len(pairs) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    rank_sum = sum(rank for rank, (_, label) in zip(ranks, pairs) if label >= 0.5)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def ratio(numerator, denominator):
    return numerator / denominator if denominator else math.nan


def is_binary(labels):
    return all(label in (0.0, 1.0) for label in labels)


def classification_metrics(labels, scores, threshold=0.5):
    """auc, accuracy, f1, precision, recall of 0/1 labels; a score >= threshold predicts 1."""
    predicted = [score >= threshold for score in scores]
    actual = [label == 1.0 for label in labels]
    tp = sum(1 for p, a in zip(predicted, actual) if p and a)
    fp = sum(1 for p, a in zip(predicted, actual) if p and not a)
    fn = sum(1 for p, a in zip(predicted, actual) if a and not p)
    tn = len(labels) - tp - fp - fn
    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    return {
        "auc": auc(labels, scores),
        "accuracy": (tp + tn) / len(labels),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
        "precision": precision,
        "recall": recall,
    }


def regression_metrics(labels, scores):
    """rmse, mae and r2 (1 - residual sum of squares / total sum of squares; undefined for constant labels)."""
    n = len(labels)
    residuals = [s - y for s, y in zip(scores, labels)]
    mean = sum(labels) / n
    total = sum((y - mean) ** 2 for y in labels)
    return {
        "rmse": math.sqrt(sum(r * r for r in residuals) / n),
        "mae": sum(abs(r) for r in residuals) / n,
        "r2": 1 - sum(r * r for r in residuals) / total if total else math.nan,
    }


def compute_metrics(labels, scores):
    metrics = classification_metrics(labels, scores) if is_binary(labels) else {}
    metrics.update(regression_metrics(labels, scores))
    metrics["samples"] = len(labels)
    return metrics


def check_metric(metric, metrics):
    """Fails with a message naming the declared metric and the ones this script computes for this data."""
    if metric and metric not in metrics:
        computed = ", ".join(name for name in metrics if name != "samples")
        why = "" if metric not in CLASSIFICATION_METRICS else " (classification metrics need every label to be 0 or 1)"
        raise SystemExit(
            f"evaluate.py: the declared metric {metric!r} (MLOPS_METRIC) is not computed by the generic evaluation{why}; "
            f"for this data it computes {computed}. Declare one of those, or ship an evaluation script of the model's own"
        )


def finite_or_none(metrics):
    """NaN is not JSON: an undefined metric (auc of a one-class set) is written as null, which the gate refuses."""
    return {name: (value if isinstance(value, int) or math.isfinite(value) else None) for name, value in metrics.items()}


# ---------------------------------------------------------------------------------------- scoring


def extract_model(directory=MODEL_DIR):
    """Unpacks model.tar.gz in place, refusing members that would land outside the folder."""
    root = os.path.realpath(directory)
    for archive in glob.glob(os.path.join(directory, "*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                target = os.path.realpath(os.path.join(root, member.name))
                if not (target == root or target.startswith(root + os.sep)) or member.issym() or member.islnk():
                    raise SystemExit(f"unsafe member {member.name!r} in {archive}")
            tar.extractall(root)  # noqa: S202 - members checked above (images run Pythons without filter=)


def inference_module_path(model_dir, environ=None):
    """code/<SAGEMAKER_PROGRAM> in the extracted model, or None when the model carries no serving code."""
    environ = os.environ if environ is None else environ
    name = environ.get("SAGEMAKER_PROGRAM") or DEFAULT_INFERENCE_MODULE
    path = os.path.join(model_dir, "code", name)
    return path if os.path.isfile(path) else None


def flatten(value):
    """Numbers out of a prediction: nested lists, tuples, numpy arrays, tensors (anything with tolist())."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [number for item in value for number in flatten(item)]
    return [float(value)]


def parse_response(response):
    """Scores out of output_fn's response: a JSON document of numbers, or CSV/lines of numbers."""
    if isinstance(response, tuple):  # (body, content type), as some handlers return
        response = response[0]
    if isinstance(response, (bytes, bytearray)):
        response = response.decode("utf-8")
    if not isinstance(response, str):
        return flatten(response)
    try:
        document = json.loads(response)
    except ValueError:
        return [float(v) for v in response.replace("\n", ",").split(",") if v.strip()]
    if isinstance(document, dict) and len(document) == 1:  # {"predictions": [...]}
        document = next(iter(document.values()))
    return flatten(document)


def to_csv(features):
    return "\n".join(",".join("" if math.isnan(v) else repr(v) for v in row) for row in features)


def predict_with_handlers(module_path, model_dir, features):
    """Scores the rows through the team's serving handlers, a batch of rows per request."""
    module_dir, module_file = os.path.split(module_path)
    sys.path.insert(0, module_dir)
    module = importlib.import_module(os.path.splitext(module_file)[0])
    if not hasattr(module, "model_fn"):
        raise SystemExit(f"{module_path}: no model_fn (serving contract: model_fn(model_dir) is required)")
    model = module.model_fn(model_dir)
    scores = []
    for start in range(0, len(features), BATCH_ROWS):
        batch = features[start:start + BATCH_ROWS]
        data = module.input_fn(to_csv(batch), "text/csv") if hasattr(module, "input_fn") else batch
        if hasattr(module, "predict_fn"):
            prediction = module.predict_fn(data, model)
        else:
            prediction = model.predict(data) if hasattr(model, "predict") else model(data)
        batch_scores = parse_response(module.output_fn(prediction, "text/csv")) if hasattr(module, "output_fn") else flatten(prediction)
        if len(batch_scores) != len(batch):
            raise SystemExit(
                f"{module_path}: {len(batch_scores)} scores for {len(batch)} rows "
                "(the generic evaluation needs one number per row: a score, a probability or a value)"
            )
        scores.extend(batch_scores)
    return scores


def predict_xgboost(model_dir, features):
    import xgboost  # noqa: PLC0415 - present in the XGBoost image

    booster = xgboost.Booster()
    booster.load_model(os.path.join(model_dir, "xgboost-model"))
    return [float(p) for p in booster.predict(xgboost.DMatrix(features))]


def predict_pytorch(model_dir, features):
    import torch  # noqa: PLC0415 - present in the PyTorch image

    model = torch.jit.load(os.path.join(model_dir, "model.pt"), map_location="cpu")
    tensor = torch.tensor(features, dtype=torch.float32).nan_to_num(0.0)
    with torch.no_grad():
        return [float(p) for p in model(tensor).flatten()]


def predict(rows, model_dir=MODEL_DIR):
    extract_model(model_dir)
    features = [row[1:] for row in rows]
    module_path = inference_module_path(model_dir)
    if module_path:
        return predict_with_handlers(module_path, model_dir, features)
    framework = os.environ.get("MLOPS_FRAMEWORK", "xgboost")
    if framework == "pytorch":
        return predict_pytorch(model_dir, features)
    if framework == "xgboost":
        return predict_xgboost(model_dir, features)
    raise SystemExit(
        f"evaluate.py: the model has no serving code (code/{os.environ.get('SAGEMAKER_PROGRAM') or DEFAULT_INFERENCE_MODULE}) "
        f"and MLOPS_FRAMEWORK is {framework!r}: without serving code only xgboost and pytorch artifacts can be scored"
    )


# ---------------------------------------------------------------------------------------- report


def write_predictions(scores, path):
    """One score per line, written with repr so that every float reads back exactly."""
    with open(path, "w", encoding="utf-8") as handle:
        for score in scores:
            handle.write(f"{float(score)!r}\n")


def main():
    model_dir, data_dir, output_dir = folders()
    rows = read_rows(data_dir)
    labels = [row[0] for row in rows]
    scores = predict(rows, model_dir)
    metrics = compute_metrics(labels, scores)
    check_metric(os.environ.get("MLOPS_METRIC"), metrics)
    report = {"metrics": finite_or_none(metrics)}
    os.makedirs(output_dir, exist_ok=True)
    write_predictions(scores, os.path.join(output_dir, PREDICTIONS_FILE))
    with open(os.path.join(output_dir, REPORT_FILE), "w", encoding="utf-8") as handle:
        json.dump(report, handle, allow_nan=False)
    print(json.dumps(report, allow_nan=False))


if __name__ == "__main__":
    main()
