"""A focal point's two PDF uploads, as the hostile-PDF tests send them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from sessions.models import FullPowersStatus, SigningBasis
from tests import factories


def post_note_verbale(focal_client, data):
    """The portal's documents form, with `data` as a note verbale."""
    upload = SimpleUploadedFile("nv.pdf", data, "application/pdf")
    return focal_client.post(reverse("portal:documents"), {"kind": "note_verbale", "file": upload})


def post_full_powers(data):
    """The programme API's full-powers upload, by the focal point of a State awaiting them."""
    delegation = factories.StateDelegationFactory(code="ken")
    user = factories.FocalPointFactory(delegation=delegation).user
    factories.SignatureFactory(
        delegation=delegation, basis=SigningBasis.FULL_POWERS, full_powers_status=FullPowersStatus.AWAITED
    )
    client = APIClient()
    client.force_authenticate(user)
    upload = SimpleUploadedFile("fp.pdf", data, "application/pdf")
    return client.post("/api/programme/signature/full-powers/", {"file": upload}, format="multipart")
