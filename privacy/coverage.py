"""Every model that holds a relation to the member, and what becomes of it in an export.

One row per model with a ForeignKey, OneToOneField or ManyToManyField to the user model
(declared on the model itself): either ``Export`` (which file and section of the ZIP, which
of its user fields make a row the member's, and what is written) or ``Excluded`` with the
reason. ``tests/privacy/test_coverage.py`` walks ``django.apps.get_models()`` and fails when
a model with a user relation is missing here, or when one of its user fields is neither the
one that selects the member's rows nor given a reason in ``others``: a new model cannot be
forgotten. ``ERASURE`` (below) is the same walk's second column: what erasing a member does
to each of those models (delete, blank fields, keep, or delete only when the member chose to
delete their content), read by ``privacy.services.erasure``; a model missing there fails the
same test.

Rows that belong to the member through a parent (a review's earlier texts) are exported by
entries for models without a direct user relation; ``by`` is then a path ("review__author").
Other apps' models are named by label and read through ``django.apps``: privacy imports no
feature app (pyproject.toml, import-linter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class Export:
    file: str  # a key of FILES
    section: str  # the list inside that file
    by: str  # lookup from the model to the member ("author", "post__author")
    fields: tuple[str, ...]  # what is written ("badge__name" follows a relation)
    # The model's other user fields and why they do not select the member's rows.
    others: dict[str, str] = field(default_factory=dict)
    # A filter of its own when ``by`` is not enough (several fields, a match by email).
    match: Callable[[object], Q] | None = None
    order_by: tuple[str, ...] = ("pk",)

    def rows_of(self, user) -> Q:
        return self.match(user) if self.match else Q(**{self.by: user})


@dataclass(frozen=True)
class Excluded:
    reason: str


STAFF_WORK = ("Records staff's work (who did it), not the member's own data; the member's "
              "own content and what was done to it are in their export.")
WAGTAIL_ADMIN = ("Wagtail's admin: pages, uploads, revisions, workflows and logs written by "
                 "staff while editing the site's content, not member data.")


def _purchases_by_email(user) -> Q:
    emails = [user.email.strip().lower(), *user.emailaddress_set.values_list("email", flat=True)]
    return Q(email__in=[email.lower() for email in emails if email])


# The ZIP's files: name -> what the README says about it. One JSON object per file, one list
# per section.
FILES: dict[str, str] = {
    "profile.json": "Your account and profile: username, names, bio, email addresses, when "
                    "you joined and last logged in, your trust level and any suspensions, and "
                    "the sign-in providers and shop customer id linked to your account.",
    "forum.json": "Forum topics you started, every post you wrote with its edit history "
                  "(earlier texts), topics you watch and how far you have read them.",
    "ideas.json": "Ideas you proposed, comments you wrote on ideas, and ideas you support.",
    "reviews.json": "Reviews you wrote with their earlier versions, reviews you voted "
                    "helpful, and purchase records matched to your email address.",
    "likes.json": "Forum posts you liked.",
    "flags.json": "Content you flagged for the moderators, with your reason and its outcome.",
    "notifications.json": "Notifications sent to you and your email choice for each kind.",
    "consents.json": "Every answer you gave to a consent question (marketing email), with "
                     "when, where and the exact wording you were shown.",
    "points.json": "Your points ledger (every entry, including reversals), your balance, and "
                   "points the team gave or took back.",
    "badges.json": "Badges you earned (and any withdrawn), your level, and challenge progress.",
    "redemptions.json": "Rewards you redeemed: what, for how many points, codes and shipping "
                        "details.",
    "referrals.json": "Your referral code, referrals you made or came through, and paid "
                      "orders counted for referrals.",
    "orders.json": "Orders from the shop linked to your account.",
    "api_tokens.json": "API tokens created for your account: their names, scopes, when they were "
                       "created, last used, expire or were revoked (never the tokens themselves).",
    "outreach.json": "Requests to review what you bought: which products, when they were due, "
                     "sent and reminded, and why any was not sent; and every such email (activity "
                     "digests included, with their period).",
}


COVERAGE: dict[str, Export | Excluded] = {
    # --- community ------------------------------------------------------------------------
    # The user row itself is exported by privacy.exporter's profile section (its fields
    # below), so it is not an entry: it holds no relation to itself.
    "community.Notification": Export(
        "notifications.json", "notifications", "recipient",
        ("kind", "message", "url", "created_at", "read_at", "emailed_at"),
        others={"actor": "The member who caused someone else's notification: that "
                         "notification is the recipient's data."}),
    "community.NotificationPreference": Export(
        "notifications.json", "email_preferences", "user", ("kind", "email")),
    "account.EmailAddress": Export(
        "profile.json", "email_addresses", "user", ("email", "verified", "primary")),
    # --- single sign-on (docs/sso.md) ------------------------------------------------------
    "socialaccount.SocialAccount": Export(
        "profile.json", "sign_in_providers", "user", ("provider", "uid", "date_joined", "last_login")),
    "sso.ShopAccount": Export(
        "profile.json", "shop_account", "user", ("external_id", "created_at", "last_login_at")),
    # --- forum ----------------------------------------------------------------------------
    "forum.Topic": Export(
        "forum.json", "topics", "author",
        ("id", "title", "category__name", "created_at", "is_pinned", "is_locked", "is_hidden",
         "deleted_at", "reply_count"),
        others={"last_post_author": "Denormalised name of whoever posted last in the topic; "
                                    "the member's own posts are listed under posts."}),
    "forum.Post": Export(
        "forum.json", "posts", "author",
        ("id", "topic_id", "topic__title", "post_number", "body", "created_at", "edited_at",
         "edit_count", "is_hidden", "hidden_reason", "deleted_at"),
        others={"deleted_by": STAFF_WORK}),
    "forum.PostRevision": Export(
        "forum.json", "post_revisions", "post__author",
        ("post_id", "number", "body", "replaced_at"),
        others={"editor": "Who made an edit (the author or a moderator); revisions are "
                          "exported with the post they belong to."}),
    "forum.Like": Export("likes.json", "likes", "user", ("post_id", "post__topic__title", "created_at")),
    "forum.TopicSubscription": Export(
        "forum.json", "watched_topics", "user", ("topic_id", "topic__title")),
    "forum.TopicReadState": Export(
        "forum.json", "read_positions", "user", ("topic_id", "last_read_post_number")),
    # --- ideas ----------------------------------------------------------------------------
    "ideas.Idea": Export(
        "ideas.json", "ideas", "creator",
        ("id", "title", "description", "status", "created_at", "published_at",
         "support_count", "comment_count", "hidden_at", "hidden_reason", "deleted_at"),
        others={"hidden_by": STAFF_WORK}),
    "ideas.IdeaComment": Export(
        "ideas.json", "comments", "author",
        ("id", "idea_id", "idea__title", "body", "created_at", "edited_at", "hidden_at",
         "hidden_reason", "deleted_at"),
        others={"hidden_by": STAFF_WORK}),
    "ideas.Support": Export("ideas.json", "supports", "user", ("idea_id", "idea__title", "created_at")),
    "ideas.StatusChange": Excluded(
        "Status changes are decisions by staff (or the creator) on an idea; the member's own "
        "ideas list their current status."),
    # --- reviews --------------------------------------------------------------------------
    "reviews.Review": Export(
        "reviews.json", "reviews", "author",
        ("id", "product__title", "rating", "title", "body", "verified_owner", "helpful_count",
         "created_at", "edited_at", "sentiment", "flagged_negative", "hidden_at",
         "hidden_reason", "deleted_at"),
        others={"hidden_by": STAFF_WORK}),
    "reviews.ReviewRevision": Export(
        "reviews.json", "review_revisions", "review__author",
        ("review_id", "rating", "title", "body", "written_at", "replaced_at")),
    "reviews.HelpfulVote": Export(
        "reviews.json", "helpful_votes", "voter", ("review_id", "review__title", "created_at")),
    "reviews.PurchaseRecord": Export(
        "reviews.json", "purchase_records", "email",
        ("sku", "order_reference", "purchased_on", "imported_at"), match=_purchases_by_email),
    "reviews.BrandReply": Excluded(STAFF_WORK),
    "reviews.ReviewHideRecord": Excluded(STAFF_WORK),
    "reviews.FollowUp": Excluded(STAFF_WORK),
    "reviews.FollowUpNote": Excluded(STAFF_WORK),
    "reviews.SentimentFeedback": Excluded(STAFF_WORK),
    # --- badges and points ----------------------------------------------------------------
    "badges.PointsEntry": Export(
        "points.json", "ledger", "user",
        ("id", "points", "spendable", "reason", "source_type", "source_id", "created_at",
         "reverses_id", "note")),
    "badges.UserPoints": Export("points.json", "balance", "user", ("total", "spendable")),
    "badges.PointsAdjustment": Export(
        "points.json", "adjustments", "user", ("points", "reason", "created_at"),
        others={"actor": STAFF_WORK}),
    "badges.PointsPeriod": Excluded(
        "Totals per period for the leaderboards, derived from the ledger in points.json."),
    "badges.EventCount": Excluded(
        "Counts of events per rule for caps, derived from the ledger in points.json."),
    "badges.SourceTally": Excluded(
        "Points per source for caps, derived from the ledger in points.json."),
    "badges.MemberLevel": Export("badges.json", "spend_level", "user",
                                 ("level__name", "spend", "updated_at")),
    "badges.BadgeGrant": Export(
        "badges.json", "badges", "user", ("badge__name", "badge__description", "granted_at",
                                          "revoked_at")),
    "badges.ChallengeProgress": Export(
        "badges.json", "challenges", "user", ("challenge__title", "count", "completed_at")),
    "badges.SuspectedRing": Excluded(
        "A suspected like ring under moderators' review (fraud prevention); its outcome "
        "reaches the member through moderation."),
    # --- moderation -----------------------------------------------------------------------
    "moderation.Flag": Export(
        "flags.json", "flags", "flagger",
        ("content_type__model", "object_id", "reason", "note", "status", "created_at",
         "resolved_at")),
    "moderation.QueueItem": Excluded(
        "The moderators' queue entry for flagged content (author is denormalised from the "
        "content); outcomes reach the member as notifications."),
    "moderation.ModerationAction": Excluded(
        "The staff audit log; actions on the member's account (suspensions, trust) are in "
        "profile.json and their notifications."),
    "moderation.MemberTrust": Export(
        "profile.json", "trust", "user",
        ("level", "override_level", "earned_level", "topics_entered", "posts_read",
         "seconds_reading", "days_visited", "likes_given", "likes_received", "topics_replied",
         "last_visit_date", "level_changed_at")),
    "moderation.DailyActivity": Excluded(
        "Daily reading counters behind trust levels; their totals are in profile.json (trust)."),
    "moderation.Suspension": Export(
        "profile.json", "suspensions", "user", ("reason", "starts_at", "ends_at", "lifted_at"),
        others={"created_by": STAFF_WORK, "lifted_by": STAFF_WORK}),
    "moderation.TextFingerprint": Excluded(
        "Hashes of recent texts for spam detection (no text), purged after a day."),
    # --- loyalty --------------------------------------------------------------------------
    "shop.Order": Export(
        "orders.json", "orders", "member",
        ("external_id", "email", "currency", "total", "refunded", "paid_at", "status",
         "points", "source", "created_at")),
    "rewards.Redemption": Export(
        "redemptions.json", "redemptions", "member",
        ("reward__title", "state", "points", "amount", "currency", "code", "ship_name",
         "ship_address", "ship_postcode", "ship_city", "ship_country", "tracking_note",
         "access_until", "created_at", "updated_at")),
    "referrals.ReferralCode": Export("referrals.json", "code", "user", ("code", "created_at")),
    "referrals.Referral": Export(
        "referrals.json", "referrals", "advocate",
        ("advocate__username", "friend__username", "state", "created_at", "settled_at",
         "completed_at", "advocate_points", "friend_points"),
        others={"friend": "Selected together with advocate (the member on either side).",
                "decided_by": STAFF_WORK},
        match=lambda user: Q(advocate=user) | Q(friend=user)),
    "referrals.PaidOrder": Export(
        "referrals.json", "paid_orders", "user", ("order_id", "email", "paid_at")),
    # --- outreach -------------------------------------------------------------------------
    "outreach.ReviewRequest": Export(
        "outreach.json", "review_requests", "member",
        ("product__title", "order__external_id", "state", "skip_reason", "due_at", "sent_at",
         "reminded_at")),
    "outreach.OutreachEmail": Export("outreach.json", "emails", "member",
                                     ("kind", "sent_at", "period")),
    # --- privacy --------------------------------------------------------------------------
    "privacy.Consent": Export(
        "consents.json", "consents", "user",
        ("purpose", "granted", "source", "wording_version", "recorded_at")),
    "privacy.Erasure": Excluded(
        "The request to delete the account itself; shown on the privacy page while it is "
        "scheduled."),
    "privacy.DataExport": Excluded(
        "The export requests themselves (the ZIP being built); listed on the privacy page."),
    # --- api ------------------------------------------------------------------------------
    "api.ApiToken": Export(
        "api_tokens.json", "hearth_api_tokens", "user",
        ("name", "kind", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at"),
        others={"created_by": "Who created a service token for the account (staff); a "
                              "member's own tokens are created by the member."}),
    # --- Django, Wagtail ------------------------------------------------------------------
    "wagtailcore.APIToken": Export(
        "api_tokens.json", "api_tokens", "user", ("name", "created", "revoked_at", "last_used_at")),
    "wagtailusers.UserProfile": Excluded(
        "Wagtail admin preferences of staff accounts (admin language, time zone, editor "
        "notifications)."),
    "wagtaildocs.Document": Excluded(WAGTAIL_ADMIN),
    "wagtailimages.Image": Excluded(WAGTAIL_ADMIN),
    "wagtailadmin.EditingSession": Excluded(WAGTAIL_ADMIN),
    "wagtailadmin.FormState": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.ModelLogEntry": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.Revision": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.UploadedFile": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.WorkflowState": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.TaskState": Excluded(WAGTAIL_ADMIN),
    # Covers Hearth's page types too (their owner and lock are fields of Page's own row).
    "wagtailcore.Page": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.PageLogEntry": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.Comment": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.CommentReply": Excluded(WAGTAIL_ADMIN),
    "wagtailcore.PageSubscription": Excluded(WAGTAIL_ADMIN),
    "admin.LogEntry": Excluded("Django admin's log of staff actions."),
}

# The member's own row: community.User, written to profile.json by the exporter.
PROFILE_FIELDS = ("username", "display_name", "email", "bio", "avatar", "date_joined",
                  "last_login", "profile_hidden_at", "profile_hidden_reason", "suspended_until",
                  "digest_frequency")


# --- Erasure ------------------------------------------------------------------------------
# What anonymising a member (privacy.services.erasure) does to their rows of each model. The
# member's own row becomes "Former member N" (ERASED_PROFILE); rows that stay are linked to
# that anonymous row only, so they count (likes, supports, the ledger's totals) without
# saying who. ``by`` selects the member's rows; left out, it is the Export entry's (its
# ``by`` or ``match``).

NOW = "now"  # a value written: the time of the erasure
UNIQUE_EMAIL = "unique-email"  # a value written: an address per row that reaches nobody


@dataclass(frozen=True)
class Erase:
    action: str  # one of ACTIONS
    why: str
    by: str | None = None
    # BLANK: written to the member's rows. CONTENT: written only when the member chose to
    # delete their content (with ``hard`` the rows are deleted instead).
    values: dict[str, object] = field(default_factory=dict)
    hard: bool = False
    # Counters (names in community.counters) rebuilt after content was deleted, so every
    # recompute_* reports no drift afterwards.
    recompute: tuple[str, ...] = ()


KEEP, DELETE, BLANK, CONTENT = "keep", "delete", "blank", "content"
ACTIONS = (KEEP, DELETE, BLANK, CONTENT)


def Keep(why: str) -> Erase:  # noqa: N802 (reads as a table)
    return Erase(KEEP, why)


def Delete(why: str, by: str | None = None) -> Erase:  # noqa: N802
    return Erase(DELETE, why, by=by)


def Blank(why: str, values: dict[str, object], by: str | None = None) -> Erase:  # noqa: N802
    return Erase(BLANK, why, by=by, values=values)


def Content(why: str, values: dict[str, object] | None = None, *, hard: bool = False,  # noqa: N802
            recompute: tuple[str, ...] = ()) -> Erase:
    return Erase(CONTENT, why, values=values or {}, hard=hard, recompute=recompute)


ANONYMOUS_COUNT = ("Stays as an anonymous count: the row is linked to the anonymised account "
                   "only, so totals and counters do not change.")
STAFF_RECORD = ("Staff's records (audit, decisions, their own work) stay as they were; where "
                "they name the member they name the anonymised account.")
DERIVED = ("Derived from rows that stay (the ledger, orders); deleting it would make the "
           "recompute_* commands report drift.")
OWN_CONTENT = ("Stays, attributed to \"Former member N\", unless the member chose to delete "
               "their posts and reviews too.")
PERSONAL = "Personal data with no use once the member is gone."

ERASURE: dict[str, Erase] = {
    "community.Notification": Delete(
        "The member's own notifications; notifications they caused for others stay, with "
        "their name rewritten (privacy.services.erasure.rewrite_names).", by="recipient"),
    "community.NotificationPreference": Delete(PERSONAL),
    "account.EmailAddress": Delete("Email addresses go with the account."),
    "socialaccount.SocialAccount": Delete("The link to a sign-in provider goes: the provider can "
                                          "no longer sign in to the anonymised account."),
    "sso.ShopAccount": Delete("The link to the shop's customer id goes: the shop can no longer "
                              "sign in to the anonymised account."),
    "forum.Topic": Keep(OWN_CONTENT + " A topic stays in any case: other members' replies "
                        "live in it (its first post is deleted with the others)."),
    "forum.Post": Content(OWN_CONTENT, {"body": "", "body_html": "", "deleted_at": NOW},
                          recompute=("forum.counters",)),
    "forum.PostRevision": Content("Earlier texts of the member's posts: deleted with them.",
                                  hard=True),
    "forum.Like": Keep(ANONYMOUS_COUNT),
    "forum.TopicSubscription": Delete(PERSONAL),
    "forum.TopicReadState": Delete(PERSONAL),
    "ideas.Idea": Keep("Ideas stay (other members support them), attributed to \"Former "
                       "member N\"."),
    "ideas.IdeaComment": Content(OWN_CONTENT, {"body": "", "body_html": "", "deleted_at": NOW},
                                 recompute=("ideas.comment_count",)),
    "ideas.Support": Keep(ANONYMOUS_COUNT),
    "ideas.StatusChange": Keep(STAFF_RECORD),
    "reviews.Review": Content(OWN_CONTENT, {"title": "", "body": "", "deleted_at": NOW},
                              recompute=("reviews.product_ratings",)),
    "reviews.ReviewRevision": Content("Earlier versions of the member's reviews: deleted "
                                      "with them.", hard=True),
    "reviews.HelpfulVote": Keep(ANONYMOUS_COUNT),
    # Unique per (email, sku): each record gets an address of its own that reaches nobody.
    "reviews.PurchaseRecord": Blank("Purchase records are anonymised: the email that matched "
                                    "them is replaced.", {"email": UNIQUE_EMAIL}),
    "reviews.BrandReply": Keep(STAFF_RECORD),
    "reviews.ReviewHideRecord": Keep(STAFF_RECORD),
    "reviews.FollowUp": Keep(STAFF_RECORD),
    "reviews.FollowUpNote": Keep(STAFF_RECORD),
    "reviews.SentimentFeedback": Keep(STAFF_RECORD),
    "badges.PointsEntry": Keep("The ledger stays for the totals, unlinked from the person: its "
                               "entries name the anonymised account only (they are "
                               "append-only, and recompute_points rebuilds totals from them)."),
    "badges.UserPoints": Keep(DERIVED),
    "badges.PointsAdjustment": Keep(STAFF_RECORD),
    "badges.PointsPeriod": Keep(DERIVED),
    "badges.EventCount": Keep(DERIVED),
    "badges.SourceTally": Keep(DERIVED),
    "badges.MemberLevel": Keep(DERIVED),
    "badges.BadgeGrant": Keep("Badges follow from the ledger (the nightly backfill would grant "
                              "them again); they name the anonymised account."),
    "badges.ChallengeProgress": Keep(DERIVED),
    "badges.SuspectedRing": Keep(STAFF_RECORD),
    "moderation.Flag": Keep("Flags are moderation records; the flagger is the anonymised "
                            "account."),
    "moderation.QueueItem": Keep(STAFF_RECORD),
    "moderation.ModerationAction": Keep("The audit log is never edited; it names the "
                                        "anonymised account (and records the erasure)."),
    "moderation.MemberTrust": Keep(DERIVED),
    "moderation.DailyActivity": Delete("Reading activity per day.", by="user"),
    "moderation.Suspension": Keep(STAFF_RECORD),
    "moderation.TextFingerprint": Delete("Spam hashes of the member's recent texts.", by="user"),
    "shop.Order": Blank("Purchase records are anonymised (the email goes); the link stays so "
                        "spend levels and refunds keep adding up.", {"email": ""}),
    "rewards.Redemption": Blank(
        "Rewards redeemed stay (stock and points add up); shipping details go.",
        {"ship_name": "", "ship_address": "", "ship_postcode": "", "ship_city": "",
         "ship_country": "", "tracking_note": ""}),
    "referrals.ReferralCode": Delete("The member's referral link stops working."),
    "referrals.Referral": Blank("Referrals stay for the points they paid; the friend's sign-up "
                                "address (stored IP data) goes.", {"signup_ip": None},
                                by="friend"),
    "referrals.PaidOrder": Blank("Anonymised like the orders.", {"email": ""}),
    "outreach.ReviewRequest": Delete("Requests to review purchases only serve to reach the "
                                     "member; none is sent any more.", by="member"),
    "outreach.OutreachEmail": Delete("The log of emails sent to the member, kept for the caps.",
                                     by="member"),
    "privacy.Consent": Keep("The record of what was agreed is evidence; it names the "
                            "anonymised account."),
    "privacy.DataExport": Delete("Export requests and their files go.", by="user"),
    "privacy.Erasure": Keep("The record that the account was erased (and by whom)."),
    "wagtailcore.APIToken": Delete("API tokens stop working.", by="user"),
    "api.ApiToken": Delete("The account's API tokens (its own and service tokens acting as it) "
                           "stop working.", by="user"),
    "wagtailusers.UserProfile": Delete(PERSONAL, by="user"),
    "wagtaildocs.Document": Keep(STAFF_RECORD),
    "wagtailimages.Image": Keep(STAFF_RECORD),
    "wagtailadmin.EditingSession": Delete(PERSONAL, by="user"),
    "wagtailadmin.FormState": Delete(PERSONAL, by="user"),
    "wagtailcore.ModelLogEntry": Keep(STAFF_RECORD),
    "wagtailcore.Revision": Keep(STAFF_RECORD),
    "wagtailcore.UploadedFile": Keep(STAFF_RECORD),
    "wagtailcore.WorkflowState": Keep(STAFF_RECORD),
    "wagtailcore.TaskState": Keep(STAFF_RECORD),
    "wagtailcore.Page": Keep(STAFF_RECORD),
    "wagtailcore.PageLogEntry": Keep(STAFF_RECORD),
    "wagtailcore.Comment": Keep(STAFF_RECORD),
    "wagtailcore.CommentReply": Keep(STAFF_RECORD),
    "wagtailcore.PageSubscription": Delete(PERSONAL, by="user"),
    "admin.LogEntry": Keep(STAFF_RECORD),
}

# The member's own row, anonymised (privacy.services.erasure): these fields are cleared; the
# username and display name become "former-member-N" and "Former member N", the password is
# made unusable and the account inactive.
ERASED_PROFILE = {"first_name": "", "last_name": "", "email": "", "bio": "", "avatar": "",
                  "profile_hidden_at": None, "profile_hidden_reason": "", "last_login": None,
                  "is_staff": False, "is_superuser": False,
                  "unread_notification_count": 0}  # their notifications are deleted


def exports_for(file_name: str) -> list[tuple[str, Export]]:
    return [(label, entry) for label, entry in COVERAGE.items()
            if isinstance(entry, Export) and entry.file == file_name]
