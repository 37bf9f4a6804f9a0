"""Serves the delivery-time model in SageMaker's scikit-learn container: text/csv rows in, minutes out."""
import io
import json
import os

import joblib
import numpy as np


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(body, content_type):
    if content_type != "text/csv":
        raise ValueError(f"unsupported content type {content_type!r}: send text/csv rows of features")
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    return np.loadtxt(io.StringIO(body), delimiter=",", ndmin=2)


def predict_fn(data, model):
    return model.predict(data)


def output_fn(prediction, accept):
    minutes = [round(float(m), 2) for m in prediction]
    if accept == "text/csv":
        return "\n".join(str(m) for m in minutes)
    return json.dumps({"predictions": minutes})
