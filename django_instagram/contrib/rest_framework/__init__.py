"""A REST API for linked Instagram accounts, built on Django REST framework.

Install the ``rest`` extra (``pip install django-instagram-platform[rest]``), add
``"rest_framework"`` to ``INSTALLED_APPS`` and include the URLs::

    path("api/instagram/", include("django_instagram.contrib.rest_framework.urls")),

This package is the only part of django_instagram that imports ``rest_framework``, so the rest of
the app works without it.
"""
