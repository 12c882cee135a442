"""Graph error bodies mapped into the client's exception tree."""

from __future__ import annotations

import pytest

from django_instagram.client.envelopes import graph_error
from django_instagram.client.errors import (
    InstagramAPIError, NotFoundError, OAuthAccessTokenError, OAuthPermissionsError, RateLimitError,
)
from tests.conftest import graph_fixture

BUC = (
    '{"17841405822304914": [{"type": "instagram", "call_count": 100, "total_cputime": 20, '
    '"total_time": 20, "estimated_time_to_regain_access": 7}]}'
)


def _body(code, message="Something failed.", subcode=None, error_type="OAuthException", transient=None):
    error = {"message": message, "type": error_type, "code": code, "fbtrace_id": "AbCdEf"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    return {"error": error}


@pytest.mark.parametrize("subcode", [None, 458, 460, 463, 467])
def test_token_error_any_subcode(subcode):
    error = graph_error(400, _body(190, "Error validating access token: Session has expired.", subcode), {})

    assert type(error) is OAuthAccessTokenError
    assert error.code == 190
    assert error.subcode == subcode
    assert error.trace_id == "AbCdEf"
    assert str(error) == "OAuthException: Error validating access token: Session has expired."


@pytest.mark.parametrize("code", [10, 200, 250, 299])
def test_permission_codes(code):
    assert type(graph_error(400, _body(code), {})) is OAuthPermissionsError


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80002])
def test_rate_limit_codes_read_regain_time(code):
    error = graph_error(400, _body(code, transient=True), {"X-Business-Use-Case-Usage": BUC})

    assert type(error) is RateLimitError
    assert error.retry_after == 7 * 60
    assert error.is_transient is True


def test_rate_limit_without_header():
    error = graph_error(400, _body(80002), {})

    assert type(error) is RateLimitError
    assert error.retry_after is None


def test_required_permission_recorded():
    error = graph_error(400, graph_fixture("error_permission"), {})

    assert type(error) is OAuthPermissionsError
    assert error.code == 100
    assert "requires the 'pages_read_engagement' permission" in error.message
    assert error.trace_id == "HEg_tI30vZxuA3XkfvxsEiL"


def test_missing_object_without_permission_named():
    body = _body(100, "(#100) Object does not exist, cannot be loaded due to missing permission.", None, "OAuthException")

    error = graph_error(400, body, {})

    assert type(error) is NotFoundError


def test_subcode_33_naming_permission_not_found():
    message = "Unsupported get request. Object with ID '1' does not exist. This endpoint requires the 'x' permission."
    error = graph_error(400, _body(100, message, 33, "GraphMethodException"), {})

    assert type(error) is NotFoundError


def test_missing_object_subcode_33():
    body = _body(100, "Unsupported get request.", 33, "GraphMethodException")

    error = graph_error(400, body, {})

    assert type(error) is NotFoundError
    assert error.error_type == "GraphMethodException"


def test_invalid_parameter_stays_generic():
    error = graph_error(400, _body(100, "(#100) Param limit must be a number."), {})

    assert type(error) is InstagramAPIError


def test_service_error_is_transient():
    error = graph_error(500, _body(2, "Service temporarily unavailable"), {})

    assert error.is_transient is True


def test_token_endpoint_shape():
    body = {"error_type": "OAuthException", "code": 400, "error_message": "Matching code was not found or was already used"}

    error = graph_error(400, body, {})

    assert isinstance(error, InstagramAPIError)
    assert error.message == "Matching code was not found or was already used"


def test_success_is_none():
    assert graph_error(200, graph_fixture("me"), {}) is None


def test_repr_names_codes():
    error = graph_error(400, _body(190, "Invalid OAuth access token.", 467), {})

    assert repr(error) == (
        "OAuthAccessTokenError(status_code=400, error_type='OAuthException', code=190, subcode=467, "
        "message='Invalid OAuth access token.')"
    )
