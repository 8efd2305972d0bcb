"""Factories for the whole suite. Apps add theirs in tests/<app>/factories.py."""

import io

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.models import ProductCategory, ProductIndexPage, ProductPage, User
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS
from community.site_tree import ensure_site_tree

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Members have a confirmed primary address unless `verified=False`."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class CommunityManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=COMMUNITY_MANAGERS))


class BrandStaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=BRAND_STAFF))


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


def make_product(*, title: str = "Test Kettle", sku: str | None = None, **fields) -> ProductPage:
    """Products are Wagtail pages, so they are added under the catalogue, not just saved."""
    ensure_site_tree()
    index = ProductIndexPage.objects.get()
    sku = sku or f"SKU-{ProductPage.objects.count() + 1:04d}"
    slug = fields.pop("slug", None) or f"{title.lower().replace(' ', '-')}-{sku.lower()}"
    return index.add_child(instance=ProductPage(title=title, slug=slug, sku=sku, **fields))


def image_upload(name: str = "photo.png", *, size=(64, 48), fmt: str = "PNG",
                 content_type: str = "image/png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
