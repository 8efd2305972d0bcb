import csv
import io
import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, CommunityManagerFactory
from tests.forum.factories import make_reply, make_topic


def test_a_manager_reads_community_health_for_a_week_and_downloads_it_and_brand_staff_cannot(
        new_page, live, moderation_relaxed):
    CommunityManagerFactory(username="maya")
    BrandStaffFactory(username="sam")
    topic = make_topic(title="Descaling with citric acid")
    make_reply(topic)

    manager = new_page()
    log_in(manager, "maya", PASSWORD)
    manager.goto("/")
    manager.get_by_label("Staff pages").click()
    manager.get_by_role("link", name="Community health").click()
    expect(manager.get_by_role("heading", name="Community health", exact=True)).to_be_visible()
    expect(manager.get_by_text("figures as of")).to_be_visible()
    expect(manager.locator("figure.chart").first).to_be_visible()

    manager.get_by_label("Period", exact=True).select_option("7")
    manager.get_by_role("button", name="Show").click()
    expect(manager).to_have_url(re.compile(r"days=7"))
    with manager.expect_download() as download_info:
        manager.locator("#health-export").click()
    download = download_info.value
    assert download.suggested_filename.startswith("community-health-7-days-")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows and len(rows) > 7

    manager.goto("/staff/health/?days=banana")
    expect(manager.get_by_text("Choose a period of 7, 30 or 90 days.")).to_be_visible()

    staff = new_page()
    log_in(staff, "sam", PASSWORD)
    assert staff.goto("/staff/health/").status == 403
    assert manager.errors == [] and staff.errors == []
