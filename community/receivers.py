"""What the community app listens to from libraries it does not own."""

from allauth.account.signals import email_confirmed
from wagtail.signals import page_published, page_unpublished


def on_email_confirmed(sender, request, email_address, **kwargs):
    from community.services.accounts import welcome_member

    welcome_member(user=email_address.user)


def on_page_changed(sender, instance, **kwargs):
    """A page published or unpublished in Wagtail: pages cached for visitors that show it go
    stale after commit (``community.models.pages.VersionedPageMixin``)."""
    from community import cache_versions

    kind = getattr(sender, "cache_kind", None)
    if kind is not None:
        cache_versions.bump(kind, instance.pk)
        if kind == "product":  # lists of products (the home page's top rated) too
            cache_versions.bump("product", 0)


def connect() -> None:
    from community import sites

    sites.connect()
    email_confirmed.connect(on_email_confirmed, dispatch_uid="community.welcome_on_confirm")
    page_published.connect(on_page_changed, dispatch_uid="community.page_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="community.page_unpublished")
