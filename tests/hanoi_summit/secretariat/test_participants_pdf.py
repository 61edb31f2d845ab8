"""The official List of Participants PDF, read back with pypdf: sections and delegations in
the UN's order, the head of delegation first, only approved people, Vietnamese intact."""

import io

import pytest
from pypdf import PdfReader

from accreditation.models import AccreditationStatus as S
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus, MemberRole, ProtocolRank
from hanoi_summit.secretariat.participants_pdf import participants_pdf
from tests import factories as f
from tests.hanoi_summit.secretariat.exports.downloads import downloaded

pytestmark = pytest.mark.django_db

URL = "/dashboard/participants.pdf"


def person(delegation, badge_name, *, status=S.APPROVED, **kwargs):
    """A member named `badge_name`, written family name first (its first word)."""
    family, _, given = badge_name.partition(" ")
    member = f.MemberFactory(
        delegation=delegation,
        badge_name=badge_name,
        family_name=family,
        given_names=given,
        family_name_first=True,
        photo="",
        **kwargs,
    )
    f.AccreditationFactory(member=member, status=status)
    return member


def delegation(name, kind, country="", status=DelegationStatus.CONFIRMED):
    return f.DelegationFactory(
        name=name, kind=kind, country=country, status=status, code=name.lower()[:20].replace(" ", "-")
    )


def pdf_text(response):
    # Made in the background: `downloaded` runs the job and fetches its file.
    response = downloaded(response)
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    # Lines of a long heading wrap in a column: compare words, not line breaks.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def in_order(text, *needles):
    positions = [text.find(n) for n in needles]
    assert all(p >= 0 for p in positions), dict(zip(needles, positions, strict=True))
    return positions == sorted(positions)


@pytest.fixture
def event():
    viet_nam = delegation("Viet Nam", K.HOST_COUNTRY, "VN")
    # Created before the head, and of a higher rank: still listed after the head.
    person(
        viet_nam,
        "Lê Văn Minh",
        title="H.E. Mr",
        function="Deputy Prime Minister",
        protocol_rank=ProtocolRank.DEPUTY_PRIME_MINISTER,
    )
    person(
        viet_nam,
        "Nguyễn Thị Thu Hà",
        title="H.E. Ms",
        function="Minister of Public Security",
        role=MemberRole.HEAD,
        protocol_rank=ProtocolRank.MINISTER,
    )
    person(viet_nam, "Trần Quốc Bảo", title="Mr", function="Adviser", protocol_rank=ProtocolRank.OTHER)
    person(viet_nam, "Phạm Draft", status=S.DRAFT)
    person(viet_nam, "Hoàng Refused", status=S.REFUSED)
    person(viet_nam, "Đỗ Revoked", status=S.REVOKED)
    person(viet_nam, "Vũ Collected", status=S.COLLECTED)

    for name, country in [("Zambia", "ZM"), ("Albania", "AL"), ("Côte d'Ivoire", "CI")]:
        person(delegation(name, K.MEMBER_STATE, country), f"Delegate {name}", role=MemberRole.HEAD)
    person(delegation("Holy See", K.OBSERVER_STATE, "VA"), "Observer Parolin")
    person(delegation("European Union", K.REIO), "Delegate EU")
    person(delegation("INTERPOL", K.IGO), "Officer Interpol")
    person(delegation("United Nations Office on Drugs and Crime", K.UN_ENTITY), "Official UNODC")
    person(delegation("Access Now", K.NGO), "Activist Access")
    person(delegation("Big Tech Inc", K.PRIVATE_SECTOR), "Engineer Tech")
    person(delegation("Hanoi University", K.ACADEMIA), "Professor Hanoi")
    person(delegation("Viet Nam News", K.MEDIA), "Journalist News")
    # Not listed: withdrawn, or nobody approved yet.
    person(delegation("Brazil", K.MEMBER_STATE, "BR", status=DelegationStatus.WITHDRAWN), "Withdrawn Person")
    person(delegation("Japan", K.MEMBER_STATE, "JP"), "Pending Person", status=S.SUBMITTED)


