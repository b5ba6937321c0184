"""A job whose worker died does not stay "running": the reaper fails it with the reason, it can be retried from its
page or the command line, and a task delivered twice does nothing the second time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.imports.models import ImportJob
from pingyi.imports.runner import run_import_job
from pingyi.ops.reaper import WORKER_STOPPED, reap
from pingyi.oversight.models import ComparisonRun
from pingyi.oversight.services import comparison_start
from pingyi.reports.models import Report
from pingyi.reports.runner import build_report
from pingyi.reports.services import report_request


def _long_ago(settings) -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.PINGYI_OPS["job_stale_seconds"] + 10)


def _running(model, pk, started) -> None:
    model.objects.filter(pk=pk).update(status="running", started_at=started)


@pytest.fixture
def report(world):
    return report_request(actor=world.users["inspector"], kind="monthly", year=2026, month=1, enqueue=False)


@pytest.fixture
def comparison(world):
    return comparison_start(
        actor=world.users["inspector"],
        district=world.district,
        start=timezone.localdate().replace(day=1),
        end=timezone.localdate(),
        trigger=ComparisonRun.Trigger.BACK_OFFICE,
    )


def test_the_reaper_fails_stale_running_rows_of_every_kind_with_the_reason(
    world, new_import_job, report, comparison, settings
):
    job = new_import_job()
    _running(ImportJob, job.pk, _long_ago(settings))
    _running(Report, report.pk, _long_ago(settings))
    ComparisonRun.objects.filter(pk=comparison.pk).update(started_at=_long_ago(settings))

    done = reap()

    assert {(r.kind, r.pk, r.action) for r in done} == {
        ("import", job.pk, "failed"),
        ("report", report.pk, "failed"),
        ("comparison", comparison.pk, "failed"),
    }
    job.refresh_from_db(), report.refresh_from_db(), comparison.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.message.startswith(WORKER_STOPPED)
    assert job.errors[0]["message"].startswith(WORKER_STOPPED) and job.finished_at
    assert report.status == Report.Status.FAILED and report.message.startswith(WORKER_STOPPED)
    assert comparison.status == ComparisonRun.Status.FAILED and comparison.error.startswith(WORKER_STOPPED)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"job.import.abandon", "job.report.abandon", "job.comparison.abandon"} <= actions
    assert reap() == []  # nothing left to do


def test_a_job_running_within_its_time_limit_is_left_alone(world, new_import_job, comparison):
    job = new_import_job()
    _running(ImportJob, job.pk, timezone.now() - timedelta(seconds=30))
    assert reap() == []
    job.refresh_from_db()
    comparison.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and comparison.status == ComparisonRun.Status.RUNNING


def test_a_failed_import_is_retried_from_its_page_and_runs_again(
    world, new_import_job, settings, django_capture_on_commit_callbacks
):
    job = new_import_job(rows=3)
    _running(ImportJob, job.pk, _long_ago(settings))
    reap()
    client = world.client("hall_manager")
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert WORKER_STOPPED in page and f"/imports/{job.pk}/retry/" in page

    with django_capture_on_commit_callbacks(execute=True):  # the test settings run tasks synchronously
        response = client.post(f"/imports/{job.pk}/retry/")

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 3 and not job.errors, job.errors
    assert AuditEntry.objects.filter(action="import_job.retry", object_id=str(job.pk)).exists()


def test_who_may_not_import_may_not_retry(world, new_import_job, settings):
    job = new_import_job()
    _running(ImportJob, job.pk, _long_ago(settings))
    reap()
    assert world.client("clerk").post(f"/imports/{job.pk}/retry/").status_code in {403, 404}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


def test_a_failed_report_is_built_again_from_its_page(
    world, report, settings, django_capture_on_commit_callbacks
):
    _running(Report, report.pk, _long_ago(settings))
    reap()
    client = world.client("inspector")
    assert f"/reports/{report.pk}/retry/" in client.get(f"/reports/{report.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{report.pk}/retry/")
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.pdf


def test_a_failed_comparison_is_run_again_as_a_new_run(
    world, comparison, settings, django_capture_on_commit_callbacks
):
    ComparisonRun.objects.filter(pk=comparison.pk).update(started_at=_long_ago(settings))
    reap()
    client = world.client("inspector")
    assert f"/oversight/runs/{comparison.pk}/retry/" in client.get("/oversight/runs/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/oversight/runs/{comparison.pk}/retry/")
    again = ComparisonRun.objects.exclude(pk=comparison.pk).get()
    assert again.status == ComparisonRun.Status.DONE
    assert (again.period_start, again.period_end) == (comparison.period_start, comparison.period_end)


def test_a_task_delivered_twice_runs_the_job_once(world, new_import_job, report):
    job = new_import_job(rows=2)
    assert run_import_job(job.pk).status == ImportJob.Status.DONE
    audits = AuditEntry.objects.count()
    assert run_import_job(job.pk).status == ImportJob.Status.DONE  # the second delivery finds it done
    build_report(report.pk)
    built = AuditEntry.objects.count()
    assert build_report(report.pk).status == Report.Status.DONE
    assert AuditEntry.objects.count() == built and built == audits + 1


def test_a_job_the_reaper_gave_up_on_is_not_run_by_a_late_delivery(world, new_import_job, settings):
    job = new_import_job()
    _running(ImportJob, job.pk, _long_ago(settings))
    reap()
    assert run_import_job(job.pk).status == ImportJob.Status.FAILED


def test_a_queued_row_whose_task_was_lost_is_queued_again(world, new_import_job, settings):
    job = new_import_job(rows=2)  # enqueue=False: as if the broker had lost its task
    ImportJob.objects.filter(pk=job.pk).update(created_at=_long_ago(settings))
    done = reap()
    assert [(r.kind, r.action) for r in done] == [("import", "requeued")]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE  # the test settings run the queued task at once


def test_the_jobs_command_lists_reaps_and_retries(
    world, new_import_job, settings, capsys, django_capture_on_commit_callbacks
):
    job = new_import_job(rows=2)
    _running(ImportJob, job.pk, _long_ago(settings))
    call_command("jobs", "list")
    assert f"import {job.pk}: running" in capsys.readouterr().out
    call_command("jobs", "reap")
    assert f"import {job.pk}: failed" in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("jobs", "retry", "import", str(job.pk))
    assert f"import {job.pk}: queued again" in capsys.readouterr().out
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


def test_the_jobs_command_retries_a_failed_comparison(
    world, comparison, settings, capsys, django_capture_on_commit_callbacks
):
    ComparisonRun.objects.filter(pk=comparison.pk).update(started_at=_long_ago(settings))
    reap()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("jobs", "retry", "comparison", str(comparison.pk))
    again = ComparisonRun.objects.exclude(pk=comparison.pk).get()  # a new run; the failed one stays listed
    assert f"comparison {again.pk}: queued again" in capsys.readouterr().out
    assert again.status == ComparisonRun.Status.DONE and again.started_by is None
