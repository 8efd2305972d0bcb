from playwright.sync_api import expect

from community.demo_images import picture_image
from community.models import ProductCategory
from tests.factories import make_product


def test_a_visitor_searches_filters_and_sorts_the_catalogue(new_page, live):
    kitchen = ProductCategory.objects.create(name="Kitchen", slug="kitchen")
    outdoor = ProductCategory.objects.create(name="Outdoor", slug="outdoor")
    for title, slug, category in [("Ember Kettle", "ember-kettle", kitchen),
                                  ("Ember Grinder", "ember-grinder", kitchen),
                                  ("Trail Lantern", "trail-lantern", outdoor)]:
        make_product(title=title, slug=slug, sku=slug.upper(), category=category,
                     image=picture_image(title=title, slug=slug, category_slug=category.slug))

    page = new_page()
    page.goto("/products/")
    cards = page.locator(".product-card h2")
    expect(cards).to_have_count(3)
    expect(page.locator(".product-card img").first).to_be_visible()

    page.get_by_label("Category").select_option(label="Kitchen")
    page.get_by_label("Sort by").select_option(label="Name A to Z")
    page.get_by_role("button", name="Show").click()
    expect(cards).to_have_text(["Ember Grinder", "Ember Kettle"])
    expect(page.get_by_text("2 products in Kitchen")).to_be_visible()

    page.get_by_label("Search products").fill("kettle")
    page.get_by_role("button", name="Show").click()
    expect(cards).to_have_text(["Ember Kettle"])
    # What the visitor chose stays chosen.
    expect(page.get_by_label("Search products")).to_have_value("kettle")
    expect(page.get_by_label("Category")).to_have_value("kitchen")

    page.get_by_label("Search products").fill("teapot")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No products match")).to_be_visible()
    page.get_by_role("link", name="Show all products").click()
    expect(cards).to_have_count(3)
