"""Trains the churn classifier: XGBoost, binary:logistic, in SageMaker's XGBoost framework container (script mode).

Reads the CSV files of the train channel (label first, no header; feature order in ../sample/README.md)
and saves the booster as $SM_MODEL_DIR/xgboost-model. Prints `validation-auc=<value>` for the tuner.
"""
import argparse
import glob
import os

import numpy as np
import xgboost as xgb


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--num_round", type=int, default=200)
    parser.add_argument("--max_depth", type=int, default=4)
    parser.add_argument("--eta", type=float, default=0.1)
    parser.add_argument("--subsample", type=float, default=0.9)
    parser.add_argument("--objective", default="binary:logistic")
    parser.add_argument("--eval_metric", default="auc")
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
    features, labels = load(args.train)
    order = np.random.default_rng(args.seed).permutation(len(labels))
    cut = int(len(labels) * (1 - args.validation_fraction))
    train, valid = order[:cut], order[cut:]
    dtrain = xgb.DMatrix(features[train], label=labels[train])
    dvalid = xgb.DMatrix(features[valid], label=labels[valid])
    params = {
        "objective": args.objective,
        "eval_metric": args.eval_metric,
        "max_depth": args.max_depth,
        "eta": args.eta,
        "subsample": args.subsample,
        "seed": args.seed,
        "nthread": os.cpu_count() or 1,
    }
    booster = xgb.train(params, dtrain, num_boost_round=args.num_round, evals=[(dvalid, "validation")], verbose_eval=50)
    name, value = booster.eval(dvalid, "validation").split()[-1].split(":")  # "[0]\tvalidation-auc:0.87"
    print(f"{name}={float(value):.5f}")
    os.makedirs(args.model_dir, exist_ok=True)
    booster.save_model(os.path.join(args.model_dir, "xgboost-model"))


if __name__ == "__main__":
    main()
