"""The delivery-time model's own evaluation: mean absolute error and root mean squared error, in minutes.

Runs in the evaluation processing job instead of the blueprint's generic script. Folders from the
environment: MLOPS_MODEL_DIR (model.tar.gz), MLOPS_DATA_DIR (CSV, minutes first, no header),
MLOPS_OUTPUT_DIR (evaluation.json, predictions.csv); defaults under /opt/ml/processing.
"""
import glob
import json
import os
import tarfile

import joblib
import numpy as np

MODEL_DIR = os.environ.get("MLOPS_MODEL_DIR", "/opt/ml/processing/model")
DATA_DIR = os.environ.get("MLOPS_DATA_DIR", "/opt/ml/processing/data")
OUTPUT_DIR = os.environ.get("MLOPS_OUTPUT_DIR", "/opt/ml/processing/output")


def main():
    with tarfile.open(os.path.join(MODEL_DIR, "model.tar.gz")) as tar:
        tar.extract("model.joblib", MODEL_DIR)
    model = joblib.load(os.path.join(MODEL_DIR, "model.joblib"))

    files = sorted(glob.glob(os.path.join(DATA_DIR, "**", "*.csv"), recursive=True))
    data = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    minutes, predicted = data[:, 0], model.predict(data[:, 1:])
    errors = predicted - minutes
    metrics = {
        "mae": float(np.mean(np.abs(errors))),
        "rmse": float(np.sqrt(np.mean(errors**2))),
        "samples": int(len(minutes)),
    }

    os.makedirs(OUTPUT_DIR, exist_ok=True)
    np.savetxt(os.path.join(OUTPUT_DIR, "predictions.csv"), predicted, fmt="%.6f")
    with open(os.path.join(OUTPUT_DIR, "evaluation.json"), "w", encoding="utf-8") as handle:
        json.dump({"metrics": metrics}, handle)
    print(json.dumps({"metrics": metrics}))


if __name__ == "__main__":
    main()
