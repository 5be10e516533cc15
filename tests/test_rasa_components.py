"""rasa_components/classifier.py: the classifier saved as arrays ranks intents exactly as Rasa's
own LogisticRegressionClassifier saved with skops. Runs in Rasa's venv (Python 3.10)."""

from __future__ import annotations

import json
import subprocess

from bot.config import PROJECT_ROOT, get_settings
from bot.runtime import rasa_environment, rasa_executable

# Trains both classifiers on the same featurised messages, saves them, loads them back in a
# new model storage and prints what each ranks for messages it has not seen.
PROBE = r"""
import json, sys, tempfile
from pathlib import Path
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa_components.classifier import ArrayLogisticRegressionClassifier

rng = np.random.default_rng(7)
WIDTH = 40

def message(text, intent=None, dense=False):
    counts = scipy.sparse.coo_matrix(rng.poisson(0.3, size=(1, WIDTH)).astype(float))
    m = Message(data={"text": text, **({"intent": intent} if intent else {})})
    m.add_features(Features(counts, "sentence", "text", "probe"))
    if dense:
        m.add_features(Features(rng.normal(size=(1, 3)), "sentence", "text", "dense"))
    return m

intents = ["greet", "stop", "tell", "help"]
dense = sys.argv[1] == "dense"
training = TrainingData([message(f"t{i}", intents[i % 4], dense) for i in range(120)])
unseen = [f"u{i}" for i in range(25)]
report = {}
with tempfile.TemporaryDirectory() as tmp:
    for cls in (LogisticRegressionClassifier, ArrayLogisticRegressionClassifier):
        name = cls.__name__
        context = ExecutionContext(GraphSchema({}), node_name=name)
        resource = Resource(name)
        (Path(tmp) / name).mkdir()
        storage = LocalModelStorage(Path(tmp) / name)
        config = {**cls.get_default_config(), "max_iter": 300}
        cls.create(config, storage, resource, context).train(training)
        loaded = cls.load(config, LocalModelStorage(Path(tmp) / name), resource, context)
        rng = np.random.default_rng(11)  # the same unseen messages for both
        messages = loaded.process([message(text, dense=dense) for text in unseen])
        report[name] = [[(r["name"], round(r["confidence"], 12)) for r in m.get("intent_ranking")]
                        for m in messages]
    (Path(tmp) / "nothing").mkdir()
    missing = ArrayLogisticRegressionClassifier.load(
        {**ArrayLogisticRegressionClassifier.get_default_config()},
        LocalModelStorage(Path(tmp) / "nothing"), Resource("nothing"),
        ExecutionContext(GraphSchema({}), node_name="nothing"))
    report["untrained"] = not hasattr(missing.clf, "coef_")
    report["files"] = sorted(p.name for p in (Path(tmp) / "ArrayLogisticRegressionClassifier")
                             .rglob("*") if p.is_file())
print(json.dumps(report))
"""


def run_probe(kind: str) -> dict:
    python = rasa_executable().parent / "python"
    done = subprocess.run(
        [str(python), "-W", "ignore", "-c", PROBE, kind], env=rasa_environment(get_settings()),
        capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_array_classifier_ranks_intents_as_rasas_own_after_saving_and_loading() -> None:
    for kind in ("sparse", "dense"):  # dense features too, as Rasa's class allows
        report = run_probe(kind)
        ours, rasas = (
            report["ArrayLogisticRegressionClassifier"],
            report["LogisticRegressionClassifier"],
        )
        assert len(ours) == 25 and all(len(ranking) == 4 for ranking in ours)
        assert ours == rasas
        assert len({ranking[0][0] for ranking in ours}) > 1  # not one answer for everything
        assert report["untrained"] is True  # nothing saved: an untrained component, as Rasa's
        assert [name for name in report["files"] if name.endswith(".skops")] == []
        assert any(name.endswith(".npz") for name in report["files"])
