"""Writes the churn sample data: train/train.csv (600 rows) and test/test.csv (200 rows).

Columns (no header): churned (0/1), tenure_months, monthly_charges, support_calls, contract_type
(0 month-to-month, 1 one year, 2 two years). Short tenures, high charges, many support calls and
monthly contracts churn more. Deterministic: python3 generate.py rewrites the same files.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def row(rng):
    tenure = rng.randint(1, 72)
    charges = round(rng.uniform(20.0, 120.0), 2)
    calls = min(int(rng.expovariate(0.6)), 10)
    contract = rng.choices([0, 1, 2], weights=[5, 3, 2])[0]
    logit = 1.0 - 0.06 * tenure + 0.025 * (charges - 70) + 0.45 * calls - 1.1 * contract
    churned = 1 if rng.random() < 1 / (1 + math.exp(-logit)) else 0
    return [churned, tenure, charges, calls, contract]


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(",".join(str(v) for v in r) + "\n" for r in rows)


def main():
    rng = random.Random(20240601)
    write(os.path.join(HERE, "train", "train.csv"), [row(rng) for _ in range(600)])
    write(os.path.join(HERE, "test", "test.csv"), [row(rng) for _ in range(200)])


if __name__ == "__main__":
    main()
