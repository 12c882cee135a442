"""Rate-limit usage that Instagram reports in response headers.

v1 sends ``X-Ratelimit-Limit`` and ``X-Ratelimit-Remaining`` (calls per hour). The Graph API
sends ``X-App-Usage`` (percentages of the app's budget) and ``X-Business-Use-Case-Usage`` (per
account id: percentages and ``estimated_time_to_regain_access`` in minutes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from . import coerce


@dataclass(frozen=True, slots=True)
class RateLimitUsage:
    limit: int | None = None
    remaining: int | None = None
    app_usage: dict[str, int] = field(default_factory=dict)
    business_use_case_usage: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def max_percent(self) -> int | None:
        """The highest percentage of any budget in use, or the v1 share used, or ``None``."""
        values = [v for v in self.app_usage.values() if isinstance(v, int)]
        for entries in self.business_use_case_usage.values():
            for entry in entries:
                values.extend(
                    v for k, v in entry.items()
                    if k in ("call_count", "total_cputime", "total_time") and isinstance(v, int)
                )
        if self.limit and self.remaining is not None:
            values.append(round(100 * (self.limit - self.remaining) / self.limit))
        return max(values) if values else None

    @property
    def regain_access_seconds(self) -> int | None:
        """Seconds until Instagram lifts a block, from ``estimated_time_to_regain_access``."""
        minutes = [
            coerce.as_int(entry.get("estimated_time_to_regain_access"))
            for entries in self.business_use_case_usage.values()
            for entry in entries
        ]
        minutes = [m for m in minutes if m]
        return max(minutes) * 60 if minutes else None

    @property
    def is_empty(self) -> bool:
        return self.limit is None and self.remaining is None and not self.app_usage and not self.business_use_case_usage

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitUsage:
        lowered = {str(k).lower(): v for k, v in headers.items()}
        return cls(
            limit=coerce.as_int(lowered.get("x-ratelimit-limit")),
            remaining=coerce.as_int(lowered.get("x-ratelimit-remaining")),
            app_usage=_read_app_usage(lowered.get("x-app-usage")),
            business_use_case_usage=_read_business_usage(lowered.get("x-business-use-case-usage")),
        )


def _load_json(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


def _read_app_usage(value: str | None) -> dict[str, int]:
    usage = {}
    for key, number in coerce.as_dict(_load_json(value)).items():
        count = coerce.as_int(number)
        if count is not None:
            usage[str(key)] = count
    return usage


def _read_business_usage(value: str | None) -> dict[str, list[dict[str, Any]]]:
    usage = {}
    for account_id, entries in coerce.as_dict(_load_json(value)).items():
        usage[str(account_id)] = [
            {k: (coerce.as_int(v) if k != "type" else v) for k, v in entry.items()}
            for entry in coerce.as_list(entries)
            if isinstance(entry, dict)
        ]
    return usage
