"""Writes the delivery-time sample data: train/train.csv (600 rows) and test/test.csv (200 rows).

Columns (no header): minutes (the delivery time), distance_km, items, hour_of_day (0-23),
courier_rating (1.0-5.0). Longer distances, more items, the lunch and dinner rushes and lower-rated
couriers take longer. Deterministic: python3 generate.py rewrites the same files.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RUSH_HOURS = {11, 12, 13, 18, 19, 20}


def row(rng):
    distance = round(rng.uniform(0.5, 15.0), 2)
    items = rng.randint(1, 12)
    hour = rng.randint(8, 23)
    rating = round(rng.uniform(3.0, 5.0), 1)
    minutes = 8 + 3.0 * distance + 0.8 * items + (9 if hour in RUSH_HOURS else 0) + 5 * (5.0 - rating) + rng.gauss(0, 3)
    return [round(max(minutes, 5.0), 1), distance, items, hour, rating]


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(",".join(str(v) for v in r) + "\n" for r in rows)


def main():
    rng = random.Random(20240603)
    write(os.path.join(HERE, "train", "train.csv"), [row(rng) for _ in range(600)])
    write(os.path.join(HERE, "test", "test.csv"), [row(rng) for _ in range(200)])


if __name__ == "__main__":
    main()
