"""`make eval`: the OARS coder on the AnnoMI dev split (../shared/data/annomi/dev.csv).

AnnoMI has no licence, so it is used here for evaluation only: it is read from outside the
repository (``COACH_EVAL_DATA``, default ``../shared/data``), never copied into it, and only
aggregate figures are printed. The coder's nine codes are mapped onto AnnoMI's four therapist
behaviours as the data's README says (question; reflection incl. summary; therapist_input =
information and advice; other incl. affirmation). Printed: accuracy, macro-F1 and per-class F1
over the four behaviours; strict open/closed accuracy on gold questions and simple/complex
accuracy on gold reflections (a wrong behaviour counts as wrong); the same for a majority-class
and a first-word-rule baseline; and the coder's speed (p95 per utterance).
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path

from bot.config import PROJECT_ROOT

BEHAVIOURS = ("question", "reflection", "therapist_input", "other")
TO_ANNOMI = {
    "open_question": ("question", "open"),
    "closed_question": ("question", "closed"),
    "simple_reflection": ("reflection", "simple"),
    "complex_reflection": ("reflection", "complex"),
    "summary": ("reflection", "complex"),
    "giving_information": ("therapist_input", ""),
    "advice": ("therapist_input", ""),
    "affirmation": ("other", ""),
    "other": ("other", ""),
}
_WH = {"what", "how", "why", "where", "when", "who", "which", "what's", "how's", "tell"}
_AUX = {"do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "can", "could",
        "will", "would", "shall", "should", "am", "don't", "doesn't", "didn't", "isn't",
        "aren't", "haven't", "hasn't"}  # fmt: skip


def dev_path() -> Path:
    base = Path(os.environ.get("COACH_EVAL_DATA", PROJECT_ROOT.parent / "shared" / "data"))
    return base / "annomi" / "dev.csv"


def first_word_rule(text: str, majority: str) -> str:
    """Baseline: wh-word (or "tell") first → open, auxiliary first → closed, else majority."""
    words = text.lower().replace("\u2019", "'").split()
    first = words[0].strip(",.?!") if words else ""
    if first in _WH:
        return "open_question"
    if first in _AUX:
        return "closed_question"
    return majority


def f1_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    scores = {}
    for label in BEHAVIOURS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def score(rows: list[dict], codes: list[str]) -> dict:
    """Behaviour accuracy/macro-F1/per-class F1 and strict subtype accuracies for fine codes."""
    gold = [r["behaviour"] for r in rows]
    mapped = [TO_ANNOMI[c] for c in codes]
    predicted = [m[0] for m in mapped]
    per_class = f1_scores(gold, predicted)
    subtype_hits: dict[str, list[bool]] = {"question": [], "reflection": []}
    for row, (behaviour, subtype) in zip(rows, mapped, strict=True):
        if row["behaviour"] in subtype_hits and row["subtype"]:
            ok = behaviour == row["behaviour"] and subtype == row["subtype"]
            subtype_hits[row["behaviour"]].append(ok)
    return {
        "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(rows),
        "macro_f1": sum(per_class.values()) / len(BEHAVIOURS),
        "per_class_f1": per_class,
        "open_closed": sum(subtype_hits["question"]) / max(len(subtype_hits["question"]), 1),
        "simple_complex": sum(subtype_hits["reflection"]) / max(len(subtype_hits["reflection"]), 1),
        "confusion": Counter(zip(gold, predicted, strict=True)),
    }


def evaluate(path: Path) -> dict:
    from bot.coaching.oars import code_utterance

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    code_utterance("Warm-up: load the weights.")
    codes, timings = [], []
    for row in rows:
        started = time.perf_counter()
        coded = code_utterance(row["text"], row["prev_client_text"] or None)
        timings.append((time.perf_counter() - started) * 1000)
        codes.append(coded.code)
    majority_behaviour = Counter(r["behaviour"] for r in rows).most_common(1)[0][0]
    majority = "other" if majority_behaviour == "other" else "giving_information"
    return {
        "rows": len(rows),
        "coder": score(rows, codes),
        "majority": score(rows, [majority] * len(rows)),
        "first_word": score(rows, [first_word_rule(r["text"], majority) for r in rows]),
        "codes": Counter(codes),
        "ms_p95": sorted(timings)[int(0.95 * (len(timings) - 1))],
        "ms_mean": sum(timings) / len(timings),
    }


def main() -> int:
    path = dev_path()
    if not path.exists():
        print(f"AnnoMI dev split not found at {path}: OARS coder evaluation skipped.")
        return 0
    result = evaluate(path)
    c, m, f = result["coder"], result["majority"], result["first_word"]
    print(f"OARS coder on AnnoMI dev ({result['rows']} therapist utterances)")
    print("                          coder   majority  first-word   target")
    print(f"  behaviour accuracy      {c['accuracy']:.3f}   {m['accuracy']:.3f}     "
          f"{f['accuracy']:.3f}")  # fmt: skip
    print(f"  behaviour macro-F1      {c['macro_f1']:.3f}   {m['macro_f1']:.3f}     "
          f"{f['macro_f1']:.3f}      >= 0.70")  # fmt: skip
    for label in BEHAVIOURS:
        print(f"    F1 {label:17}  {c['per_class_f1'][label]:.3f}   "
              f"{m['per_class_f1'][label]:.3f}     {f['per_class_f1'][label]:.3f}")  # fmt: skip
    print(f"  open/closed (strict)    {c['open_closed']:.3f}   {m['open_closed']:.3f}     "
          f"{f['open_closed']:.3f}      >= 0.75")  # fmt: skip
    print(f"  simple/complex (strict) {c['simple_complex']:.3f}   {m['simple_complex']:.3f}     "
          f"{f['simple_complex']:.3f}")  # fmt: skip
    print("  confusion (gold -> coder behaviour):")
    for gold in BEHAVIOURS:
        cells = "  ".join(f"{p[:6]} {c['confusion'][(gold, p)]:4d}" for p in BEHAVIOURS)
        print(f"    {gold:16} {cells}")
    print("  codes emitted: " + ", ".join(f"{k} {v}" for k, v in result["codes"].most_common()))
    print(f"Speed: code p95 {result['ms_p95']:.2f} ms, mean {result['ms_mean']:.2f} ms "
          "per utterance (target p95 <= 10 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
