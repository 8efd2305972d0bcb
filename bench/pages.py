"""The pages the benchmark measures, each fetched anonymous and signed in.

A page is (name, path function, target ratio anonymous, target ratio signed in); the path
function gets the seeded data (``bench.seed.seed()``) and returns the URL to fetch. The
targets are those of the caching and serving issue: topic, idea and product pages >= 0.5 of
the baseline anonymous (p99 < 50 ms) and >= 0.15 signed in for every member, those who took
part included (p99 < 120 ms); home, category, idea list, leaderboard and profile >= 0.10
signed in (``TARGET_P99_MS``). Signed in means as a member reading the page (see
``bench.seed.quiet_reader``); the topic is also measured as its own author sees it and as a
member who liked a post and one who wrote a reply on its first page see it
(``bench.seed.page_liker``, ``page_replier``).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[dict], str]
    target_anonymous: float | None = None
    target_logged_in: float | None = None
    # Signed in as "reader" (a member who took no part in the page), "author" (the member
    # who started the topic: their page shows accept buttons), "liker" (liked a post on the
    # page: liked buttons), "replier" (wrote a reply on it: edit links), "supporter" (a member
    # listed among the idea's recent supporters: the page shows their support) or "reviewer"
    # (the author of the first review on the product page: it shows their review, without a
    # helpful button, and the "Edit your review" link), or "manager" (a community manager,
    # for the staff pages).
    reader: str = "reader"
    members_only: bool = False
    listing: bool = False  # a listing's target is a ratio only, with no p99 bound


def target_p99_ms(page: Page, *, logged_in: bool) -> int | None:
    return None if page.listing else TARGET_P99_MS[logged_in]


# p99 bounds (ms) of the page targets: anonymous, signed in. The listings' ratio targets
# carry no p99 bound of their own.
TARGET_P99_MS = (50, 120)

PAGES = [
    Page("home", lambda data: "/", None, 0.10, listing=True),
    Page("category", lambda data: f"/forum/c/{data['category_slug']}/", None, 0.10, listing=True),
    Page("topic first", lambda data: data["big_topic_url"], 0.5, 0.15),
    Page("topic last", lambda data: f"{data['big_topic_url']}?page={data['big_topic_pages']}", 0.5, 0.15),
    Page("topic first, its author", lambda data: data["big_topic_url"], None, 0.15,
         reader="author", members_only=True),
    Page("topic first, a liker", lambda data: data["big_topic_url"], None, 0.15,
         reader="liker", members_only=True),
    Page("topic first, a replier", lambda data: data["big_topic_url"], None, 0.15,
         reader="replier", members_only=True),
    Page("idea list", lambda data: "/ideas/?sort=trending", None, 0.10, listing=True),
    Page("idea page", lambda data: data["idea_url"], 0.5, 0.15),
    Page("idea page as a supporter", lambda data: data["idea_url"], None, 0.15,
         reader="supporter", members_only=True),
    Page("product page", lambda data: data["product_url"], 0.5, 0.15),
    Page("product page as a reviewer", lambda data: data["product_url"], None, 0.15,
         reader="reviewer", members_only=True),
    Page("leaderboard", lambda data: "/leaderboard/", None, 0.10, listing=True),
    Page("profile", lambda data: f"/u/{data['profile_username']}/", None, 0.10, listing=True),
    # The REST API's main lists (docs/api.md), first page of each (cursor pagination), read
    # anonymously and with the member's session (the API's session authentication).
    Page("api topics", lambda data: "/api/v1/topics/", 0.10, 0.10, listing=True),
    Page("api ideas", lambda data: "/api/v1/ideas/", 0.10, 0.10, listing=True),
    Page("api reviews", lambda data: "/api/v1/reviews/", 0.10, 0.10, listing=True),
    Page("api leaderboard", lambda data: "/api/v1/leaderboards/all/", 0.10, 0.10, listing=True),
    # The community health dashboard over the whole seeded community (aggregates over 60,000
    # posts, 50,000 reviews, 300,000 supports), as a community manager sees it.
    Page("community health, 30 days", lambda data: "/staff/health/?days=30", None, 0.02,
         reader="manager", members_only=True, listing=True),
]
