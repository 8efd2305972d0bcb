import pytest
from django.urls import reverse

from reviews.models import FollowUp, Review
from reviews.services import update_follow_up
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

SAD = "It broke after a week and leaks everywhere, terrible."


@pytest.fixture
def product(site_tree):
    return make_product(title="Kettle", sku="KET-1", slug="kettle")


def _review_many(product, n):
    for i in range(n):
        review = write_review(author=UserFactory(), product=product, rating=(i % 5) + 1,
                              title=f"Review {i}", body="Works well and looks good on the counter.")
        if i % 2:
            from reviews.services import reply_as_brand

            reply_as_brand(staff=BrandStaffFactory(username=f"brandy{i}"), review_id=review.pk,
                           body="Thanks for the review!", p_negative=0.0)


def test_the_product_page_shows_average_distribution_and_reviews(client, product):
    write_review(product=product, rating=5, title="Love it")
    write_review(product=product, rating=1, title="Broke", body=SAD)
    html = client.get("/products/kettle/").content.decode()
    assert "Average rating 3.0 out of 5" in html
    assert "Love it" in html and "Broke" in html
    assert "2 reviews" in html


@pytest.mark.parametrize("rows", [3, 9])
def test_the_product_page_query_count_does_not_grow_with_reviews(client, product, rows,
                                                                  django_assert_num_queries):
    _review_many(product, rows)
    viewer = UserFactory()
    client.force_login(viewer)
    client.get("/")  # warm Wagtail's site caches
    with django_assert_num_queries(QUERIES_PRODUCT_PAGE_RENDERED):
        client.get("/products/kettle/")
    with django_assert_num_queries(QUERIES_PRODUCT_PAGE):
        response = client.get("/products/kettle/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card review"') == rows
    # Flag buttons on every review and brand reply cost no query per row.
    assert html.count("Flag this review") == rows and html.count("Flag this brand reply") == rows // 2


# 4 are the site shell (incl. role flags and permissions: one query) and Wagtail routing (the
# site, its root page and where view restrictions are come from the cache the first request
# filled, community/sites.py, so a page with none on its way is not checked for any;
# the catalogue and the product are found with one query each: community.models.pages.HomePage.route
# and ProductIndexPage.route); then the
# reviews' light query: the page of reviews comes from the cache the first request filled
# (reviews.fragments.page_of_reviews), and one for the forum's questions about the product
# (forum.selectors.questions_about). Rendering the reviews costs the rating row (the pages of
# reviews are counted from it: no COUNT), the page of reviews, their authors' roles and the
# reader's own review: QUERIES_PRODUCT_PAGE_RENDERED.
QUERIES_PRODUCT_PAGE = 6
QUERIES_PRODUCT_PAGE_RENDERED = 9


def test_a_reviewer_sees_the_product_page_for_the_same_queries_as_anyone(client, product,
                                                                         django_assert_num_queries):
    """Their own review (with earlier versions) only decides "Edit your review": its
    revisions are not loaded on the product page."""
    from reviews import services as review_services

    _review_many(product, 3)
    reviewer = UserFactory()
    review_services.save_review(author=reviewer, product=product, rating=4, title="Good",
                                body="Boils quickly.")
    review_services.save_review(author=reviewer, product=product, rating=3, title="Good",
                                body="Boils quickly, but loud.")
    client.force_login(reviewer)
    client.get("/products/kettle/")  # warm Wagtail's site and page caches
    with django_assert_num_queries(QUERIES_PRODUCT_PAGE):
        response = client.get("/products/kettle/")
    assert "Edit your review" in response.content.decode()


def test_reviews_can_be_filtered_by_stars_and_sorted(client, product):
    write_review(product=product, rating=5, title="Top marks")
    write_review(product=product, rating=2, title="Meh", body=SAD)
    html = client.get("/products/kettle/?stars=2").content.decode()
    assert "Meh" in html and "Top marks" not in html
    html = client.get("/products/kettle/?sort=lowest").content.decode()
    assert html.index("Meh") < html.index("Top marks")


def test_writing_a_review_publishes_it(client, product):
    client.force_login(UserFactory())
    response = client.post(reverse("reviews:write", args=["kettle"]),
                           {"rating": "4", "title": "Good", "body": "Boils fast and stays quiet."})
    assert response.status_code == 302
    assert Review.objects.get().title == "Good"


def test_a_rejected_review_keeps_what_was_typed(client, product):
    client.force_login(UserFactory())
    response = client.post(reverse("reviews:write", args=["kettle"]),
                           {"title": "My honest title", "body": "Boils fast and stays quiet."})
    html = response.content.decode()
    assert "Choose a rating from 1 to 5 stars." in html
    assert "My honest title" in html and "Boils fast and stays quiet." in html
    assert not Review.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_to_review(client, product):
    response = client.get(reverse("reviews:write", args=["kettle"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_customers_get_403_on_the_follow_up_queue(client, product):
    write_review(product=product, rating=1, body=SAD)
    client.force_login(UserFactory())
    assert client.get(reverse("reviews:follow_ups")).status_code == 403
    follow_up = FollowUp.objects.get()
    assert client.get(reverse("reviews:follow_up", args=[follow_up.pk])).status_code == 403
    assert client.get(reverse("reviews:dashboard")).status_code == 403


def test_internal_notes_are_never_shown_on_the_product_page(client, product):
    review = write_review(product=product, rating=1, body=SAD)
    staff = BrandStaffFactory()
    update_follow_up(actor=staff, follow_up_id=review.follow_up.pk, note="Customer is on our VIP list")
    client.force_login(review.author)
    assert "VIP list" not in client.get("/products/kettle/").content.decode()
    client.force_login(staff)
    assert "VIP list" in client.get(reverse("reviews:follow_up", args=[review.follow_up.pk])).content.decode()


def test_brand_staff_see_the_queue_with_overdue_marks(client, product, django_assert_num_queries):
    write_review(product=product, rating=1, title="Broken lid", body=SAD)
    client.force_login(BrandStaffFactory())
    html = client.get(reverse("reviews:follow_ups")).content.decode()
    assert "Broken lid" in html


@pytest.mark.parametrize("rows", [2, 6])
def test_the_follow_up_queue_query_count_does_not_grow(client, product, rows, django_assert_num_queries):
    for i in range(rows):
        write_review(author=UserFactory(), product=product, rating=1, title=f"Bad {i}", body=SAD)
    staff = BrandStaffFactory()
    FollowUp.objects.update(assignee=staff)
    client.force_login(staff)
    client.get(reverse("reviews:follow_ups"))
    with django_assert_num_queries(QUERIES_QUEUE):
        html = client.get(reverse("reviews:follow_ups")).content.decode()
    assert html.count("Bad ") == rows


QUERIES_QUEUE = 3  # roles and permissions in one query (community.roles.viewer_roles)


def test_a_negative_brand_reply_shows_a_warning_and_can_be_overridden(client, product):
    review = write_review(product=product)
    client.force_login(BrandStaffFactory())
    url = reverse("reviews:reply", args=[review.pk])
    response = client.post(url, {"body": "Your review is useless and wrong, terrible."})
    html = response.content.decode()
    assert "This reply reads as negative" in html and "useless and wrong" in html
    response = client.post(url, {"body": "Your review is useless and wrong, terrible.", "confirm": "on"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.brand_reply.warning_overridden


def test_customers_cannot_open_the_brand_reply_form(client, product):
    review = write_review(product=product)
    client.force_login(UserFactory())
    assert client.get(reverse("reviews:reply", args=[review.pk])).status_code == 403


def test_staff_resolve_a_follow_up_and_the_dashboard_counts_it(client, product):
    review = write_review(product=product, rating=1, body=SAD)
    staff = BrandStaffFactory()
    client.force_login(staff)
    response = client.post(reverse("reviews:follow_up", args=[review.follow_up.pk]),
                           {"status": "resolved", "assignee": staff.pk, "note": "Refunded"})
    assert response.status_code == 302
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert 'id="stat-open">0<' in html and 'id="stat-resolution">100%<' in html


def test_an_invalid_follow_up_transition_is_explained(client, product):
    review = write_review(product=product, rating=1, body=SAD)
    update_follow_up(actor=BrandStaffFactory(), follow_up_id=review.follow_up.pk, status="resolved")
    client.force_login(CommunityManagerFactory())
    response = client.post(reverse("reviews:follow_up", args=[review.follow_up.pk]),
                           {"status": "waiting_on_customer", "note": "keep this note"})
    html = response.content.decode()
    assert "cannot go from resolved" in html and "keep this note" in html


def test_the_product_list_sorts_by_bayesian_score(client, site_tree):
    one_five = make_product(title="Lucky", sku="L-1")
    many_fours = make_product(title="Steady", sku="S-1")
    write_review(product=one_five, rating=5)
    for _ in range(10):
        write_review(author=UserFactory(), product=many_fours, rating=4)
    html = client.get("/products/").content.decode()
    assert html.index("Steady") < html.index("Lucky")


@pytest.mark.parametrize("rows", [2, 6])
def test_the_dashboard_query_count_does_not_grow(client, site_tree, rows, django_assert_num_queries):
    from reviews.services import score_reviews

    staff = BrandStaffFactory()
    for i in range(rows):
        product = make_product(title=f"Thing {i}", sku=f"T-{i}")
        review = write_review(author=UserFactory(), product=product, rating=1, title=f"Bad {i}", body=SAD)
        score_reviews(review_ids=[review.pk])
        update_follow_up(actor=staff, follow_up_id=review.follow_up.pk, assignee=staff,
                         status="resolved" if i % 2 else "in_progress")
    client.force_login(staff)
    client.get(reverse("reviews:dashboard"))
    with django_assert_num_queries(QUERIES_DASHBOARD):
        html = client.get(reverse("reviews:dashboard")).content.decode()
    assert html.count('class="chart"') == rows + 1  # and the flag's calibration


QUERIES_DASHBOARD = 9  # roles and permissions in one query; two for calibration, one for
# thresholds, two for the model log (the models, the judgements not learnt yet)


@pytest.mark.parametrize("notes", [1, 5])
def test_the_follow_up_page_query_count_does_not_grow_with_notes(client, product, notes,
                                                                  django_assert_num_queries):
    review = write_review(product=product, rating=1, body=SAD)
    staff = BrandStaffFactory()
    for i in range(notes):
        update_follow_up(actor=BrandStaffFactory(username=f"noter{i}"), follow_up_id=review.follow_up.pk,
                         note=f"Note {i}")
    client.force_login(staff)
    url = reverse("reviews:follow_up", args=[review.follow_up.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_FOLLOW_UP):
        html = client.get(url).content.decode()
    assert html.count("Note ") == notes


QUERIES_FOLLOW_UP = 7  # roles and permissions in one query; one for the thresholds


@pytest.mark.parametrize("edits", [1, 4])
def test_the_review_form_query_count_does_not_grow_with_edit_history(client, product, edits,
                                                                      django_assert_num_queries):
    author = UserFactory()
    for i in range(edits + 1):
        write_review(author=author, product=product, rating=3, title=f"Version {i}")
    client.force_login(author)
    url = reverse("reviews:write", args=["kettle"])
    client.get(url)
    with django_assert_num_queries(QUERIES_WRITE):
        html = client.get(url).content.decode()
    assert html.count("replaced ") == edits


QUERIES_WRITE = 6


@pytest.mark.parametrize("products", [2, 6])
def test_the_product_list_query_count_does_not_grow(client, site_tree, products, django_assert_num_queries):
    for i in range(products):
        write_review(product=make_product(title=f"Gadget {i}", sku=f"G-{i}"), rating=4)
    client.get("/products/")
    with django_assert_num_queries(QUERIES_PRODUCT_LIST):
        html = client.get("/products/").content.decode()
    assert html.count("card-rating") == products


QUERIES_PRODUCT_LIST = 5  # with the count for the pages and the categories to filter by


def test_a_community_manager_hides_a_review_from_the_product_page(client, product):
    review = write_review(product=product, rating=1, title="Rude words", body=SAD)
    client.force_login(CommunityManagerFactory())
    response = client.post(reverse("reviews:hide", args=[review.pk]), {"reason": "Personal attack"})
    assert response.status_code == 302
    assert "Rude words" not in client.get("/products/kettle/").content.decode()


def test_brand_staff_see_no_hide_control_and_cannot_hide(client, product):
    review = write_review(product=product, rating=1, title="Harsh", body=SAD)
    client.force_login(BrandStaffFactory())
    assert "Hide review" not in client.get("/products/kettle/").content.decode()
    response = client.post(reverse("reviews:hide", args=[review.pk]), {"reason": "I dislike it"})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.hidden_at is None


def test_purchase_records_and_the_acknowledgement_are_editable_in_the_wagtail_admin(client, site_tree):
    from reviews.models import PurchaseRecord

    PurchaseRecord.objects.create(email="ana@example.com", sku="KET-1")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get("/admin/snippets/reviews/purchaserecord/")
    assert listing.status_code == 200 and "ana@example.com" in listing.content.decode()
    settings_page = client.get("/admin/settings/reviews/reviewacknowledgement/", follow=True)
    assert settings_page.status_code == 200
    assert "will contact you within a day" in settings_page.content.decode()


def test_the_product_pages_review_pages_follow_the_rating_counts_with_and_without_a_star_filter(
        client, product):
    _review_many(product, 25)  # 5 of each rating
    client.force_login(UserFactory())
    html = client.get("/products/kettle/?sort=newest&page=3").content.decode()
    assert html.count('class="card review"') == 5 and "Page 3 of 3" in html
    html = client.get("/products/kettle/?sort=newest&stars=4").content.decode()
    assert html.count('class="card review"') == 5 and "Page 2" not in html
