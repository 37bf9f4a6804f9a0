"""Unit tests of the evaluation script's framework-independent parts (python3 -m unittest)."""
import contextlib
import io
import json
import math
import os
import sys
import tarfile
import tempfile
import unittest
from unittest import mock

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
        saved = evaluate.predict
        with tempfile.TemporaryDirectory() as folder:
            data = os.path.join(folder, "data")
            os.makedirs(data)
            with open(os.path.join(data, "held-out.csv"), "w", encoding="utf-8") as handle:
                handle.write("1,5.0\n0,1.0\n1,4.0\n")
            environ = {"MLOPS_DATA_DIR": data, "MLOPS_OUTPUT_DIR": os.path.join(folder, "output"), "MLOPS_MODEL_DIR": folder}
            evaluate.predict = lambda rows, model_dir: [0.25 * row[1] - 0.25 for row in rows]
            try:
                with mock.patch.dict(os.environ, environ):
                    with contextlib.redirect_stdout(io.StringIO()):
                        evaluate.main()
            finally:
                evaluate.predict = saved
            with open(os.path.join(folder, "output", "predictions.csv"), encoding="utf-8") as handle:
                self.assertEqual(handle.read(), "1.0\n0.0\n0.75\n")
            with open(os.path.join(folder, "output", "evaluation.json"), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle)["metrics"]["samples"], 3)

class ClassificationMetricsTest(unittest.TestCase):
    def test_hand_computed_confusion_matrix(self):
        # Threshold 0.5. Rows (label, score): (1, .9) TP, (1, .6) TP, (1, .4) FN, (0, .7) FP, (0, .2) TN,
        # (0, .1) TN, (0, .5) FP (a score equal to the threshold predicts 1), (1, .8) TP.
        # TP 3, FP 2, FN 1, TN 2: accuracy 5/8, precision 3/5, recall 3/4, f1 = 2*3 / (2*3 + 2 + 1) = 6/9.
        # AUC: of the 4 x 4 (positive, negative) pairs, the positive ranks higher in 13 and none tie -> 13/16
        # (positives .9 and .8 beat all four negatives (8), .6 beats .5, .2, .1 (3), .4 beats .2, .1 (2)).
        labels = [1, 1, 1, 0, 0, 0, 0, 1]
        scores = [0.9, 0.6, 0.4, 0.7, 0.2, 0.1, 0.5, 0.8]
        metrics = evaluate.classification_metrics(labels, scores)
        self.assertAlmostEqual(metrics["accuracy"], 5 / 8, places=12)
        self.assertAlmostEqual(metrics["precision"], 3 / 5, places=12)
        self.assertAlmostEqual(metrics["recall"], 3 / 4, places=12)
        self.assertAlmostEqual(metrics["f1"], 2 / 3, places=12)
        self.assertAlmostEqual(metrics["auc"], 13 / 16, places=12)

    def test_no_predicted_positive_leaves_precision_and_f1_undefined_or_zero(self):
        metrics = evaluate.classification_metrics([1, 0], [0.1, 0.2])
        self.assertTrue(math.isnan(metrics["precision"]))  # 0 / 0
        self.assertEqual(metrics["recall"], 0.0)
        self.assertEqual(metrics["f1"], 0.0)  # 2*0 / (0 + 0 + 1)


