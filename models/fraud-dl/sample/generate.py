"""Writes the fraud-dl sample data: train/train.csv (800 rows) and test/test.csv (250 rows).

Columns (no header): is_fraud (0/1), amount, merchant_category (0 grocery, 1 fuel, 2 restaurants,
3 travel, 4 online retail, 5 electronics, 6 jewellery, 7 other), card_age_days, distance_from_home_km.
Large amounts, new cards, purchases far from home and electronics or jewellery are more often fraud.
Deterministic: python3 generate.py rewrites the same files.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RISKY_CATEGORIES = {5: 1.2, 6: 1.5, 4: 0.5}


def row(rng):
    amount = round(math.exp(rng.gauss(3.6, 1.0)), 2)
    category = rng.randint(0, 7)
    card_age = min(int(rng.expovariate(1 / 500.0)) + 1, 3650)
    distance = round(rng.expovariate(1 / 15.0), 1)
    logit = -6.0 + 3.0 * math.log(amount / 40.0) + 4.0 * (card_age < 60) + 0.1 * distance + 2.5 * RISKY_CATEGORIES.get(category, 0.0)
    fraud = 1 if rng.random() < 1 / (1 + math.exp(-logit)) else 0
    return [fraud, amount, category, card_age, distance]


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(",".join(str(v) for v in r) + "\n" for r in rows)


def main():
    rng = random.Random(20240602)
    write(os.path.join(HERE, "train", "train.csv"), [row(rng) for _ in range(800)])
    write(os.path.join(HERE, "test", "test.csv"), [row(rng) for _ in range(250)])


if __name__ == "__main__":
    main()
