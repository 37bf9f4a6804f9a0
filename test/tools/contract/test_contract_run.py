"""Tests of tools/contract/contract_run.py on tiny models of a fake framework (python3 -m unittest; standard library only).

The fake framework's model is the mean of the training labels (plus a `--shift` hyperparameter), pickled.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CONTRACT_RUN = os.path.join(ROOT, "tools", "contract", "contract_run.py")

TRAIN = """
import argparse, glob, json, os, pickle

parser = argparse.ArgumentParser()
parser.add_argument("--shift", type=float, default=0.0)
parser.add_argument("--label", default="none")
args = parser.parse_args()
labels = []
for path in sorted(glob.glob(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "*.csv"))):
    with open(path) as handle:
        labels += [float(line.split(",")[0]) for line in handle if line.strip()]
with open(os.path.join(os.environ[OUTPUT_VARIABLE], "model.pkl"), "wb") as handle:
    pickle.dump(sum(labels) / len(labels) + args.shift, handle)
names = ("SM_MODEL_DIR", "SM_CHANNELS", "SM_CHANNEL_TRAIN", "SM_HPS", "SM_HP_SHIFT", "SM_HP_LABEL", "SM_OUTPUT_DATA_DIR",
         "SM_NUM_GPUS", "SM_CURRENT_HOST", "SM_HOSTS", "SM_USER_ARGS")
with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "seen.json"), "w") as handle:
    json.dump({"env": {n: os.environ.get(n) for n in names}, "label": args.label, "cwd": os.getcwd()}, handle)
"""

INFERENCE = """
import json, os, pickle

def model_fn(model_dir):
    with open(os.path.join(model_dir, "model.pkl"), "rb") as handle:
        return pickle.load(handle)

def input_fn(body, content_type):
    return [[float(v) for v in line.split(",")] for line in body.splitlines() if line.strip()]

def predict_fn(data, model):
    return [model for _ in data]

def output_fn(prediction, accept):
    return json.dumps({"predictions": prediction})
"""

# The team's own evaluation: reads the pickle straight from the archive and reports the RMSE.
EVALUATE = """
import glob, json, os, pickle, tarfile

model_dir, data_dir, output_dir = (os.environ[n] for n in ("MLOPS_MODEL_DIR", "MLOPS_DATA_DIR", "MLOPS_OUTPUT_DIR"))
with tarfile.open(os.path.join(model_dir, "model.tar.gz")) as tar:
    mean = pickle.load(tar.extractfile("model.pkl"))
labels = []
for path in sorted(glob.glob(os.path.join(data_dir, "*.csv"))):
    with open(path) as handle:
        labels += [float(line.split(",")[0]) for line in handle if line.strip()]
rmse = (sum((y - mean) ** 2 for y in labels) / len(labels)) ** 0.5
with open(os.path.join(output_dir, "evaluation.json"), "w") as handle:
    json.dump({"metrics": {"rmse": rmse, "samples": len(labels)}}, handle)
