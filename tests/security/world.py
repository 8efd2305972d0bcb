"""The members and content the security tests act on.

One member ("owner") owns every piece of content; each role under test is somebody else, so
every request that edits, deletes or reads something private is a request about another
member's things.
"""

from __future__ import annotations

import importlib

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page

from api import services as api_services
from badges.models import Badge, Challenge, Level, PointRule, SuspectedRing
from community.models import Notification, ProductCategory, User
from community.roles import COMMUNITY_MANAGERS
from community.services.notifications import notify
from community.tasks import unsubscribe_token
from ideas.models import Milestone
from moderation.models import QueueItem, Suspension
from moderation.services.flags import flag_content
from moderation.services.members import suspend_member
from referrals import services as referral_services
from reviews.models import FollowUp, PurchaseRecord
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.moderation.factories import at_level
from tests.reviews.factories import write_review

# The order of the cells in the authorization table.
ROLES = ("anonymous", "customer", "suspended", "brand_staff", "manager", "superuser")


def _restore_role_permissions() -> None:
    """A flush by an earlier transactional test may leave the role groups without the
    permissions the forum's data migration gave them: put them back, as migrating does."""
    migration = importlib.import_module("forum.migrations.0002_community_managers_manage_categories")
    Group.objects.get(name=COMMUNITY_MANAGERS).permissions.add(*Permission.objects.filter(
        content_type__app_label="forum", codename__in=migration.CODENAMES))


def make_roles() -> dict[str, User | None]:
    _restore_role_permissions()
    manager = CommunityManagerFactory(username="walk-manager")
    suspended = UserFactory(username="walk-suspended")
    suspend_member(actor=manager, user=suspended, days=7, reason="Walk test")
    superuser = UserFactory(username="walk-root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    users = {
        "anonymous": None,
        "customer": UserFactory(username="walk-customer"),
        "suspended": suspended,
        "brand_staff": BrandStaffFactory(username="walk-brand"),
        "manager": manager,
        "superuser": superuser,
    }
    # Fresh instances: group and permission caches must not outlive a request.
    return {role: (User.objects.get(pk=user.pk) if user else None) for role, user in users.items()}


def _rewards_world(owner: User) -> dict:
    """A gift the owner redeemed (pending: the staff may ship or cancel it), from a catalogue
    with a cause, a code pool and a level perk."""
    from decimal import Decimal

    from badges.services.wallet import award_points
    from rewards.models import Cause, CodePool, DiscountCode, LevelPerk, Reward
    from rewards.services.redemption import Choice, redeem

    cause = Cause.objects.create(name="Walk trees", slug="walk-trees")
    pool = CodePool.objects.create(name="Walk codes", prefix="WALK")
    DiscountCode.objects.create(pool=pool, code="WALK-0001")
    reward = Reward.objects.create(title="Walk mug", kind=Reward.Kind.GIFT, cost=10, stock=5)
    Reward.objects.create(title="Walk code", kind=Reward.Kind.DISCOUNT_CODE, cost=10,
                          discount=Reward.Discount.AMOUNT, value=Decimal("5"), code_pool=pool)
    Reward.objects.create(title="Walk tree", kind=Reward.Kind.DONATION, cost=10, cause=cause,
                          value=Decimal("1"))
    perk = LevelPerk.objects.create(level=Level.objects.order_by("min_points").last(),
                                    description="Walk perks", entry_reward=reward)
    award_points(user_id=owner.pk, points=100, reason="walk_grant", source_label="community.user",
                 source_id=owner.pk)
    redemption = redeem(member=owner, reward_id=reward.pk, idempotency_key="walk-redemption-1",
                        choice=Choice(address={"ship_name": "Owner", "ship_address": "1 Walk Road",
                                               "ship_city": "Walkton", "ship_country": "France"}))
    return {"reward": reward, "cause": cause, "codepool": pool, "pool": pool,
            "levelperk": perk, "redemption": redemption}


def _ready_export(owner: User):
    """The owner's data export, built and ready to download (by the owner alone)."""
    from privacy.models import DataExport
    from privacy.services.exports import build_export

    export = DataExport.objects.create(user=owner)
    build_export(export_id=export.pk)
    return export


