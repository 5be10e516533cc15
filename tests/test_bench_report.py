"""The pure parts of the benchmark harness (bench/run.py): no server is started here."""

from __future__ import annotations

import pytest

from bench.run import (
    METRICS,
    all_turns_table,
    comparison_table,
    custom_action_names,
    custom_flags,
    evaluate_target,
    format_ratio,
    format_value,
    latency_summary,
    level_summary,
    metric_value,
    percentile,
    ratio,
    render_report,
    render_table,
    split_quota,
    summarise,
    uncomment_hello_world,
)

# --- percentiles ------------------------------------------------------------------------


def test_percentile_interpolates_linearly_like_numpy():
    values = [1, 2, 3, 4]
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 4
    assert percentile(values, 50) == pytest.approx(2.5)
    assert percentile(values, 95) == pytest.approx(3.85)  # numpy.percentile([1,2,3,4], 95)


def test_percentile_ignores_input_order_and_handles_one_or_no_value():
    assert percentile([10, 1, 5], 50) == 5
    assert percentile([7.5], 99) == 7.5
    assert percentile([], 50) is None


def test_percentile_of_1_to_100():
    values = list(range(1, 101))
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)


def test_percentile_rejects_out_of_range():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_latency_summary():
    summary = latency_summary([30.0, 10.0, 20.0])
    assert summary["count"] == 3
    assert summary["mean_ms"] == pytest.approx(20.0)
    assert summary["min_ms"] == 10.0 and summary["max_ms"] == 30.0
    assert summary["p50_ms"] == 20.0
    empty = latency_summary([])
    assert empty["count"] == 0 and empty["p95_ms"] is None and empty["mean_ms"] is None


def test_split_quota_shares_turns_evenly():
    assert split_quota(200, 20) == [10] * 20
    assert split_quota(10, 3) == [4, 3, 3]
    assert sum(split_quota(81, 20)) == 81
    with pytest.raises(ValueError):
        split_quota(10, 0)


# --- ratio and targets ------------------------------------------------------------------


def test_ratio():
    assert ratio(10.0, 40.0) == pytest.approx(0.25)
    assert ratio(None, 4.0) is None
    assert ratio(4.0, None) is None
    assert ratio(4.0, 0.0) is None


def test_evaluate_target_is_an_inclusive_upper_bound():
    assert evaluate_target(12.0, 12.0) is True
    assert evaluate_target(11.9, 12.0) is True
    assert evaluate_target(12.1, 12.0) is False
    assert evaluate_target(None, 12.0) is None
    assert evaluate_target(5.0, None) is None


def test_targets_are_the_agreed_ones():
    targets = {key: limit for key, _, _, limit in METRICS if limit is not None}
    assert targets == {
        "cold_start_s": 12.0,
        "p95_c20p_ms": 150.0,
        "rss_rasa_mb": 800.0,
        "training_s": 30.0,
    }


def test_formatting():
    assert format_value(None, "s") == "—"
    assert format_value(17.26, "s") == "17.3 s"
    assert format_value(4.26, "ms") == "4.3 ms"
    assert format_value(142.4, "ms") == "142 ms"
    assert format_value(583.7, "MB") == "584 MB"
    assert format_ratio(0.5) == "0.50×"
    assert format_ratio(None) == "—"


def _bot(training, cold, p95_c20, rss_rasa, *, p50=5.0):
    custom = {"p50_ms": p50, "p95_ms": p95_c20, "p99_ms": p95_c20, "count": 150}
    every = {"p50_ms": p50, "p95_ms": p95_c20, "p99_ms": p95_c20, "count": 200}
    level = {"turns": 200, "errors": 0, "throughput_per_s": 50.0, "all": every, "custom": custom}
    return {
        "training": {"seconds": training},
        "cold_start": {"first_reply_s": cold},
        "latency": {"levels": {"1": level, "20": level, "20-paced": level}},
        "rss": {"rasa": {"peak_mb": rss_rasa}, "actions": {"peak_mb": 60.0}},
        "errors": [],
    }


