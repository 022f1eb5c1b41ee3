"""Liveness and health probes (platform_ops.views.health, selectors.health)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from platform_ops.models import WorkerHeartbeat
from platform_ops.selectors import health
from platform_ops.tests.factories import TaskResultFactory

pytestmark = pytest.mark.django_db


def _ready_task(**fields):
    return TaskResultFactory.create(**fields)


def test_liveness_probes_are_cheap_and_public(client, django_assert_num_queries):
    for path in ("/healthz", "/kaithhealthcheck", "/kaithheathcheck"):
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def test_health_reports_database_storage_queue_and_worker(client):
    _ready_task()
    _ready_task()
    WorkerHeartbeat.objects.create(
        worker_id="w-1", started_at=timezone.now(), last_seen_at=timezone.now()
    )
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "ok"
    assert body["storage"] == "ok"
    assert body["static"] == "ok"  # development: no manifest to miss
    assert body["queue"]["depth"] == 2
    assert body["queue"]["oldest_waiting_seconds"] >= 0
    assert body["worker"]["status"] == "ok"


def test_health_says_503_when_storage_is_not_writable(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["storage"] == "not writable"


def test_probes_answer_head_as_well_as_get(client):
    for path in ("/health", "/healthz", "/kaithhealthcheck", "/kaithheathcheck"):
        response = client.head(path)
        assert (response.status_code, response.content) == (200, b"")
        assert client.post(path).status_code == 405


def _manifest_storage(settings, tmp_path, *, collected: bool) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    if collected:
        (settings.STATIC_ROOT / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')


def test_health_says_503_when_collectstatic_never_ran(client, settings, tmp_path):
    _manifest_storage(settings, tmp_path, collected=False)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["static"] == (
        "manifest missing: run python manage.py collectstatic --noinput"
    )
    assert client.get("/healthz").status_code == 200  # liveness only: the process answers


def test_health_is_ok_with_a_collected_manifest(client, settings, tmp_path):
    _manifest_storage(settings, tmp_path, collected=True)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["static"] == "ok"


def test_health_reports_no_worker_without_failing(client):
    body = client.get("/health").json()
    assert body["worker"] == {"last_heartbeat_seconds": None, "status": "none seen"}
    assert body["queue"]["depth"] == 0


@pytest.mark.django_db
def test_health_reuses_a_good_storage_check_but_rechecks_a_bad_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def flaky_storage() -> bool:
        calls.append(1)
        return len(calls) > 1  # not writable the first time, then fine

    monkeypatch.setattr(health, "storage_writable", flaky_storage)
    assert Client().get("/health").status_code == 503
    assert Client().get("/health").status_code == 200
    assert Client().get("/health").status_code == 200
    assert len(calls) == 2  # the good answer was reused, the bad one was not
