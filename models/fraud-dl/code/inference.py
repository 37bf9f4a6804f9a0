"""Serves the fraud detector in SageMaker's PyTorch container: text/csv rows in, fraud probabilities out."""
import io
import json
import os

import numpy as np
import torch

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def model_fn(model_dir):
    model = torch.jit.load(os.path.join(model_dir, "model.pt"), map_location=DEVICE)
    return model.eval()


def input_fn(body, content_type):
    if content_type != "text/csv":
        raise ValueError(f"unsupported content type {content_type!r}: send text/csv rows of features")
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    rows = np.genfromtxt(io.StringIO(body), delimiter=",", ndmin=2)
    return torch.tensor(rows, dtype=torch.float32).nan_to_num(0.0)


def predict_fn(data, model):
    with torch.no_grad():
        return model(data.to(DEVICE)).flatten().cpu()


def output_fn(prediction, accept):
    scores = [float(p) for p in prediction]
    if accept == "text/csv":
        return "\n".join(repr(s) for s in scores)
    return json.dumps({"predictions": scores})
