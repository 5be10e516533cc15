"""`make eval`: the coaching NLP on the outcome dev sets (../shared/data/outcomes/).

Statement classification (dev.csv): kind accuracy and macro-F1, per-class F1, domain accuracy
on gold outcomes, service-span precision/recall (exact and overlapping). Drafting
(answers_dev.jsonl): keyword retention, service leakage, strengths recall and the
no-invention rate. The dev sets are read from outside the repository (``COACH_EVAL_DATA``,
default ``../shared/data``) and never copied into it; when they are absent this says so.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from bot.config import PROJECT_ROOT

KINDS = ("outcome", "service", "other")


def data_dir() -> Path:
    return Path(os.environ.get("COACH_EVAL_DATA", PROJECT_ROOT.parent / "shared" / "data"))


def f1_scores(gold: list[str], predicted: list[str], labels) -> dict[str, float]:
    scores = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate_statements(path: Path) -> dict:
    from bot.coaching.classify import classify_statement

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    gold_kinds, predicted_kinds, timings = [], [], []
    domain_hits = domain_total = 0
    span_tp_exact = span_tp_overlap = predicted_spans = gold_spans = 0
    gold_found_exact = gold_found_overlap = 0
    for row in rows:
        started = time.perf_counter()
        result = classify_statement(row["text"])
        timings.append((time.perf_counter() - started) * 1000)
        gold_kinds.append(row["label"])
        predicted_kinds.append(result.kind)
        if row["label"] == "outcome":
            domain_total += 1
            domain_hits += result.domain == row["domain"]
        spans = [(s.start, s.end) for s in result.services]
        predicted_spans += len(spans)
        gold = []
        if row["service_span"]:
            start = row["text"].find(row["service_span"])
            gold = [(start, start + len(row["service_span"]))]
        gold_spans += len(gold)
        span_tp_exact += sum(s in gold for s in spans)
        span_tp_overlap += sum(any(_overlaps(s, g) for g in gold) for s in spans)
        gold_found_exact += sum(g in spans for g in gold)
        gold_found_overlap += sum(any(_overlaps(g, s) for s in spans) for g in gold)
    per_class = f1_scores(gold_kinds, predicted_kinds, KINDS)
    majority = Counter(gold_kinds).most_common(1)[0][0]
    return {
        "rows": len(rows),
        "accuracy": sum(g == p for g, p in zip(gold_kinds, predicted_kinds, strict=True))
        / len(rows),
        "macro_f1": sum(per_class.values()) / len(KINDS),
        "per_class_f1": per_class,
        "majority_baseline_macro_f1": sum(
            f1_scores(gold_kinds, [majority] * len(rows), KINDS).values()
        )
        / len(KINDS),
        "domain_accuracy": domain_hits / domain_total if domain_total else None,
        "span_precision_exact": span_tp_exact / predicted_spans if predicted_spans else 0.0,
        "span_recall_exact": gold_found_exact / gold_spans if gold_spans else 0.0,
        "span_precision_overlap": span_tp_overlap / predicted_spans if predicted_spans else 0.0,
        "span_recall_overlap": gold_found_overlap / gold_spans if gold_spans else 0.0,
        "ms_p95": sorted(timings)[int(0.95 * (len(timings) - 1))],
    }


def evaluate_drafts(path: Path) -> dict:
    from bot.coaching.drafting import draft_answer

    items = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    kept = wanted = 0
    statements = leaked = 0
    strengths_found = strengths_total = 0
    no_outcome_total = no_outcome_clean = 0
    timings = []
    for item in items:
        gold = item["gold"]
        started = time.perf_counter()
        result = draft_answer(item["question"], item["answer"])
        timings.append((time.perf_counter() - started) * 1000)
        drafted = " ".join(o.statement for o in result.outcomes).lower()
        keywords = [k for k in gold["outcome_keywords"].split("|") if k]
        wanted += len(keywords)
        kept += sum(k.lower() in drafted for k in keywords)
        services = [s.lower() for s in gold["services"].split("|") if s]
        for outcome in result.outcomes:
            statements += 1
            leaked += any(s in outcome.statement.lower() for s in services)
        for strength in [s for s in gold["strengths"].split("|") if s]:
            strengths_total += 1
            start = item["answer"].find(strength)
            gold_span = (start, start + len(strength))
            strengths_found += any(_overlaps(gold_span, (s.start, s.end)) for s in result.strengths)
        if not keywords:
            no_outcome_total += 1
            no_outcome_clean += not result.outcomes
    return {
        "answers": len(items),
        "keyword_retention": kept / wanted if wanted else None,
        "service_leakage": leaked / statements if statements else 0.0,
        "strengths_recall": strengths_found / strengths_total if strengths_total else None,
        "no_invention": no_outcome_clean / no_outcome_total if no_outcome_total else None,
        "outcome_statements": statements,
        "ms_p95": sorted(timings)[int(0.95 * (len(timings) - 1))],
    }


def main() -> int:
    folder = data_dir() / "outcomes"
    if not (folder / "dev.csv").exists():
        print(f"Outcome dev sets not found in {folder}: skipped (set COACH_EVAL_DATA).")
        return 0
    from bot.coaching.nlp import get_nlp

    get_nlp()  # load (or train) once, outside the timings
    statements = evaluate_statements(folder / "dev.csv")
    drafts = evaluate_drafts(folder / "answers_dev.jsonl")
    out = PROJECT_ROOT / "results" / "outcomes"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dev.json").write_text(
        json.dumps({"statements": statements, "drafts": drafts}, indent=2)
    )
    s, d = statements, drafts
    print(f"Statements ({s['rows']} dev rows)                      target")
    print(f"  kind accuracy           {s['accuracy']:.3f}")
    baseline = s["majority_baseline_macro_f1"]
    print(
        f"  kind macro-F1           {s['macro_f1']:.3f}   >= 0.85   (majority class {baseline:.3f})"
    )
    for kind, score in s["per_class_f1"].items():
        print(f"    F1 {kind:8}          {score:.3f}")
    print(f"  domain accuracy         {s['domain_accuracy']:.3f}   >= 0.60   (on gold outcomes)")
    exact = (s["span_precision_exact"], s["span_recall_exact"])
    overlap = (s["span_precision_overlap"], s["span_recall_overlap"])
    print(f"  service spans exact     P {exact[0]:.3f}  R {exact[1]:.3f}")
    print(f"  service spans overlap   P {overlap[0]:.3f}  R {overlap[1]:.3f}   R >= 0.85")
    print(f"Drafting ({d['answers']} dev answers, {d['outcome_statements']} statements drafted)")
    print(f"  keyword retention       {d['keyword_retention']:.3f}   >= 0.80")
    print(f"  service leakage         {d['service_leakage']:.3f}   <= 0.05")
    print(f"  strengths recall        {d['strengths_recall']:.3f}")
    print(f"  no-invention rate       {d['no_invention']:.3f}   = 1.00")
    print(f"Speed: classify p95 {s['ms_p95']:.1f} ms, draft p95 {d['ms_p95']:.1f} ms per item")
    return 0


if __name__ == "__main__":
    sys.exit(main())
