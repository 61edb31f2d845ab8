"""API plumbing shared by every app: one error shape, domain errors as 400s."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
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


class ErrorOutput(serializers.Serializer):
    """The body of every refusal, as `exception_handler` writes it."""

    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field, when the input was refused.",
    )


#: The refusals an operation may answer, documented with the shared error shape.
ERROR_RESPONSES = {
    "400": OpenApiResponse(ErrorOutput, description="Refused input (`code` says why)."),
    "401": OpenApiResponse(ErrorOutput, description="No valid credentials (a token request)."),
    "403": OpenApiResponse(ErrorOutput, description="Not signed in, or not allowed."),
    "404": OpenApiResponse(ErrorOutput, description="No such object, or not yours."),
    "415": OpenApiResponse(ErrorOutput, description="A body in a media type the operation does not read."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the refusals each operation can answer, with their
    shape (ErrorOutput): 400 when it writes or filters, 401 and 403 when it needs a signed-in
    caller, 404 when its path names an object, 415 when it reads a body. Answers the view
    documents itself are kept."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(ERROR_RESPONSES[code], code)
        return operation

    def _error_codes(self, operation):
        codes = []
        filters = [
            p
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p["name"] not in ("limit", "offset")
        ]
        # Domain errors refuse writes (even body-less ones) with a 400, and filters refuse reads.
        if self.method != "GET" or filters:
            codes.append("400")
        if not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        return codes


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
