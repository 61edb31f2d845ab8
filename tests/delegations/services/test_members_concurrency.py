"""Two focal points adding the same passport at once, on PostgreSQL: one member is saved, the
other request gets a clear refusal and leaves no photo file behind."""

import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connections

from delegations import services
from delegations.errors import DelegationError
from delegations.models import Member, passport_hash_of
from tests import factories
from tests.delegations.conftest import member_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 4


@pytest.fixture
def slow_save(monkeypatch):
    """Widen the window between the rules' check and the INSERT, as a loaded server would, so
    every request passes the check and the database's unique constraint decides."""
    save = Member.save

    def delayed_save(self, *args, **kwargs):
        time.sleep(0.2)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Member, "save", delayed_save)


def _data():
    data = member_data()
    data["date_of_birth"] = None
    data["passport_expiry"] = None
    data["arrival"] = data["departure"] = None
    return data


def test_same_passport_added_at_once_in_two_delegations_saves_one(require_postgres, slow_save):
    focal_points = [factories.FocalPointFactory() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    saved, refused, errors = [], [], []

    def add(index):
        close_old_connections()
        try:
            barrier.wait()
            photo = SimpleUploadedFile("p.jpg", factories.jpeg_bytes(), content_type="image/jpeg")
            saved.append(
                services.member_create(
                    delegation=focal_points[index].delegation,
                    actor=focal_points[index].user,
                    data=_data(),
                    photo=photo,
                )
            )
        except DelegationError as error:
            refused.append(error.code)
        except Exception as exc:  # every other failure is reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(saved) == 1 and refused == ["conflict"] * (THREADS - 1)
    assert Member.objects.filter(passport_hash=passport_hash_of("AK1234567")).count() == 1
    stored = [
        name
        for fp in focal_points
        if default_storage.exists(f"photos/{fp.delegation_id}")
        for name in default_storage.listdir(f"photos/{fp.delegation_id}")[1]
    ]
    assert stored == [saved[0].photo.name.rsplit("/", 1)[1]]
