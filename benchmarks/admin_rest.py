"""Admin and REST: the accounts changelist and the accounts API with few and many accounts."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve

from django_instagram import crypto
from django_instagram.models import InstagramAccount

from .results import Check, Result, Timing
from .timing import Spread, interleave

CHANGELIST_URL = "/admin/django_instagram/instagramaccount/"
REST_URL = "/api/instagram/accounts/"
# Time per row counts as flat when it grows by at most this factor from the small to the large set.
PER_ROW_TOLERANCE = 1.2
# A list that returns more rows than this on one page, and all of them, counts as not paginated.
UNPAGINATED_ROWS = 100


def add_accounts(total: int) -> None:
    """Create site users with one linked v1 account each until ``total`` benchmark accounts exist."""
    existing = InstagramAccount.objects.filter(instagram_user_id__startswith="bench-").count()
    if existing >= total:
        return
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-user-{number}") for number in range(existing, total)
    )
    ciphertext = crypto.encrypt("benchmark-account-access-token")
    InstagramAccount.objects.bulk_create(
        InstagramAccount(
            user=user, api="legacy", instagram_user_id=f"bench-{number}", username=f"bench_{number}",
            token_ciphertext=ciphertext,
        )
        for number, user in zip(range(existing, total), users)
    )


def staff_client() -> Client:
    admin_user, created = get_user_model().objects.get_or_create(
        username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True},
    )
    client = Client()
    client.force_login(admin_user)
    return client


def rest_available() -> bool:
    try:
        resolve(REST_URL)
    except Resolver404:
        return False
    return True


def run(*, sizes: tuple[int, int], rounds: int) -> Result:
    result = Result(
        key="admin_rest",
        title="Admin and REST",
        subject=f"GET `{CHANGELIST_URL}` and `{REST_URL}` with {sizes[1]:,} accounts",
        baseline=f"the same pages with {sizes[0]:,} accounts",
    )
    client = staff_client()
    pages = {"admin changelist": CHANGELIST_URL}
    if rest_available():
        pages["REST accounts list"] = REST_URL
    else:
        result.notes.append(f"`{REST_URL}` is not routed in this tree, so only the admin was measured.")

    measured: dict[str, dict[int, tuple[Spread, int, int]]] = {name: {} for name in pages}
    for size in sizes:
        add_accounts(size)
        for name, url in pages.items():
            measured[name][size] = _measure_page(client, url, rounds)

    small, large = sizes
    for name in pages:
        (small_time, small_rows, small_queries) = measured[name][small]
        (large_time, large_rows, large_queries) = measured[name][large]
        per_row_small = Spread(*(value / small_rows for value in (small_time.median, small_time.low, small_time.high)),
                               small_time.count)
        per_row_large = Spread(*(value / large_rows for value in (large_time.median, large_time.low, large_time.high)),
                               large_time.count)
        ratio = per_row_large.median / per_row_small.median
        result.timings.append(Timing(
            f"{name}: time per row ({large:,} accounts, {large_rows} rows shown vs {small:,}, {small_rows} rows)",
            per_row_large, per_row_small, Spread(ratio, ratio, ratio, 1), unit="row", target=PER_ROW_TOLERANCE,
        ))
        result.checks.append(Check(
            f"{name}: SQL queries with {small:,} / {large:,} accounts", f"{small_queries} / {large_queries}",
            "equal", small_queries == large_queries,
        ))
        if large_rows >= large > UNPAGINATED_ROWS:
            result.notes.append(f"{name} returned all {large_rows:,} rows on one page: it is not paginated.")
        result.series[f"{name[0].upper()}{name[1:]}: ms per page"] = (
            "accounts", [(small, small_time.median * 1e3), (large, large_time.median * 1e3)]
        )
    result.notes.append(
        f"The admin shows {admin.site._registry[InstagramAccount].list_per_page} rows per page, so the large "
        "set renders one full page; the two sizes are measured one after the other, not interleaved, "
        "because they share one database."
    )
    return result


def _measure_page(client: Client, url: str, rounds: int) -> tuple[Spread, int, int]:
    """Return the time per request, the rows on the page and the SQL queries of one request."""
    executed = []

    def count_query(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper counts every query; CaptureQueriesContext would lose the ones logged
    # before the request_started signal clears the connection's query log.
    with connection.execute_wrapper(count_query):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} returned HTTP {response.status_code}; the benchmark needs 200.")
    rows = _rows(response)
    times = interleave({url: lambda: client.get(url)}, rounds=rounds, repeat=1)[url]
    return Spread.of(times), rows, len(executed)


def _rows(response) -> int:
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return len(body["results"] if isinstance(body, dict) else body)
    # Each changelist row carries one selection checkbox for the admin actions.
    return response.content.count(b'name="_selected_action"')