def test_metric_value_reads_each_figure_and_none_when_missing():
    bot = _bot(20.0, 13.0, 120.0, 580.0)
    assert metric_value(bot, "training_s") == 20.0
    assert metric_value(bot, "cold_start_s") == 13.0
    assert metric_value(bot, "p95_c20_ms") == 120.0
    assert metric_value(bot, "rss_actions_mb") == 60.0
    assert metric_value({"errors": ["training failed"]}, "p95_c20_ms") is None
    assert metric_value(None, "training_s") is None


def test_summarise_compares_with_the_starter_and_judges_targets():
    summary = {
        item["key"]: item
        for item in summarise(
            {"coach": _bot(20.0, 13.0, 120.0, 580.0), "starter": _bot(120.0, 52.0, 60.0, 1100.0)}
        )
    }
    assert summary["training_s"]["ratio"] == pytest.approx(20 / 120)
    assert summary["training_s"]["met"] is True
    assert summary["cold_start_s"]["met"] is False  # 13 s > 12 s
    assert summary["p95_c20p_ms"]["met"] is True
    assert summary["p95_c20p_ms"]["ratio"] == pytest.approx(2.0)
    assert summary["p95_c20_ms"]["met"] is None  # saturation: reported, not a target
    assert summary["rss_rasa_mb"]["met"] is True
    assert summary["rss_actions_mb"]["met"] is None  # no target


def test_summarise_without_baseline_has_no_ratio():
    summary = summarise({"coach": _bot(20.0, 10.0, 100.0, 500.0)})
    assert all(item["starter"] is None and item["ratio"] is None for item in summary)
    assert next(i for i in summary if i["key"] == "cold_start_s")["met"] is True


# --- markdown -------------------------------------------------------------------------------


def test_render_table_shape_and_escaping():
    table = render_table(["Measure", "Value"], [["a|b", "1 s"], ["c", "2 s"]])
    lines = table.splitlines()
    assert lines[0] == "| Measure | Value |"
    assert lines[1] == "|---|--:|"
    assert lines[2] == "| a\\|b | 1 s |"
    assert len(lines) == 4


def test_render_table_rejects_ragged_rows():
    with pytest.raises(ValueError):
        render_table(["a", "b"], [["only one"]])


def test_comparison_table_has_every_metric_and_verdicts():
    summary = summarise(
        {"coach": _bot(20.0, 13.0, 120.0, 580.0), "starter": _bot(120.0, 52.0, 60.0, 1100.0)}
    )
    table = comparison_table(summary)
    lines = table.splitlines()
    assert len(lines) == 2 + len(METRICS)
    assert "Ratio (this / starter)" in lines[0] and "Target" in lines[0]
    cold = next(line for line in lines if line.startswith("| Cold start"))
    assert "13.0 s" in cold and "52.0 s" in cold and "0.25×" in cold
    assert "≤ 12.0 s" in cold and "**not met**" in cold
    training = next(line for line in lines if line.startswith("| Training time"))
    assert training.rstrip(" |").endswith("met")
    rss_actions = next(line for line in lines if "action server" in line)
    assert rss_actions.endswith("| — | — |")


def test_all_turns_table_rows_per_bot_and_level():
    table = all_turns_table({"coach": _bot(1, 1, 100.0, 1), "starter": _bot(1, 1, 50.0, 1)})
    lines = table.splitlines()
    assert len(lines) == 2 + 6
    assert lines[2].startswith("| This bot | 1 |")
    assert lines[-1].startswith("| Starter bot | 20-paced |")