def test_sections_in_the_un_order(secretariat_client, event):
    text = pdf_text(secretariat_client.get(URL))
    assert text.startswith("List of Participants")
    assert in_order(
        text,
        " States ",
        "Observer States",
        "Regional economic integration organisation",
        "Intergovernmental organisations",
        "United Nations entities",
        "Other organisations",
        "Non-governmental organisations",
        "Private sector",
        "Academia",
        "Media",
    )


def test_states_in_english_alphabetical_order_with_the_host_among_them(secretariat_client, event):
    text = pdf_text(secretariat_client.get(URL))
    assert in_order(text, "Albania", "Côte d'Ivoire", "Viet Nam H.E.", "Zambia", "Holy See", "European Union")
    assert in_order(
        text,
        "INTERPOL",
        "United Nations Office on Drugs and Crime",
        "Access Now",
        "Big Tech Inc",
        "Hanoi University",
    )


def test_head_of_delegation_first_then_by_protocol_rank(secretariat_client, event):
    text = pdf_text(secretariat_client.get(URL))
    assert in_order(text, "H.E. Ms Nguyễn Thị Thu Hà", "H.E. Mr Lê Văn Minh", "Mr Trần Quốc Bảo")
    assert "Minister of Public Security, Head of delegation" in text


def test_protocol_order_head_deputy_then_the_others(secretariat_client):
    algeria = delegation("Algeria", K.MEMBER_STATE, "DZ")
    for n in range(6):
        person(algeria, f"Adviser{n} Someone", protocol_rank=ProtocolRank.OTHER)
    person(algeria, "Deputy Karim", role=MemberRole.DEPUTY, protocol_rank=ProtocolRank.VICE_MINISTER)
    person(algeria, "Minister Amina", protocol_rank=ProtocolRank.MINISTER)
    person(algeria, "Head Ahmed", role=MemberRole.HEAD, protocol_rank=ProtocolRank.MINISTER)
    text = pdf_text(secretariat_client.get(URL))
    assert in_order(text, "Head Ahmed", "Deputy Karim", "Minister Amina", "Adviser0 Someone")


def test_a_delegation_that_runs_on_repeats_its_name(secretariat_client):
    big = delegation("Algeria", K.MEMBER_STATE, "DZ")
    big.badge_quota = 200
    big.save()
    for n in range(150):
        person(big, f"Member{n:03d} Person")
    person(delegation("Zambia", K.MEMBER_STATE, "ZM"), "Delegate Zambia")
    reader = PdfReader(io.BytesIO(b"".join(downloaded(secretariat_client.get(URL)).streaming_content)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) >= 2
    assert "Algeria (cont.)" not in pages[0].split("Member000")[0]
    assert all("Algeria (cont.)" in page for page in pages[1:-1] if "Member" in page)
    assert "Algeria (cont.)" in pages[1]
    assert "Zambia (cont.)" not in " ".join(pages)


def test_only_people_accredited_from_approval_onward(secretariat_client, event):
    text = pdf_text(secretariat_client.get(URL))
    assert "Vũ Collected" in text
    for absent in (
        "Phạm Draft",
        "Hoàng Refused",
        "Đỗ Revoked",
        "Withdrawn Person",
        "Pending Person",
        "Brazil",
        "Japan",
    ):
        assert absent not in text


def test_vietnamese_names_are_extractable_exactly(secretariat_client, event):
    text = pdf_text(secretariat_client.get(URL))
    for name in ("Nguyễn Thị Thu Hà", "Lê Văn Minh", "Trần Quốc Bảo"):
        assert name in text


def test_empty_list_is_still_a_pdf(secretariat_client):
    text = pdf_text(secretariat_client.get(URL))
    assert "Nobody has been accredited yet." in text


@pytest.mark.parametrize("role", ["Gate officer", "Security officer"])
def test_only_staff_who_see_delegations_and_members(client, role):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("n", [1, 3])
def test_query_count_does_not_grow_with_the_delegations(django_assert_num_queries, n):
    for i in range(n):
        d = f.DelegationFactory()
        person(d, f"Member{i} One", role=MemberRole.HEAD)
        person(d, f"Member{i} Two")
    # Delegations, their members: whatever the number of delegations.
    with django_assert_num_queries(2):
        content = participants_pdf()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert text.count("Member") == 2 * n
