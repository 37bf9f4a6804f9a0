"""Trains the fraud detector: a PyTorch multi-layer perceptron, binary classification, on GPU when there is one.

Reads the CSV files of the train channel (label first, no header; feature order in ../sample/README.md),
standardises the features, trains with Adam and binary cross-entropy, and writes to $SM_MODEL_DIR:

- model.pt: the network as TorchScript with the standardisation built in (input: raw features, output: probability);
- model.json: feature count, epochs, final training loss.
"""
import argparse
import glob
import json
import os

import numpy as np
import torch
from torch import nn


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch_size", type=int, default=512)
    parser.add_argument("--learning_rate", type=float, default=0.01)
    parser.add_argument("--hidden_units", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--model_dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    return parser.parse_args()


def load(directory):
    files = sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True))
    if not files:
        raise SystemExit(f"no CSV files under {directory}")
    data = torch.tensor(np.vstack([np.genfromtxt(f, delimiter=",", ndmin=2) for f in files]), dtype=torch.float32)
    return data[:, 1:].nan_to_num(0.0), data[:, :1]


class Standardised(nn.Module):
    def __init__(self, mean, std, hidden):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.net = nn.Sequential(
            nn.Linear(mean.numel(), hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return torch.sigmoid(self.net((x - self.mean) / self.std))


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    print(f"training on {device}")

    features, labels = load(args.train)
    mean, std = features.mean(0), features.std(0).clamp_min(1e-6)
    model = Standardised(mean, std, args.hidden_units).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    loss_fn = nn.BCELoss()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(features, labels),
        batch_size=args.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(args.seed),
    )
    loss = torch.tensor(0.0)
    for epoch in range(args.epochs):
        for x, y in loader:
            optimiser.zero_grad()
            loss = loss_fn(model(x.to(device)), y.to(device))
            loss.backward()
            optimiser.step()
        print(f"epoch={epoch + 1} loss={float(loss):.5f}")

    os.makedirs(args.model_dir, exist_ok=True)
    torch.jit.script(model.cpu()).save(os.path.join(args.model_dir, "model.pt"))
    with open(os.path.join(args.model_dir, "model.json"), "w", encoding="utf-8") as handle:
        json.dump({"features": int(mean.numel()), "epochs": args.epochs, "final_loss": float(loss)}, handle)


if __name__ == "__main__":
    main()
