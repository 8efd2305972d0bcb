"""The editorial site and the product catalogue: Wagtail pages staff edit in /admin/."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index


class ProductCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "product categories"

    def __str__(self) -> str:
        return self.name


class VersionedPageMixin:
    """Anonymous visitors may get the page from the page cache while its version is current
    (``community.cache_versions``; bumped when the page is published or unpublished)."""

    cache_kind = "page"

    def serve(self, request, *args, **kwargs):
        from community import page_cache

        page_cache.depends_on(request, (self.cache_kind, self.pk))
        return super().serve(request, *args, **kwargs)


class SiteRestrictionsMixin:
    """Wagtail checks the view restrictions of every page it serves with two queries (the
    ancestors, each alias resolved to its source; then their restrictions). The site from
    the cache knows where restrictions and aliases are (``community.sites.guarded_paths``,
    given to the page before it is served by ``wagtail_hooks.know_guarded_paths``): a page
    with none on its way has none to check. Any other page, or one served without that
    knowledge, is checked as Wagtail checks it."""

    def get_view_restrictions(self):
        from community.sites import on_a_guarded_path

        guarded = getattr(self, "guarded_paths", None)
        if guarded is not None and not on_a_guarded_path(self, guarded):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(SiteRestrictionsMixin, VersionedPageMixin, Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["community.ProductIndexPage", "community.StandardPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        """The sections apps registered (``community.home``): the same public ones for every
        visitor (so the page can be cached for them, as long as what it lists is current),
        and the member's own for a member."""
        from community import page_cache
        from community.home import sections_for, visitor_dependencies

        page_cache.depends_on(request, *visitor_dependencies())
        context = super().get_context(request, *args, **kwargs)
        context["home_sections"] = sections_for(request.user)
        return context

    def route(self, request, path_components):
        """The catalogue (and through it every product) is found with one query instead of
        Wagtail's two (the child page, then its specific row). Every other page is Wagtail's
        own routing; as there, a page on the way need not be live, only the one served."""
        if path_components:
            index = ProductIndexPage.objects.child_of(self).filter(slug=path_components[0]).first()
            if index is not None:
                index._cached_parent_obj = self  # as Wagtail's route does: get_parent() is free
                return index.route(request, path_components[1:])
        return super().route(request, path_components)


class ProductIndexPage(SiteRestrictionsMixin, Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["community.HomePage"]
    subpage_types = ["community.ProductPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from community.catalogue import browse
        from community.selectors import product_list

        context = super().get_context(request, *args, **kwargs)
        catalogue = browse(product_list(index_page=self), request.GET,
                           page_number=request.GET.get("page"))
        context.update(catalogue=catalogue, products=catalogue.page.object_list)
        if catalogue.query and catalogue.category is None and not catalogue.page.paginator.count:
            from community.models import SearchWithoutResults
            from community.services.searches import record_search_without_results

            record_search_without_results(query=catalogue.query,
                                          where=SearchWithoutResults.Where.CATALOGUE)
        return context

    def route(self, request, path_components):
        """A product's URL is served with one query for the product (its category joined)
        instead of Wagtail's two (the child page, then its specific row) and a third for the
        category the page shows. Everything else is Wagtail's own routing."""
        if len(path_components) != 1:
            return super().route(request, path_components)
        try:
            product = (ProductPage.objects.child_of(self).select_related("category")
                       .get(slug=path_components[0]))
        except ProductPage.DoesNotExist:
            return super().route(request, path_components)  # another page type, or a 404
        product._cached_parent_obj = self  # as Wagtail's route does: get_parent() costs nothing
        return product.route(request, [])


class ProductPage(SiteRestrictionsMixin, VersionedPageMixin, Page):
    sku = models.CharField("SKU", max_length=64, unique=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=250, blank=True)
    description = RichTextField(blank=True)
    category = models.ForeignKey(
        ProductCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )

    content_panels = Page.content_panels + [
        FieldPanel("sku"),
        FieldPanel("category"),
        FieldPanel("image"),
        FieldPanel("summary"),
        FieldPanel("description"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("sku"),
    ]
    parent_page_types = ["community.ProductIndexPage"]
    subpage_types = []
    # Bumped by every change to its reviews and rating too (reviews.live).
    cache_kind = "product"


class StandardPage(SiteRestrictionsMixin, VersionedPageMixin, Page):
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["community.HomePage", "community.StandardPage"]
