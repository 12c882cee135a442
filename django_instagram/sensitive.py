"""Keeping credentials in a request's query string out of error reports and log records.

Instagram sends the authorisation ``code`` to the OAuth callback in the query string, and Meta
sends ``hub.verify_token`` to the webhook the same way. Django attaches the request to the
``django.request`` records of 4xx and 5xx responses, and error e-mails and the DEBUG error page
print its full URL and ``GET`` items. Django's ``sensitive_post_parameters`` covers POST bodies
only, so a view that reads such a query calls ``take_query`` first.
"""

from __future__ import annotations

from django.http import HttpRequest, QueryDict

from .client.redaction import redact_text


def take_query(request: HttpRequest) -> QueryDict:
    """Return the request's query parameters, then redact their secret values on the request.

    Afterwards ``request.GET``, ``request.META["QUERY_STRING"]`` and therefore
    ``request.get_full_path()`` and ``repr(request)`` show ``[redacted]`` in place of each value
    of ``client.redaction.SECRET_PARAMETERS``. The view works with the returned copy.
    """
    params = request.GET.copy()
    query = request.META.get("QUERY_STRING", "")
    cleaned = redact_text(query)
    if cleaned != query:
        request.META["QUERY_STRING"] = cleaned
        request.GET = QueryDict(cleaned, encoding=request.encoding)
    return params
