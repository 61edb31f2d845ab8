"""Uploaded PDFs (notes verbales, full powers): checked by content, not by name."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from delegations.errors import DelegationError

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def document_clean(upload):
    """Check an uploaded PDF and return its bytes as a `ContentFile`.

    A file is a PDF when it starts with "%PDF-" and pypdf can read at least one page from it;
    an executable renamed to .pdf fails the first test, a damaged PDF the second.
    Raises DelegationError (field "file").
    """
    from pypdf import PdfReader

    size = getattr(upload, "size", None)
    if size is not None and size > DOCUMENT_MAX_BYTES:
        raise DelegationError(
            _("The file is too large; the limit is %(limit)s MB.")
            % {"limit": DOCUMENT_MAX_BYTES // 1024 // 1024},
            code="document_too_large",
            field="file",
        )
    data = upload.read()
    not_a_pdf = DelegationError(_("This file is not a PDF document."), code="document_invalid", field="file")
    if not data.startswith(b"%PDF-") or len(data) > DOCUMENT_MAX_BYTES:
        raise not_a_pdf
    try:
        reader = PdfReader(io.BytesIO(data))
        # Owner-password PDFs (printing restricted) open with an empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise not_a_pdf
        if len(reader.pages) < 1:
            raise not_a_pdf
    except DelegationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on a broken file
        raise not_a_pdf from exc
    return ContentFile(data, name="document.pdf")