def test_render_report_mentions_how_to_regenerate_and_the_machine():
    results = {
        "finished_at": "2026-01-02T03:04:05+00:00",
        "turns_per_level": 200,
        "machine": {"cpu_model": "Test CPU", "logical_cpus": 2, "ram_gb": 24.0},
        "bots": {"coach": _bot(20.0, 13.0, 120.0, 580.0)},
    }
    report = render_report(results)
    assert report.startswith("# Benchmarks")
    assert "make bench" in report
    assert "2026-01-02" in report and "Test CPU" in report
    assert "--skip-baseline" in report  # the starter was not measured
    assert "| Cold start" in report


# --- turn classification and the starter's custom action --------------------------------


def test_custom_action_names_include_validated_forms_not_responses():
    domain = {
        "actions": ["action_record_consent", "validate_topics_form", "utter_extra"],
        "forms": {"topics_form": {}, "reword_form": {}},
    }
    assert custom_action_names(domain) == {
        "action_record_consent",
        "validate_topics_form",
        "topics_form",
    }
    assert custom_action_names({}) == set()


def test_custom_flags_follow_user_turns():
    events = [
        ("action", "action_session_start"),
        ("session_started", None),
        ("action", "action_listen"),
        ("user", None),
        ("action", "utter_welcome"),
        ("action", "action_listen"),
        ("user", None),
        ("action", "action_record_consent"),
        ("action", "topics_form"),
        ("active_loop", None),
        ("action", "action_listen"),
        ("user", None),
    ]
    flags = custom_flags(events, {"action_record_consent", "topics_form"})
    assert flags == [False, True, False]


def test_level_summary_splits_custom_turns_and_counts_errors():
    records = [
        {"step": 0, "message": "/start", "ms": 5.0, "ok": True, "custom": False},
        {"step": 1, "message": "/affirm", "ms": 50.0, "ok": True, "custom": True},
        {"step": 2, "message": "answer", "ms": 70.0, "ok": True, "custom": True},
        {"step": 3, "message": "/affirm", "ms": 999.0, "ok": False, "custom": None},
    ]
    summary = level_summary(records, wall_s=2.0)
    assert summary["turns"] == 4 and summary["errors"] == 1
    assert summary["all"]["count"] == 3
    assert summary["custom"]["count"] == 2 and summary["custom"]["p50_ms"] == pytest.approx(60.0)
    assert summary["no_custom"]["count"] == 1
    assert summary["throughput_per_s"] == pytest.approx(1.5)


def test_uncomment_hello_world_enables_the_starter_example():
    source = (
        "# This files contains your custom actions\n"
        "#\n"
        "# from typing import Any, Text, Dict, List\n"
        "#\n"
        "# from rasa_sdk import Action\n"
        "#\n"
        "#\n"
        "# class ActionHelloWorld(Action):\n"
        "#\n"
        "#     def name(self) -> Text:\n"
        '#         return "action_hello_world"\n'
    )
    enabled = uncomment_hello_world(source)
    assert enabled.startswith("# This files contains")
    assert "\nclass ActionHelloWorld(Action):\n" in enabled
    assert '\n        return "action_hello_world"\n' in enabled
    compile(enabled.replace("from rasa_sdk import Action\n", "Action = object\n"), "x", "exec")
    with pytest.raises(ValueError):
        uncomment_hello_world("print('no example here')\n")


def test_report_warns_when_other_processes_shared_the_cpu():
    bot = _bot(20.0, 13.0, 120.0, 580.0)
    bot["load_before_serving"] = {
        "phase": "coach: before serving",
        "loadavg": [1.0, 1.0, 1.0],
        "busy_others": [{"pid": 1, "cpu": 0.97, "command": "python rasa train nlu"}],
    }
    report = render_report({"finished_at": "2026-01-02T00:00:00+00:00", "bots": {"coach": bot}})
    assert "Caveat" in report and "rasa train nlu" in report and "97% CPU" in report
    quiet = render_report(
        {"finished_at": "2026-01-02T00:00:00+00:00", "bots": {"coach": _bot(1, 1, 1, 1)}}
    )
    assert "Caveat" not in quiet