class RegressionMetricsTest(unittest.TestCase):
    def test_reference_example(self):
        # The worked example of scikit-learn's documentation (mean_absolute_error, mean_squared_error, r2_score):
        # y_true [3, -0.5, 2, 7], y_pred [2.5, 0.0, 2, 8] -> MAE 0.5, MSE 0.375, R2 0.948... (= 1 - 1.5 / 29.1875).
        metrics = evaluate.regression_metrics([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
        self.assertAlmostEqual(metrics["mae"], 0.5, places=12)
        self.assertAlmostEqual(metrics["rmse"], math.sqrt(0.375), places=12)
        self.assertAlmostEqual(metrics["r2"], 0.9486081370449679, places=12)

    def test_constant_labels_leave_r2_undefined(self):
        self.assertTrue(math.isnan(evaluate.regression_metrics([2, 2], [1, 3])["r2"]))


class ComputeMetricsTest(unittest.TestCase):
    def test_binary_labels_get_both_families(self):
        metrics = evaluate.compute_metrics([0, 1, 1], [0.2, 0.7, 0.4])
        self.assertEqual(set(metrics), {"auc", "accuracy", "f1", "precision", "recall", "rmse", "mae", "r2", "samples"})
        self.assertEqual(metrics["samples"], 3)

    def test_other_labels_get_regression_metrics_only(self):
        metrics = evaluate.compute_metrics([12.5, 30.0, 2.0], [10.0, 31.0, 2.0])
        self.assertEqual(set(metrics), {"rmse", "mae", "r2", "samples"})

    def test_a_declared_metric_it_cannot_compute_is_an_error_naming_what_it_computes(self):
        metrics = evaluate.compute_metrics([12.5, 30.0], [10.0, 31.0])
        with self.assertRaises(SystemExit) as stop:
            evaluate.check_metric("auc", metrics)
        self.assertIn("'auc'", str(stop.exception))
        self.assertIn("rmse, mae, r2", str(stop.exception))
        evaluate.check_metric("mae", metrics)
        evaluate.check_metric(None, metrics)


class FoldersTest(unittest.TestCase):
    def test_defaults_and_environment(self):
        self.assertEqual(
            evaluate.folders({}), ("/opt/ml/processing/model", "/opt/ml/processing/data", "/opt/ml/processing/output")
        )
        environ = {"MLOPS_MODEL_DIR": "/m", "MLOPS_DATA_DIR": "/d", "MLOPS_OUTPUT_DIR": "/o"}
        self.assertEqual(evaluate.folders(environ), ("/m", "/d", "/o"))


HANDLERS = """
import json, os
def model_fn(model_dir):
    with open(os.path.join(model_dir, "weight.txt")) as handle:
        return float(handle.read())
"""

FULL_HANDLERS = HANDLERS + """
def input_fn(body, content_type):
    assert content_type == "text/csv"
    return [[float(v) for v in line.split(",")] for line in body.splitlines()]
def predict_fn(data, model):
    return [model * row[0] for row in data]
def output_fn(prediction, accept):
    return json.dumps({"predictions": prediction}).encode()
"""


class HandlersTest(unittest.TestCase):
    def score(self, module_text, module_name="inference.py"):
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "code"))
            with open(os.path.join(folder, "weight.txt"), "w", encoding="utf-8") as handle:
                handle.write("0.5")
            with open(os.path.join(folder, "code", module_name), "w", encoding="utf-8") as handle:
                handle.write(module_text)
            path = evaluate.inference_module_path(folder, {"SAGEMAKER_PROGRAM": module_name})
            self.assertIsNotNone(path)
            saved = list(sys.path)
            try:
                return evaluate.predict_with_handlers(path, folder, [[1.0, 9.0], [3.0, 9.0]])
            finally:
                sys.path[:] = saved
                sys.modules.pop(os.path.splitext(module_name)[0], None)

    def test_rows_go_through_input_predict_and_output_fn(self):
        self.assertEqual(self.score(FULL_HANDLERS, "serve_full.py"), [0.5, 1.5])

    def test_without_input_fn_the_model_gets_the_feature_matrix(self):
        module = HANDLERS.replace("return float(handle.read())", "w = float(handle.read())\n        return lambda rows: [w * r[1] for r in rows]")
        self.assertEqual(self.score(module, "serve_callable.py"), [4.5, 4.5])

    def test_no_model_fn_is_an_error_naming_the_rule(self):
        with self.assertRaises(SystemExit) as stop:
            self.score("x = 1\n", "serve_empty.py")
        self.assertIn("no model_fn (serving contract", str(stop.exception))

    def test_no_serving_code(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertIsNone(evaluate.inference_module_path(folder, {}))

    def test_responses_as_csv_and_json(self):
        self.assertEqual(evaluate.parse_response(b"0.25\n0.5\n"), [0.25, 0.5])
        self.assertEqual(evaluate.parse_response("[[0.25], [0.5]]"), [0.25, 0.5])
        self.assertEqual(evaluate.parse_response(('{"predictions": [1, 2]}', "application/json")), [1.0, 2.0])


if __name__ == "__main__":
    unittest.main()