def make_world() -> dict:
    """Real objects for every URL keyword the site uses, all owned by ``owner``."""
    # An established member (TL2): new members' posts would wait for approval and be hidden.
    owner = at_level(UserFactory(username="walk-owner", display_name="Owner"), 2)
    category = CategoryFactory(name="Walk", slug="walk")
    topic = make_topic(author=owner, category=category, title="Owner's topic about kettles")
    reply = make_reply(topic, author=owner, body="Owner's reply about descaling.")
    idea = published_idea(creator=owner, title="Owner's idea for a travel lid")
    product = make_product(title="Walk Kettle")
    review = write_review(author=owner, product=product, rating=1, title="Owner's review",
                          body="It broke on day one.")
    follow_up, _ = FollowUp.objects.get_or_create(
        review=review, defaults={"due_at": timezone.now() + timezone.timedelta(hours=24)})
    notify(recipient=owner, kind="forum.reply", message="Owner's private notification",
           url=topic.get_absolute_url())
    notification = Notification.objects.filter(recipient=owner).latest("pk")
    flagger = UserFactory(username="walk-flagger")
    # Profiles are moderatable in every branch; content types join as their apps register them.
    flag_content(flagger=flagger, obj=owner, reason="spam", note="walk")
    item = QueueItem.objects.latest("pk")
    ring = SuspectedRing.objects.create(member_key=f"{owner.pk},{flagger.pk}", detected_at=timezone.now())
    ring.members.set([owner, flagger])
    suspension = Suspension.objects.create(user=owner, reason="Walk",
                                           ends_at=timezone.now() + timezone.timedelta(days=1))
    challenge = Challenge.objects.create(title="Walk challenge", kind="topic_created", goal=3,
                                         starts_at=timezone.now(),
                                         ends_at=timezone.now() + timezone.timedelta(days=7))
    product_category = ProductCategory.objects.create(name="Walk kettles", slug="walk-kettles")
    purchase = PurchaseRecord.objects.create(email=owner.email, sku="WALK-1")
    # The milestone the owner's idea is heading for: deleting it is refused.
    milestone = Milestone.objects.get(pk=idea.next_milestone_id)
    # A friend the owner referred, held for review (the order was not the friend's first).
    referral = referral_services.record_signup(
        friend=UserFactory(username="walk-friend", email="walk-friend@friends.example.net"),
        code=referral_services.code_for(user=owner).code, signup_ip="203.0.113.80")
    referral_services.settle_paid_order(order_id=880_001, user_id=referral.friend_id,
                                        is_first_order=False)
    rewards = _rewards_world(owner)
    export = _ready_export(owner)
    api_token, _ = api_services.create_token(user=owner, name="Owner's script", scopes=["read"])
    return {
        "owner": owner, "topic": topic, "reply": reply, "idea": idea, "review": review,
        # URL keywords (by name; "slug" depends on the route, see SLUGS in the walk)
        "topic_id": topic.pk, "post_id": reply.pk, "idea_id": idea.pk, "review_id": review.pk,
        "follow_up_id": follow_up.pk, "notification_id": notification.pk, "item_id": item.pk,
        "suspension_id": suspension.pk, "ring_id": ring.pk, "username": owner.username,
        "content_type_id": ContentType.objects.get_for_model(owner).pk, "object_id": owner.pk,
        "token": unsubscribe_token(user_id=owner.pk, kind="forum.reply"),
        "category_slug": category.slug, "topic_slug": topic.slug, "idea_slug": idea.slug,
        "product_slug": product.slug, "product_id": product.pk,
        "code": referral_services.code_for(user=owner).code, "referral_id": referral.pk,
        "reward_id": rewards["reward"].pk, "redemption_id": rewards["redemption"].pk,
        "cause_slug": rewards["cause"].slug, "pool_id": rewards["pool"].pk,
        "export_id": export.pk, "token_id": api_token.pk, "board": "all",
        # The OpenID Connect provider's id in its URLs (none is configured in the walk: 404).
        "provider_id": "oidc",
        # Wagtail's page tree: its root is re-made with a new id after a test flushes the tables.
        **dict.fromkeys(("parent_page_id", "page_to_move_id", "destination_id"),
                        Page.get_first_root_node().pk),
        # Real ids for the admin screens the table names one by one ("pk" in their URLs).
        "admin_pks": {
            "forum_categories": category.pk, "points_rings": ring.pk, "wagtailusers_users": owner.pk,
            "wagtailusers_groups": Group.objects.order_by("pk").first().pk,
            "points_rules": PointRule.objects.order_by("pk").first().pk,
            "points_levels": Level.objects.order_by("pk").first().pk,
            "points_badges": Badge.objects.order_by("pk").first().pk,
            "points_challenges": challenge.pk,
            "wagtailsnippets_ideas_milestone": milestone.pk,
            "wagtailsnippetchoosers_ideas_milestone": milestone.pk,
            "wagtailsnippets_community_productcategory": product_category.pk,
            "wagtailsnippetchoosers_community_productcategory": product_category.pk,
            "wagtailsnippets_reviews_purchaserecord": purchase.pk,
            "wagtailsnippetchoosers_reviews_purchaserecord": purchase.pk,
            **{f"{prefix}_rewards_{model}": rewards[model].pk
               for prefix in ("wagtailsnippets", "wagtailsnippetchoosers")
               for model in ("reward", "cause", "codepool", "levelperk")},
        },
    }
