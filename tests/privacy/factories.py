"""A member with one of everything Hearth keeps about members, and a stranger with their own."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils import timezone

from api import services as api_services
from badges.models import Badge, BadgeGrant
from badges.services.wallet import award_points
from community.models import NotificationPreference
from community.services.notifications import notify
from forum.models import Like, PostRevision
from ideas.models import IdeaComment, Support
from moderation.services.flags import flag_content
from privacy.models import Consent
from privacy.services.consents import record_consent
from referrals import services as referral_services
from reviews.models import HelpfulVote, PurchaseRecord, ReviewRevision
from shop.models import Order
from tests.factories import UserFactory, make_product
from tests.forum.factories import make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.moderation.factories import at_level
from tests.reviews.factories import write_review


def member_with_everything(*, username: str = "ada", marker: str = "ADA") -> dict:
    """``username`` with a row of every exported kind; every text holds ``marker`` so a test
    can tell whose rows an export holds."""
    from wagtail.models import APIToken

    # Established members (TL2): new members' posts would wait for approval, unseen by others.
    member = at_level(UserFactory(username=username, display_name=f"{marker} Lovelace",
                                  bio=f"{marker} bio"), 2)
    other = at_level(UserFactory(username=f"{username}-other"), 2)
    topic = make_topic(author=member, title=f"{marker} topic about kettles")
    post = make_reply(topic, author=member, body=f"{marker} first text of my reply")
    PostRevision.objects.create(post=post, number=1, body=f"{marker} earlier text",
                                editor=member, replaced_at=timezone.now())
    their_topic = make_topic(author=other, title="Someone else's topic")
    their_post = make_reply(their_topic, author=other, body="Someone else's reply")
    Like.objects.create(post=their_post, user=member)
    idea = published_idea(creator=member, title=f"{marker} idea for a travel lid")
    their_idea = published_idea(creator=other, title="Someone else's idea")
    Support.objects.create(idea=their_idea, user=member)
    IdeaComment.objects.create(idea=their_idea, author=member, body=f"{marker} comment",
                               body_html=f"<p>{marker} comment</p>")
    product = make_product(title=f"{marker} Kettle", sku=f"{marker}-SKU")
    review = write_review(author=member, product=product, rating=2, title=f"{marker} review",
                          body=f"{marker} it broke")
    ReviewRevision.objects.create(review=review, rating=4, title=f"{marker} first review",
                                  body=f"{marker} it was fine", written_at=timezone.now())
    their_review = write_review(author=other, product=product, rating=5, title="Their review",
                                body="Lovely kettle.")
    HelpfulVote.objects.create(review=their_review, voter=member)
    PurchaseRecord.objects.create(email=member.email, sku=f"{marker}-SKU", order_reference=f"{marker}-1")
    flag_content(flagger=member, obj=their_post, reason="spam", note=f"{marker} flag note")
    notify(recipient=member, kind="forum.reply", message=f"{marker} notification", url="/forum/")
    NotificationPreference.objects.create(user=member, kind="forum.like", email=True)
    record_consent(user=member, purpose="marketing_email", granted=True, source=Consent.Source.SIGNUP)
    award_points(user_id=member.pk, points=40, reason="walk_grant", source_label="community.user",
                 source_id=member.pk)
    BadgeGrant.objects.create(user=member, badge=Badge.objects.order_by("pk").first(),
                              granted_at=timezone.now())
    Order.objects.create(external_id=f"{marker}-ORDER-1", member=member, email=member.email,
                         currency="EUR", total=Decimal("49.90"), paid_at=timezone.now(),
                         source=Order.Source.WEBHOOK)
    referral_services.code_for(user=member)
    APIToken.objects.create(user=member, name=f"{marker} token", prefix="wagtail_ab",
                            key_hash=hashlib.sha256(marker.encode()).hexdigest())
    api_services.create_token(user=member, name=f"{marker} reading app", scopes=["read"])
    return {"member": member, "other": other, "topic": topic, "post": post, "idea": idea,
            "review": review, "product": product}
