"""The pages the benchmark measures, each fetched anonymous and signed in.

A page is (name, path function, target ratio anonymous, target ratio signed in); the path
function gets the seeded data (``bench.seed.seed()``) and returns the URL to fetch. The
targets are the benchmarks issue's: topic, idea and product pages >= 0.25 of the baseline
anonymous and >= 0.12 signed in.
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
    Page("category", lambda data: f"/forum/c/{data['category_slug']}/"),
    Page("topic first", lambda data: data["big_topic_url"], 0.25, 0.12),
    Page("topic last", lambda data: f"{data['big_topic_url']}?page={data['big_topic_pages']}", 0.25, 0.12),
    Page("idea list", lambda data: "/ideas/?sort=trending"),
    Page("idea page", lambda data: data["idea_url"], 0.25, 0.12),
    Page("product page", lambda data: data["product_url"], 0.25, 0.12),
    Page("leaderboard", lambda data: "/leaderboard/"),
    Page("profile", lambda data: f"/u/{data['profile_username']}/"),
]
