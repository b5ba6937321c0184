"""/metrics: off without a token, 401 without the right one; the Prometheus text format, parsed with
prometheus_client's parser; requests counted across gunicorn's worker processes under `pingyi serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from pingyi.ops.timings import job_timing_record
from pingyi.oversight.models import ComparisonRun
from pingyi.oversight.services import comparison_run_period
from tests.ops.conftest import PINGYI, REPO, free_port

TOKEN = "scrape-me-please"


@pytest.fixture
def metrics_on(settings):
    settings.PINGYI_METRICS_TOKEN = TOKEN
    settings.PINGYI_OPS = {**settings.PINGYI_OPS, "metrics_db_seconds": 0}


def _scrape(client) -> dict[str, dict]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, dict] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def test_metrics_are_off_without_a_token_and_refused_without_the_right_one(db, client, settings):
    settings.PINGYI_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.PINGYI_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_the_counts_come_from_the_database(made, world, client, metrics_on):
    comparison_run_period(
        actor="test",
        district=world.district,
        start=made["negative"].rated_at.date().replace(day=1),
        end=made["negative"].rated_at.date(),
        trigger=ComparisonRun.Trigger.COMMAND,
    )
    job_timing_record("pingyi.insight.tasks.refresh", 0.3, True)
    job_timing_record("pingyi.insight.tasks.refresh", 7.0, True)
    from pingyi.insight.tasks import ensure_schedules

    ensure_schedules()
    client.get("/healthz")

    samples = _scrape(client)

    stored = samples["pingyi_ratings_stored_total"]
    assert stored[(("channel", "qr"),)] == 4 and stored[(("channel", "hotline"),)] == 1
    assert stored[(("channel", "sms"),)] == 0
    assert samples["pingyi_tickets_opened_total"][(("source", "rating"),)] == 1
    assert samples["pingyi_tickets_open"][()] == 1 and samples["pingyi_tickets_overdue"][()] == 0
    assert samples["pingyi_job_queue_depth"][()] == 0
    assert samples["pingyi_job_queue_oldest_age_seconds"][()] == 0
    assert samples["pingyi_job_rows"][(("kind", "import"), ("status", "queued"))] == 0
    assert samples["pingyi_comparison_run_duration_seconds_count"][()] == 1
    assert samples["pingyi_comparison_run_last_duration_seconds"][()] >= 0
    refresh = samples["pingyi_rollup_refresh_duration_seconds_bucket"]
    assert (
        refresh[(("le", "0.5"),)] == 1 and refresh[(("le", "10.0"),)] == 2 and refresh[(("le", "+Inf"),)] == 2
    )
    assert samples["pingyi_rollup_refresh_duration_seconds_sum"][()] == pytest.approx(7.3)
    assert samples["pingyi_rollup_refresh_last_duration_seconds"][()] == pytest.approx(7.0)
    assert samples["pingyi_job_duration_seconds_count"][(("func", "pingyi.insight.tasks.refresh"),)] == 2
    by_view = samples["django_http_responses_total_by_status_view_method_total"]
    assert any(
        dict(labels).get("view") == "healthz" and dict(labels)["status"] == "200" for labels in by_view
    )


def test_the_worker_records_how_long_each_job_ran(db, django_capture_on_commit_callbacks):
    from django_q.tasks import async_task

    from pingyi.ops.models import JobTiming

    async_task("pingyi.ops.tasks.heartbeat")  # the test settings run it at once, through django-q's worker
    row = JobTiming.objects.get(func="pingyi.ops.tasks.heartbeat")
    assert row.count == 1 and row.failures == 0 and row.last_seconds is not None and row.buckets[-1] == 1


def _served_healthz(base: str) -> float:
    request = urllib.request.Request(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    family = families["django_http_responses_total_by_status_view_method"]
    return sum(
        s.value for s in family.samples if s.labels.get("view") == "healthz" and s.name.endswith("_total")
    )


@pytest.mark.django_db(transaction=True)
def test_requests_are_counted_across_gunicorn_worker_processes(
    tmp_path, fresh_database_url, child_env, pingyi
):
    env = child_env(
        tmp_path / "home", fresh_database_url, PINGYI_METRICS_TOKEN=TOKEN, PINGYI_DISK_FREE_MIN_MIB="0"
    )
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [PINGYI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "2"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # it migrates the fresh database first
        while True:
            try:
                # Another view than the one counted: a probe that timed out here may still be answered later.
                urllib.request.urlopen(f"{base}/readyz?check=disk", timeout=2).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("pingyi serve did not answer")
                time.sleep(0.5)
        before = _served_healthz(base)
        for _ in range(40):
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()  # noqa: S310
        # Whichever worker process answers a scrape, it sums every process's counts: 40 more, every time.
        assert {_served_healthz(base) - before for _ in range(4)} == {40.0}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
