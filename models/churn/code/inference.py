"""Serves the churn classifier in SageMaker's XGBoost container: text/csv rows in, churn probabilities out."""
import json
import os

import numpy as np
import xgboost as xgb


def model_fn(model_dir):
    booster = xgb.Booster()
    booster.load_model(os.path.join(model_dir, "xgboost-model"))
    return booster


def input_fn(body, content_type):
    if content_type != "text/csv":
        raise ValueError(f"unsupported content type {content_type!r}: send text/csv rows of features")
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    return xgb.DMatrix(np.loadtxt(body.splitlines(), delimiter=",", ndmin=2))


def predict_fn(data, model):
    return model.predict(data)


def output_fn(prediction, accept):
    scores = [float(p) for p in prediction]
    if accept == "text/csv":
        return "\n".join(repr(s) for s in scores)
    return json.dumps({"predictions": scores})
