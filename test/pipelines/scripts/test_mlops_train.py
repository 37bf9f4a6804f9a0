"""Unit tests of the training wrapper, mlops_train.py (python3 -m unittest; standard library only)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

WRAPPER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "pipelines", "scripts", "mlops_train.py")


class WrapperTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="mlops-train-")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.package = os.path.join(self.folder, "package")
        self.model_dir = os.path.join(self.folder, "model")
        os.makedirs(self.package)
        shutil.copy2(WRAPPER, self.package)
        self.settings({"entryPoint": "train.py", "inferenceFiles": ["inference.py", "requirements.txt"]})
        # The team's script: records its argv, __name__ and whether its own folder is importable.
        self.file("helper.py", "VALUE = 7\n")
        self.file(
            "train.py",
            "import json, os, sys\nimport helper\n"
            "with open(os.path.join(os.environ['SM_MODEL_DIR'], 'seen.json'), 'w') as f:\n"
            "    json.dump({'argv': sys.argv[1:], 'name': __name__, 'helper': helper.VALUE}, f)\n",
        )
        self.file("inference.py", "def model_fn(model_dir):\n    return None\n")
        self.file("requirements.txt", "# none\n")

    def file(self, name, text):
        with open(os.path.join(self.package, name), "w", encoding="utf-8") as handle:
            handle.write(text)

    def settings(self, value):
        self.file("mlops_train.json", json.dumps(value))

    def run_wrapper(self, *args):
        os.makedirs(self.model_dir, exist_ok=True)
        env = {**os.environ, "SM_MODEL_DIR": self.model_dir}
        return subprocess.run(
            [sys.executable, "mlops_train.py", *args], cwd=self.package, env=env, capture_output=True, text=True, timeout=60, check=False
        )

    def test_runs_the_entry_point_as_main_with_the_arguments_then_copies_the_inference_files(self):
        result = self.run_wrapper("--epochs", "3", "--label", "a b")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(self.model_dir, "seen.json"), encoding="utf-8") as handle:
            self.assertEqual(json.load(handle), {"argv": ["--epochs", "3", "--label", "a b"], "name": "__main__", "helper": 7})
        self.assertEqual(sorted(os.listdir(os.path.join(self.model_dir, "code"))), ["inference.py", "requirements.txt"])

    def test_an_entry_point_that_exits_zero_still_gets_its_files_copied(self):
        self.file("train.py", "import sys\nsys.exit(0)\n")
        self.assertEqual(self.run_wrapper().returncode, 0)
        self.assertTrue(os.path.isfile(os.path.join(self.model_dir, "code", "inference.py")))

    def test_a_failing_entry_point_fails_the_wrapper_and_copies_nothing(self):
        self.file("train.py", "raise SystemExit(3)\n")
        self.assertEqual(self.run_wrapper().returncode, 3)
        self.assertFalse(os.path.exists(os.path.join(self.model_dir, "code")))
        self.file("train.py", "raise ValueError('bad data')\n")
        result = self.run_wrapper()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ValueError: bad data", result.stderr)

    def test_missing_entry_point(self):
        self.settings({"entryPoint": "fit.py", "inferenceFiles": []})
        result = self.run_wrapper()
        self.assertEqual(result.returncode, 2)
        self.assertIn("fit.py: training entry point not found", result.stderr)
        self.assertIn("'entryPoint'", result.stderr)

    def test_missing_inference_file_fails_before_training(self):
        self.settings({"entryPoint": "train.py", "inferenceFiles": ["serve.py"]})
        result = self.run_wrapper()
        self.assertEqual(result.returncode, 2)
        self.assertIn("serve.py: inference file not found", result.stderr)
        self.assertIn("$SM_MODEL_DIR/code/", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.model_dir, "seen.json")))

    def test_paths_leaving_the_package_and_bad_settings_are_refused(self):
        self.settings({"entryPoint": "../train.py", "inferenceFiles": []})
        self.assertIn("relative to the source package root", self.run_wrapper().stderr)
        self.settings({"entryPoint": "train.py", "inferenceFiles": "inference.py"})
        self.assertIn('"inferenceFiles" must be a list', self.run_wrapper().stderr)
        os.remove(os.path.join(self.package, "mlops_train.json"))
        result = self.run_wrapper()
        self.assertEqual(result.returncode, 2)
        self.assertIn("mlops_train.json: missing", result.stderr)


if __name__ == "__main__":
    unittest.main()
