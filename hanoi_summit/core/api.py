"""API plumbing shared by every app: one error shape, domain errors as 400s."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hanoi_summit.core.api_input import MAX_ROW_ID
from hanoi_summit.core.errors import DomainError


def row_id_field(**kwargs):
    """A serializer field for the id of a row sent in a request."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID, **kwargs)


def HasPerm(permission):  # noqa: N802 - it names a permission class, as DRF's do
    """A DRF permission class: a signed-in user holding `permission` ("app_label.codename")."""

    class HasPermission(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.has_perm(permission))

    HasPermission.__name__ = f"Has_{permission.replace('.', '_')}"
    return HasPermission


def exception_handler(exc, context):
    """Answer every refusal as 4xx JSON with a `code`; never let a domain error become a 500.

    Shape: {"code": "...", "detail": "...", "errors": {field: [messages]}?}
    """
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"code": "invalid", "detail": _("Some fields are invalid."), "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = {"code": code, "detail": str(exc.detail)}
    return response
