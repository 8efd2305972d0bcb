"""The benchmark's own logic that needs no server: reading wrk's output and the summary's
verdicts against the targets."""

import subprocess

import pytest

from bench import summary, wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8500/bench/baseline
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.1ms    5.2ms  80.3ms   90.00%
  Latency Distribution
     50%   18.50ms
     75%   22.00ms
     90%   25.00ms
     99%    1.20s
  4000 requests in 10.00s, 1.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    400.00
"""


def test_wrk_output_gives_rate_percentiles_and_every_kind_of_error(monkeypatch):
    monkeypatch.setattr(wrk, "ensure_wrk", lambda: "/usr/bin/wrk")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, WRK_OUTPUT, ""))
    result = wrk.run("http://127.0.0.1:8500/bench/baseline", connections=16, seconds=10)
    assert result == {"rps": 400.0, "p50_ms": 18.5, "p99_ms": 1200.0, "requests": 4000, "errors": 7}


def test_wrk_is_never_pointed_at_another_machine():
    with pytest.raises(AssertionError):
        wrk.run("http://example.com/", connections=1, seconds=1)


def _row(page, logged_in, *, rps, p99, queries, target=None):
    return {"page": page, "logged_in": logged_in, "rps": rps, "p50_ms": 10.0, "p99_ms": p99,
            "queries": queries, "queries_from_page_cache": None if logged_in else 0, "errors": 0,
            "ratio": rps / 1000, "target_ratio": target,
            "target_p99_ms": (150 if logged_in else 100) if target else None}


def test_the_summary_marks_each_target_met_or_missed_and_checks_constant_queries():
    report = {
        "date": "2026-11-23T22:00:00+00:00", "settings": {"seconds": 10, "connections": 16, "workers": 2},
        "machine": {"cores": 2, "load_average_before": [1.0, 1.0, 1.0], "load_average_after": [1.5, 1, 1]},
        "baseline": {"rps": 1000.0, "p99_ms": 5.0},
        "pages": [_row("topic first", False, rps=300, p99=80, queries=3, target=0.25),
                  _row("topic last", False, rps=200, p99=90, queries=3, target=0.25),
                  _row("topic first", True, rps=130, p99=200, queries=8, target=0.12),
                  _row("topic last", True, rps=130, p99=120, queries=9, target=0.12)],
    }
    text = summary.markdown(report)
    lines = {line.split(" | ")[0] + " " + line.split(" | ")[1]: line for line in text.splitlines()
             if line.startswith("| topic")}
    assert "met" in lines["| topic first anonymous"] and "MISSED" not in lines["| topic first anonymous"]
    assert "MISSED" in lines["| topic last anonymous"]  # ratio 0.2 < 0.25
    assert "MISSED" in lines["| topic first member"]  # p99 200 ms >= 150 ms
    assert "| 3 / 0 |" in lines["| topic first anonymous"]
    assert "Topic page queries, anonymous: first page 3, last page 3: the same." in text
    assert "Topic page queries, member: first page 8, last page 9: NOT the same." in text
    assert "2 uvicorn workers under gunicorn" in text  # how runs before the proxy were served

    report["settings"].update(workers=3, server="nginx+sync")
    assert "nginx before 3 gunicorn sync workers" in summary.markdown(report)


def test_a_part_not_run_reuses_its_latest_result_of_the_run_make_bench_makes(tmp_path, monkeypatch):
    import json

    import bench.__main__ as bench_main

    def save(name, date, path, rate):
        (tmp_path / name).write_text(json.dumps({"date": date, "path": path, "events_per_second": rate}))

    save("badges-2026-11-24.json", "2026-11-24T02:18:09+00:00", "inbox", 1238)
    save("badges-2026-12-04-inbox-5k.json", "2026-12-04T16:14:21+00:00", "inbox", 1069)
    # A comparison run saved later, under a name that sorts last: not the engine's figure.
    save("badges-2026-12-04-one-per-transaction-5k.json", "2026-12-04T16:20:00+00:00", "direct", 54)
    monkeypatch.setattr(bench_main, "RESULTS", tmp_path)

    reused = bench_main.last_result("badges-*.json", path="inbox")

    assert reused["events_per_second"] == 1069 and reused["reused"] is True
    assert bench_main.last_result("rewards-*.json") is None
