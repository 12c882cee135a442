"""A Django app that plays Instagram for development and tests: consent page, token endpoint and
API endpoints answering from recorded responses, with no credentials and no network.

Enable it with ``INSTAGRAM["SANDBOX"] = True``, add ``django_instagram.sandbox`` to
``INSTALLED_APPS`` and include ``django_instagram.sandbox.urls`` (for example under
``instagram-sandbox/``). Server-side calls then reach it in-process through ``SandboxAdapter``;
the browser reaches its consent page on the site itself.
"""
