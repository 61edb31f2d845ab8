"""A photo file is deleted only when no row refers to it any more; the demo gives every member a
file of its own."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from delegations import services
from delegations.models import Member
from tests import factories
from tests.accreditation.review_helpers import staff
from tests.hanoi_summit.seed.test_seed import small_demo  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _upload():
    return SimpleUploadedFile("p.jpg", factories.jpeg_bytes(600, 800), content_type="image/jpeg")


@pytest.fixture
def sharing(delegation):
    """Two members whose rows name one file, as the demo's members did."""
    first = factories.MemberFactory(delegation=delegation, with_photo=True)
    second = factories.MemberFactory(delegation=delegation)
    Member.objects.filter(pk=second.pk).update(photo=first.photo.name)
    second.refresh_from_db()
    return first, second


def test_replacing_one_members_photo_keeps_the_file_another_refers_to(
    sharing, focal_user, client, django_capture_on_commit_callbacks
):
    first, second = sharing
    shared = first.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.member_photo_set(member=first, actor=focal_user, upload=_upload())
    first.refresh_from_db()
    assert first.photo.name != shared
    assert default_storage.exists(shared)
    client.force_login(staff("Accreditation officer"))
    assert client.get(reverse("review:member-photo", args=[second.pk])).status_code == 200


def test_deleting_one_of_two_members_keeps_the_file_and_the_last_one_removes_it(
    sharing, focal_user, django_capture_on_commit_callbacks
):
    first, second = sharing
    shared = first.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.member_delete(member=first, actor=focal_user)
    assert default_storage.exists(shared)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_delete(member=second, actor=focal_user)
    assert not default_storage.exists(shared)


def test_a_photo_of_its_own_is_still_deleted_when_replaced(
    delegation, focal_user, django_capture_on_commit_callbacks
):
    member = factories.MemberFactory(delegation=delegation, with_photo=True)
    old = member.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.member_photo_set(member=member, actor=focal_user, upload=_upload())
    assert not default_storage.exists(old)


@pytest.mark.usefixtures("small_demo")
def test_the_demo_gives_every_member_a_file_of_its_own():
    call_command("seed_summit", "--demo", stdout=StringIO())
    names = list(Member.objects.exclude(photo="").values_list("photo", flat=True))
    assert len(names) > 20
    assert len(set(names)) == len(names)
    assert all(default_storage.exists(name) for name in names)
    assert default_storage.open(names[0]).read(2) == b"\xff\xd8"
