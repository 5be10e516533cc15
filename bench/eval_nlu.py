"""`make eval`: how well commands are told from answers, on held-apart examples.

Trains an NLU-only model from ``data/nlu/`` and ``config.yml`` (``rasa train nlu``: it needs
no domain), runs ``rasa test nlu`` on ``tests/nlu/test_nlu.yml`` (examples kept out of the
training data), then applies the validation rule the forms use (``bot.coaching.control``) to every
prediction: inside a question, is a command taken as a command and an answer kept as an
answer? Figures go to ``results/nlu/`` and are printed; docs/evaluation.md records them.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bot.coaching.control import ALWAYS, Turn, interpret_turn
from bot.config import PROJECT_ROOT, get_settings
from bot.runtime import rasa_environment, rasa_executable

OUT = PROJECT_ROOT / "results" / "nlu"
TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
NLU_DATA = PROJECT_ROOT / "data" / "nlu"
CONFIG = PROJECT_ROOT / "config.yml"
# The broad free-answer intent; every other intent is a control intent.
ANSWER_INTENT = "tell"
# Commands that count inside a question whatever the question (stop, pause, help, plan, …).
COMMAND_INTENTS = {turn.value: turn for turn in ALWAYS}
CV_OUT = PROJECT_ROOT / "results" / "nlu-crossval"


def _rasa(*args: str) -> None:
    subprocess.run([str(rasa_executable()), *args], cwd=PROJECT_ROOT,
                   env=rasa_environment(get_settings()), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def run_rasa_test() -> None:
    """Train an NLU-only model from this commit's data and test it on the held-apart set."""
    model_dir = OUT / "model"
    _rasa("train", "nlu", "--config", str(CONFIG), "--nlu", str(NLU_DATA),
          "--out", str(model_dir), "--fixed-model-name", "nlu")  # fmt: skip
    _rasa("test", "nlu", "--nlu", str(TEST_SET), "--model", str(model_dir / "nlu.tar.gz"),
          "--out", str(OUT), "--successes", "--no-plot")  # fmt: skip


def control_intents(report: dict) -> list[str]:
    """Intents in a ``rasa test nlu`` report other than the answers intent and the averages."""
    return [
        name
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and "avg" not in name
        and name not in (ANSWER_INTENT, "nlu_fallback")
    ]  # fmt: skip


def predictions() -> list[dict]:
    rows: list[dict] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = OUT / name
        if path.exists():
            rows += json.loads(path.read_text())
    return rows


def decision_accuracy(rows: list[dict]) -> dict[str, float | int]:
    """Apply the in-form rule to each prediction and score command-vs-answer decisions."""
    commands = [r for r in rows if r["intent"] in COMMAND_INTENTS]
    answers = [r for r in rows if r["intent"] == ANSWER_INTENT]

    def decided(row: dict) -> Turn:
        predicted = row["intent_prediction"]
        return interpret_turn(row["text"], predicted["name"], predicted["confidence"])

    commands_ok = sum(decided(r) is COMMAND_INTENTS[r["intent"]] for r in commands)
    answers_ok = sum(decided(r) is Turn.ANSWER for r in answers)
    return {
        "commands": len(commands),
        "commands_recognised": commands_ok,
        "answers": len(answers),
        "answers_kept": answers_ok,
    }


def cross_validation(folds: int = 5) -> int:
    """5-fold cross-validation on the training data; macro-F1 over the control intents."""
    _rasa("test", "nlu", "--nlu", str(NLU_DATA), "--config", str(CONFIG), "--cross-validation",
          "--folds", str(folds), "--out", str(CV_OUT))  # fmt: skip
    report = json.loads((CV_OUT / "intent_report.json").read_text())
    scores = {i: report[i]["f1-score"] for i in sorted(control_intents(report))}
    print(f"NLU {folds}-fold cross-validation on data/nlu/ (config.yml)")
    for intent, score in scores.items():
        print(f"  {intent:14} F1 {score:.3f}  (n={report[intent]['support']})")
    answers = report[ANSWER_INTENT]
    print(f"  {ANSWER_INTENT:14} F1 {answers['f1-score']:.3f}  (n={answers['support']}, answers)")
    print(f"  control intents macro-F1 {sum(scores.values()) / len(scores):.3f}   target >= 0.95")
    return 0


def main() -> int:
    if "--cross-validation" in sys.argv:
        return cross_validation()
    run_rasa_test()
    report = json.loads((OUT / "intent_report.json").read_text())
    decisions = decision_accuracy(predictions())
    print(f"NLU on {TEST_SET.relative_to(PROJECT_ROOT)} (held apart from training data)")
    macro_f1 = report["macro avg"]["f1-score"]
    print(f"  intent accuracy {report['accuracy']:.3f}, macro F1 {macro_f1:.3f}")
    control = [report[i]["f1-score"] for i in control_intents(report)]
    print(f"  control intents macro-F1 {sum(control) / len(control):.3f}")
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "support" in scores and "avg" not in intent:
            print(f"  {intent:14} F1 {scores['f1-score']:.2f}  (n={scores['support']})")
    print("Inside a question (form validation rule):")
    print(
        f"  commands taken as commands: {decisions['commands_recognised']}/{decisions['commands']}"
    )
    print(f"  answers kept as answers:    {decisions['answers_kept']}/{decisions['answers']}")
    (OUT / "decisions.json").write_text(json.dumps(decisions, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
