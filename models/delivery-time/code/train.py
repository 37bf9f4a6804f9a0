"""Trains the delivery-time model: scikit-learn gradient boosting regression, minutes from the order's features.

Runs in SageMaker's scikit-learn framework container (script mode). Reads the CSV files of the train
channel (label first, no header; feature order in ../sample/README.md) and saves the fitted model
with joblib as $SM_MODEL_DIR/model.joblib. Prints `validation-mae=<minutes>` for the tuner.
"""
import argparse
import glob
import os

import joblib
import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n_estimators", type=int, default=300)
    parser.add_argument("--learning_rate", type=float, default=0.05)
    parser.add_argument("--max_depth", type=int, default=3)
    parser.add_argument("--subsample", type=float, default=0.8)
    parser.add_argument("--validation_fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--model_dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    return parser.parse_args()


def load(directory):
    files = sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True))
    if not files:
        raise SystemExit(f"no CSV files under {directory}")
    data = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    return data[:, 1:], data[:, 0]


def main():
    args = parse_args()
    features, minutes = load(args.train)
    x_train, x_valid, y_train, y_valid = train_test_split(
        features, minutes, test_size=args.validation_fraction, random_state=args.seed
    )
    model = GradientBoostingRegressor(
        n_estimators=args.n_estimators,
        learning_rate=args.learning_rate,
        max_depth=args.max_depth,
        subsample=args.subsample,
        random_state=args.seed,
    )
    model.fit(x_train, y_train)
    print(f"validation-mae={mean_absolute_error(y_valid, model.predict(x_valid)):.4f}")
    model.fit(features, minutes)  # the served model learns from every row
    os.makedirs(args.model_dir, exist_ok=True)
    joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))


if __name__ == "__main__":
    main()
