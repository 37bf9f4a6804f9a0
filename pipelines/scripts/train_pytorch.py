"""Training script of PyTorch models: a tabular binary classifier (multi-layer perceptron).

Runs as the entrypoint of a SageMaker training job on the PyTorch Deep Learning Container, on GPU
when the instance has one. Reads CSV files (label in the first column, no header) from the `train`
channel, standardises the features, trains with Adam and binary cross-entropy, and writes to
/opt/ml/model:

- model.pt: the network as TorchScript, with standardisation built in (input: raw features);
- model.json: feature count, epochs, final training loss.

Hyperparameters (strings, from /opt/ml/input/config/hyperparameters.json): epochs (20),
batch_size (512), learning_rate (0.001), hidden_units (64).
"""
import glob
import json
import os

import torch
from torch import nn

TRAIN_DIR = "/opt/ml/input/data/train"
MODEL_DIR = "/opt/ml/model"
HYPERPARAMETERS = "/opt/ml/input/config/hyperparameters.json"


def hyperparameters():
    if not os.path.exists(HYPERPARAMETERS):
        return {}
    with open(HYPERPARAMETERS, encoding="utf-8") as handle:
        return json.load(handle)


def load_csv(directory):
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            rows.extend([float(v or "nan") for v in line.strip().split(",")] for line in handle if line.strip())
    if not rows:
        raise SystemExit(f"no CSV rows under {directory}")
    data = torch.tensor(rows, dtype=torch.float32)
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
    params = hyperparameters()
    epochs = int(params.get("epochs", "20"))
    batch_size = int(params.get("batch_size", "512"))
    learning_rate = float(params.get("learning_rate", "0.001"))
    hidden = int(params.get("hidden_units", "64"))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    features, labels = load_csv(TRAIN_DIR)
    mean, std = features.mean(0), features.std(0).clamp_min(1e-6)
    model = Standardised(mean, std, hidden).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_fn = nn.BCELoss()
    dataset = torch.utils.data.TensorDataset(features, labels)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    loss = torch.tensor(0.0)
    for epoch in range(epochs):
        for x, y in loader:
            optimiser.zero_grad()
            loss = loss_fn(model(x.to(device)), y.to(device))
            loss.backward()
            optimiser.step()
        print(json.dumps({"epoch": epoch + 1, "loss": float(loss)}))

    os.makedirs(MODEL_DIR, exist_ok=True)
    torch.jit.script(model.cpu()).save(os.path.join(MODEL_DIR, "model.pt"))
    with open(os.path.join(MODEL_DIR, "model.json"), "w", encoding="utf-8") as handle:
        json.dump({"features": int(mean.numel()), "epochs": epochs, "final_loss": float(loss)}, handle)


if __name__ == "__main__":
    main()
