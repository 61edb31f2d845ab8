"""The one name search (delegations.selectors.members_matching) on the database the tests
run on: SQLite by default, PostgreSQL (with its trigram index) when DATABASE_URL says so."""

import pytest
from django.db import connection

from accreditation.models import Accreditation, Badge
from delegations.models import Member
from delegations.selectors import members_matching
from delegations.services import member_update
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "nguyen": factories.MemberFactory(
            family_name="Nguyễn", given_names="Văn An", badge_name="Nguyễn Văn An"
        ),
        "dvorak": factories.MemberFactory(
            family_name="Dvořák", given_names="Antonín", badge_name="A. Dvořák"
        ),
        "dang": factories.MemberFactory(family_name="Đặng", given_names="Thị Mai", badge_name="Đặng Thị Mai"),
        "bui": factories.MemberFactory(family_name="Bùi", given_names="Hữu Nam", badge_name="Bùi Hữu Nam"),
        "smith": factories.MemberFactory(family_name="Smith", given_names="John", badge_name="John Smith"),
    }


def _names(queryset):
    return sorted(m.family_name for m in queryset)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("nguyen", ["Nguyễn"]),
        ("NGUYỄN", ["Nguyễn"]),
        ("dvorak", ["Dvořák"]),
        ("bui", ["Bùi"]),
        ("dang", ["Đặng"]),
        ("Đặng", ["Đặng"]),
        ("van nguyen", ["Nguyễn"]),  # every word, in any order
        ("thi", ["Đặng"]),
        ("nguyen smith", []),
        ("  ", ["Bùi", "Dvořák", "Nguyễn", "Smith", "Đặng"]),
    ],
)
def test_members_matching_folds_case_and_accents(people, text, found):
    assert _names(members_matching(Member.objects.all(), text)) == sorted(found)


def test_members_matching_through_a_path(people):
    accreditation = factories.AccreditationFactory(member=people["dvorak"])
    factories.AccreditationFactory(member=people["smith"])
    badge = factories.BadgeFactory(accreditation=accreditation)
    assert list(members_matching(Accreditation.objects.all(), "dvorak", member_path="member__")) == [
        accreditation
    ]
    assert list(members_matching(Badge.objects.all(), "DVORÁK", member_path="accreditation__member__")) == [
        badge
    ]


def test_members_matching_adds_no_query(people, django_assert_num_queries):
    with django_assert_num_queries(0):
        queryset = members_matching(Member.objects.all(), "nguyen van")
    with django_assert_num_queries(1):
        assert len(queryset) == 1


def test_the_search_column_follows_every_change(people, focal_user):
    member = people["smith"]
    member = member_update(
        member=member, actor=focal_user, data={"family_name": "Trần", "badge_name": "John Trần"}
    )
    assert list(members_matching(Member.objects.all(), "tran")) == [member]
    assert not members_matching(Member.objects.all(), "smith").exists()
    # A save of named fields refreshes the column too (the admin saves that way).
    member.given_names = "Đức"
    member.save(update_fields=["given_names"])
    assert list(members_matching(Member.objects.all(), "duc tran")) == [member]


def test_postgres_searches_through_the_trigram_index(people, require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'member_search_name_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
        # A handful of rows: left alone, PostgreSQL reads the table. Without sequential or
        # plain index scans, what is left is a bitmap scan of an index the condition uses.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = members_matching(Member.objects.all(), "nguyen").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "member_search_name_trgm" in plan