"""


class ContractRunTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="contract-run-")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.source = os.path.join(self.folder, "code")
        os.makedirs(self.source)
        self.write("train.py", TRAIN.replace("OUTPUT_VARIABLE", '"SM_MODEL_DIR"'))
        self.write("inference.py", INFERENCE)
        self.write("evaluate.py", EVALUATE)
        self.write("requirements.txt", "# nothing to install\n")
        for name, rows in (("train", "2,1\n4,1\n6,1\n"), ("test", "3,1\n5,1\n")):
            os.makedirs(os.path.join(self.folder, name))
            with open(os.path.join(self.folder, name, f"{name}.csv"), "w", encoding="utf-8") as handle:
                handle.write(rows)

    def write(self, name, text):
        with open(os.path.join(self.source, name), "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(text))

    def run_plan(self, **changes):
        plan = {
            "model": "mean",
            "framework": "sklearn",
            "sourceDir": self.source,
            "trainingEntryPoint": "train.py",
            "inferenceEntryPoint": "inference.py",
            "evaluationScript": None,
            "genericEvaluation": os.path.join(ROOT, "pipelines", "scripts", "evaluate.py"),
            "wrapper": os.path.join(ROOT, "pipelines", "scripts", "mlops_train.py"),
            "hyperparameters": {"shift": "0.5", "label": "two words"},
            "trainData": os.path.join(self.folder, "train"),
            "testData": os.path.join(self.folder, "test"),
            "metric": "rmse",
            "workDir": os.path.join(self.folder, "work"),
        }
        plan.update(changes)
        path = os.path.join(self.folder, "plan.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(plan, handle)
        result = subprocess.run(
            [sys.executable, CONTRACT_RUN, "--plan", path], capture_output=True, text=True, timeout=120, check=False
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("contract: ")]
        return result, lines

    def assertFailedAt(self, lines, step, *fragments):
        self.assertTrue(lines[-1].startswith(f"contract: {step}: FAILED "), lines)
        for fragment in fragments:
            self.assertIn(fragment, lines[-1])

    def test_success_with_the_generic_evaluation(self):
        result, lines = self.run_plan()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for step in ("plan", "train", "package", "evaluate", "serve"):
            self.assertTrue(any(line.startswith(f"contract: {step}: ok") for line in lines), (step, lines))
        # Mean of 2, 4, 6 plus the shift hyperparameter: 4.5. Test labels 3 and 5: errors 1.5 and 0.5, RMSE sqrt(1.25).
        self.assertIn('response: {"predictions": [4.5]}', lines[-2])
        self.assertIn("rmse=1.118", next(line for line in lines if line.startswith("contract: evaluate")))
        with open(os.path.join(self.folder, "work", "processing", "output", "evaluation.json"), encoding="utf-8") as handle:
            self.assertAlmostEqual(json.load(handle)["metrics"]["rmse"], 1.25**0.5, places=12)

    def test_the_training_toolkit_environment_and_arguments(self):
        result, _ = self.run_plan(evaluationScript="evaluate.py")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        training = os.path.join(self.folder, "work", "training")
        with open(os.path.join(training, "output", "data", "seen.json"), encoding="utf-8") as handle:
            seen = json.load(handle)
        env = seen["env"]
        self.assertEqual(seen["label"], "two words")
        self.assertEqual(seen["cwd"], os.path.join(training, "code"))
        self.assertEqual(env["SM_MODEL_DIR"], os.path.join(training, "model"))
        self.assertEqual(env["SM_CHANNEL_TRAIN"], os.path.join(training, "input", "data", "train"))
        self.assertEqual(env["SM_OUTPUT_DATA_DIR"], os.path.join(training, "output", "data"))
        self.assertEqual(json.loads(env["SM_CHANNELS"]), ["train"])
        self.assertEqual(json.loads(env["SM_HPS"]), {"shift": 0.5, "label": "two words"})
        self.assertEqual((env["SM_HP_SHIFT"], env["SM_HP_LABEL"]), ("0.5", "two words"))
        self.assertEqual(json.loads(env["SM_USER_ARGS"]), ["--label", "two words", "--shift", "0.5"])
        self.assertEqual((env["SM_CURRENT_HOST"], json.loads(env["SM_HOSTS"])), ("algo-1", ["algo-1"]))
        self.assertTrue(env["SM_NUM_GPUS"].isdigit())
        with open(os.path.join(training, "input", "config", "hyperparameters.json"), encoding="utf-8") as handle:
            self.assertEqual(json.load(handle)["shift"], "0.5")
        self.assertEqual(sorted(os.listdir(os.path.join(training, "model", "code"))), ["inference.py", "requirements.txt"])

    def test_missing_model_fn_fails_the_serve_step(self):
        self.write("inference.py", INFERENCE.replace("def model_fn(", "def load_model("))
        result, lines = self.run_plan(evaluationScript="evaluate.py")
        self.assertEqual(result.returncode, 1)
        module = os.path.join(self.source, "inference.py")
        self.assertFailedAt(lines, "serve", f"{module}: no model_fn (serving contract: model_fn(model_dir) is required)")

    def test_missing_model_fn_fails_the_generic_evaluation_first(self):
        self.write("inference.py", INFERENCE.replace("def model_fn(", "def load_model("))
        result, lines = self.run_plan()
        self.assertEqual(result.returncode, 1)
        module = os.path.join(self.source, "inference.py")
        self.assertFailedAt(lines, "evaluate", f"{module}: no model_fn (serving contract: model_fn(model_dir) is required)")

    def test_missing_metric_in_the_teams_report(self):
        result, lines = self.run_plan(evaluationScript="evaluate.py", metric="mae")
        self.assertEqual(result.returncode, 1)
        script = os.path.join(self.source, "evaluate.py")
        self.assertFailedAt(
            lines, "evaluate", f"""{script}: evaluation.json has no numeric metric 'mae' (metrics contract: {{"metrics": {{"mae": <number>}}}})"""
        )

    def test_a_metric_the_generic_evaluation_cannot_compute(self):
        result, lines = self.run_plan(metric="auc")  # labels 3 and 5 are not 0/1
        self.assertEqual(result.returncode, 1)
        self.assertFailedAt(lines, "evaluate", "evaluate.py", "'auc'", "rmse, mae, r2")

    def test_model_written_outside_the_model_dir(self):
        self.write("train.py", TRAIN.replace("OUTPUT_VARIABLE", '"SM_OUTPUT_DATA_DIR"'))
        result, lines = self.run_plan()
        self.assertEqual(result.returncode, 1)
        self.assertFailedAt(lines, "package", os.path.join(self.source, "train.py"), "nothing besides code/", "$SM_MODEL_DIR")

    def test_missing_entry_point(self):
        result, lines = self.run_plan(trainingEntryPoint="fit.py")
        self.assertEqual(result.returncode, 1)
        self.assertFailedAt(lines, "train", "fit.py: training entry point not found", "training contract")

    def test_missing_inference_file(self):
        result, lines = self.run_plan(inferenceEntryPoint="serve.py")
        self.assertEqual(result.returncode, 1)
        self.assertFailedAt(lines, "train", "serve.py: inference file not found", "$SM_MODEL_DIR/code/")

    def test_a_failing_training_script(self):
        self.write("train.py", "raise RuntimeError('out of data')\n")
        result, lines = self.run_plan()
        self.assertEqual(result.returncode, 1)
        self.assertFailedAt(lines, "train", "RuntimeError: out of data", "exited with status 1")


if __name__ == "__main__":
    unittest.main()
