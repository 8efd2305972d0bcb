"""The product catalogue's search, category filter and sort, read from the query string.

A bad value never errors: the form drops it (and the page says so) and the rest of the
choices still apply, so a shared or hand-edited link always shows products."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from community.models import ProductCategory, ProductPage

PRODUCTS_PER_PAGE = 24
QUERY_MAX_LENGTH = 100
CARD_IMAGE = "fill-320x200"

SORTS = {
    # key: (label, order)
    "rating": ("Best rated", ("-rating_score", "title")),
    "reviews": ("Most reviewed", ("-review_count", "title")),
    "newest": ("Newest", ("-first_published_at", "-pk")),
    "name": ("Name A to Z", ("title", "pk")),
}
DEFAULT_SORT = "rating"


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label="Search products", required=False, max_length=QUERY_MAX_LENGTH,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "Kettle, lantern…"}))
    category = forms.ModelChoiceField(
        label="Category", required=False, queryset=ProductCategory.objects.all(),
        to_field_name="slug", empty_label="All categories")
    sort = forms.ChoiceField(label="Sort by", required=False,
                             choices=[(key, label) for key, (label, _) in SORTS.items()])


@dataclass(frozen=True)
class Catalogue:
    form: CatalogueFilterForm
    page: PaginatorPage
    query: str
    category: ProductCategory | None
    sort: str
    dropped: list[str]

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.category)

    @property
    def query_string(self) -> str:
        """The valid choices as a query string, for the page links."""
        chosen = {"q": self.query, "category": self.category.slug if self.category else "",
                  "sort": self.sort if self.sort != DEFAULT_SORT else ""}
        return urlencode({name: value for name, value in chosen.items() if value})


def _clean(form: CatalogueFilterForm) -> tuple[str, ProductCategory | None, str, list[str]]:
    """The valid choices, and the labels of those that were dropped as invalid."""
    form.is_valid()
    values = {name: form.cleaned_data.get(name) for name in ("q", "category", "sort")}
    dropped = [form.fields[name].label for name in form.errors]
    query = (values["q"] or "").strip() if "q" not in form.errors else ""
    sort = values["sort"] or DEFAULT_SORT
    return query, values["category"], sort, dropped


def search(products: QuerySet[ProductPage], query: str) -> QuerySet[ProductPage]:
    """Products whose title, summary or SKU contain every word of ``query``."""
    for word in query.split()[:8]:
        products = products.filter(Q(title__icontains=word) | Q(summary__icontains=word)
                                   | Q(sku__iexact=word))
    return products


def browse(products: QuerySet[ProductPage], params, *, page_number) -> Catalogue:
    """``products`` (annotated with ``rating_score`` and ``review_count``) searched,
    filtered and sorted as ``params`` ask, one page of them."""
    form = CatalogueFilterForm(params)
    query, category, sort, dropped = _clean(form)
    if query:
        products = search(products, query)
    if category is not None:
        products = products.filter(category=category)
    products = products.order_by(*SORTS[sort][1])
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(page_number)
    return Catalogue(form=form, page=page, query=query, category=category, sort=sort,
                     dropped=dropped)
