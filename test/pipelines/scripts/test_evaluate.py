"""Unit tests of the evaluation script's framework-independent parts (python3 -m unittest)."""
import io
import json
import math
import os
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "pipelines", "scripts"))
import evaluate  # noqa: E402


class AucTest(unittest.TestCase):
    def test_perfect_and_inverted_ranking(self):
        self.assertEqual(evaluate.auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1.0)
        self.assertEqual(evaluate.auc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]), 0.0)

    def test_hand_computed_with_ties(self):
        # Pairs (pos, neg): scores pos {0.4, 0.8}, neg {0.4, 0.1}.
        # (0.4 vs 0.4) tie = 0.5, (0.4 vs 0.1) = 1, (0.8 vs 0.4) = 1, (0.8 vs 0.1) = 1 -> 3.5 / 4.
        self.assertAlmostEqual(evaluate.auc([1, 0, 1, 0], [0.4, 0.4, 0.8, 0.1]), 0.875, places=12)

    def test_one_class_only_is_nan(self):
        self.assertTrue(math.isnan(evaluate.auc([1, 1], [0.2, 0.3])))


class FiniteOrNoneTest(unittest.TestCase):
    def test_nan_becomes_null_so_the_report_is_valid_json(self):
        report = evaluate.finite_or_none({"auc": math.nan, "accuracy": 0.5, "samples": 3})
        self.assertEqual(report, {"auc": None, "accuracy": 0.5, "samples": 3})


class ReadRowsTest(unittest.TestCase):
    def test_reads_every_csv_below_and_maps_blanks_to_nan(self):
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "part"))
            with open(os.path.join(folder, "part", "a.csv"), "w", encoding="utf-8") as handle:
                handle.write("1,2.5,\n0,1,3\n\n")
            rows = evaluate.read_rows(folder)
        self.assertEqual(rows[1], [0.0, 1.0, 3.0])
        self.assertTrue(math.isnan(rows[0][2]))

    def test_no_rows_is_an_error(self):
        with tempfile.TemporaryDirectory() as folder, self.assertRaises(SystemExit):
            evaluate.read_rows(folder)


class ExtractTest(unittest.TestCase):
    def test_refuses_path_traversal(self):
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(os.path.join(folder, "model.tar.gz"), "w:gz") as tar:
                data = b"x"
                info = tarfile.TarInfo("../escape.txt")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            with self.assertRaises(SystemExit):
                evaluate.extract_model(folder)
            self.assertFalse(os.path.exists(os.path.join(folder, "..", "escape.txt")))

    def test_extracts_a_normal_archive(self):
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(os.path.join(folder, "model.tar.gz"), "w:gz") as tar:
                data = b"model"
                info = tarfile.TarInfo("xgboost-model")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            evaluate.extract_model(folder)
            self.assertTrue(os.path.exists(os.path.join(folder, "xgboost-model")))


class PredictionsTest(unittest.TestCase):
    def test_one_score_per_line_that_reads_back_exactly(self):
        scores = [0.1, 1e-05, 0.30000000000000004, 1, 0.999]
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "predictions.csv")
            evaluate.write_predictions(scores, path)
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().split("\n")
        self.assertEqual(lines[-1], "")
        self.assertEqual([float(line) for line in lines[:-1]], [float(s) for s in scores])

    def test_main_writes_the_predictions_next_to_the_report(self):
        saved = (evaluate.DATA_DIR, evaluate.OUTPUT, evaluate.predict)
        with tempfile.TemporaryDirectory() as folder:
            data = os.path.join(folder, "data")
            os.makedirs(data)
            with open(os.path.join(data, "held-out.csv"), "w", encoding="utf-8") as handle:
                handle.write("1,5.0\n0,1.0\n1,4.0\n")
            evaluate.DATA_DIR = data
            evaluate.OUTPUT = os.path.join(folder, "output", "evaluation.json")
            evaluate.predict = lambda rows: [0.25 * row[1] - 0.25 for row in rows]
            try:
                evaluate.main()
            finally:
                evaluate.DATA_DIR, evaluate.OUTPUT, evaluate.predict = saved
            with open(os.path.join(folder, "output", "predictions.csv"), encoding="utf-8") as handle:
                self.assertEqual(handle.read(), "1.0\n0.0\n0.75\n")
            with open(os.path.join(folder, "output", "evaluation.json"), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle)["metrics"]["samples"], 3)


if __name__ == "__main__":
    unittest.main()
