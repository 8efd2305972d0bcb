"""The pages the benchmark measures. Each feature adds its pages here as it lands.

A page is (name, path function, target ratio anonymous, target ratio logged in); the path
function gets the seeded data and returns the URL to fetch.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[dict], str]
    target_anonymous: float | None = None
    target_logged_in: float | None = None


PAGES = [
    Page("home", lambda data: "/"),
    Page("product list", lambda data: "/products/"),
    Page("product page", lambda data: data["product_url"], 0.25, 0.12),
    Page("profile", lambda data: f"/u/{data['profile_username']}/"),
    Page("notifications", lambda data: "/notifications/", None, None),
]
