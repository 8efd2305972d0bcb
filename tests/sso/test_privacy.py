"""The sign-in links are the member's data: in their export, and gone when the account is."""

import pytest
from allauth.socialaccount.models import SocialAccount

from privacy.exporter import file_content
from privacy.services.erasure import anonymise_member
from sso.models import ShopAccount
from tests.factories import CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_shop_link_and_the_providers():
    member = UserFactory(username="ada")
    ShopAccount.objects.create(user=member, external_id="cust-1001")
    SocialAccount.objects.create(user=member, provider="oidc", uid="acme-7")
    profile = file_content("profile.json", member)
    assert [row["external_id"] for row in profile["shop_account"]] == ["cust-1001"]
    assert [(row["provider"], row["uid"]) for row in profile["sign_in_providers"]] == [("oidc", "acme-7")]


def test_erasing_the_account_deletes_its_links_so_neither_the_shop_nor_a_provider_signs_in_to_it():
    member = UserFactory(username="ada")
    ShopAccount.objects.create(user=member, external_id="cust-1001")
    SocialAccount.objects.create(user=member, provider="oidc", uid="acme-7")
    keep = UserFactory(username="other")
    ShopAccount.objects.create(user=keep, external_id="cust-2002")
    anonymise_member(actor=CommunityManagerFactory(), user=member, reason="Asked by phone")
    assert not ShopAccount.objects.filter(user=member).exists()
    assert not SocialAccount.objects.filter(user=member).exists()
    assert ShopAccount.objects.filter(user=keep).exists()
