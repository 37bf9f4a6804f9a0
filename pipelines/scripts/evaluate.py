"""Evaluation step of the training pipeline.

Runs in a SageMaker processing job with the model's framework image (MLOPS_FRAMEWORK says which:
xgboost or pytorch). Reads the trained model
artifact (model.tar.gz) from /opt/ml/processing/model and the labelled data (CSV, label in the
first column, no header) from /opt/ml/processing/data, and writes
/opt/ml/processing/output/evaluation.json:

    {"metrics": {"auc": 0.93, "accuracy": 0.88, "rmse": 0.31, "samples": 1000}}

The pipeline's quality gate reads metrics.<declared metric> from that file. Next to it,
predictions.csv holds the model's score of every held-out row, one per line in the order of the rows
read: the drift baseline (lambda/compute-baseline) summarises it as the prediction's distribution.
"""
import glob
import json
import math
import os
import tarfile

MODEL_DIR = "/opt/ml/processing/model"
DATA_DIR = "/opt/ml/processing/data"
OUTPUT = "/opt/ml/processing/output/evaluation.json"
PREDICTIONS_FILE = "predictions.csv"


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


def predict_xgboost(rows):
    import xgboost  # noqa: PLC0415 - present in the XGBoost image

    booster = xgboost.Booster()
    booster.load_model(os.path.join(MODEL_DIR, "xgboost-model"))
    return [float(p) for p in booster.predict(xgboost.DMatrix([row[1:] for row in rows]))]


def predict_pytorch(rows):
    import torch  # noqa: PLC0415 - present in the PyTorch image

    model = torch.jit.load(os.path.join(MODEL_DIR, "model.pt"), map_location="cpu")
    features = torch.tensor([row[1:] for row in rows], dtype=torch.float32).nan_to_num(0.0)
    with torch.no_grad():
        return [float(p) for p in model(features).flatten()]


def predict(rows):
    extract_model()
    framework = os.environ.get("MLOPS_FRAMEWORK", "xgboost")
    if framework == "pytorch":
        return predict_pytorch(rows)
    if framework == "xgboost":
        return predict_xgboost(rows)
    raise SystemExit(f"MLOPS_FRAMEWORK must be xgboost or pytorch, got {framework!r}")


def finite_or_none(metrics):
    """NaN is not JSON: an undefined metric (auc of a one-class set) is written as null, which the gate refuses."""
    return {name: (value if isinstance(value, int) or math.isfinite(value) else None) for name, value in metrics.items()}


def write_predictions(scores, path):
    """One score per line, written with repr so that every float reads back exactly."""
    with open(path, "w", encoding="utf-8") as handle:
        for score in scores:
            handle.write(f"{float(score)!r}\n")


def main():
    rows = read_rows(DATA_DIR)
    labels = [row[0] for row in rows]
    scores = predict(rows)
    errors = [(s - y) ** 2 for s, y in zip(scores, labels)]
    metrics = {
        "auc": auc(labels, scores),
        "accuracy": sum(1 for s, y in zip(scores, labels) if (s >= 0.5) == (y >= 0.5)) / len(rows),
        "rmse": math.sqrt(sum(errors) / len(errors)),
        "samples": len(rows),
    }
    report = {"metrics": finite_or_none(metrics)}
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    write_predictions(scores, os.path.join(os.path.dirname(OUTPUT), PREDICTIONS_FILE))
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        json.dump(report, handle, allow_nan=False)
    print(json.dumps(report, allow_nan=False))


if __name__ == "__main__":
    main()
