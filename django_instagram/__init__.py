"""django_instagram: link Instagram accounts to Django users and call the Instagram API.

Vocabulary used throughout the package:

client
    ``django_instagram.client``, plain Python with no Django imports: the transport, the
    endpoints of each API, result types, errors and pagination.
transport
    The one ``requests.Session`` wrapper that sends every request (timeouts, User-Agent,
    retries, redaction).
account
    An ``InstagramAccount`` row: one Instagram account linked to one site user, with its token.
token
    An Instagram access token. Stored encrypted, never logged or shown.
API
    ``"graph"`` (the Instagram API with Instagram Login, graph.instagram.com) or ``"legacy"``
    (the v1 API that Elixtagram wrapped).
media, carousel, cursor, scope, redirect URI
    As Instagram's documentation uses them.
sandbox
    ``django_instagram.sandbox``, a Django app that plays Instagram for development and tests.
"""

__version__ = "0.1.0"
