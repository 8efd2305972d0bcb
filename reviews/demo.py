"""Demo reviews: purchase records, reviews across ratings (some negative, landing in the
follow-up queue), a brand reply and a helpful vote. Idempotent."""

from django.test.utils import override_settings

from reviews import sentiment
from reviews.models import PurchaseRecord, Review
from reviews.services import mark_helpful, reply_as_brand, save_review, score_reviews

REVIEWS = [
    # product sku, member, rating, title, body
    ("EMB-KET-01", "alice", 5, "Holds temperature perfectly",
     "I set it to 93 degrees for pour-over and it stays there. Quiet and quick."),
    ("EMB-KET-01", "bob", 4, "Great kettle, slightly loud",
     "Boils fast and the temperature hold is handy. The click when it finishes is loud."),
    ("EMB-KET-01", "carol", 1, "Stopped heating after ten days",
     "Worked for a week and a half, then the base stopped heating altogether. Very disappointed."),
    ("EMB-GRI-02", "alice", 5, "Consistent grind",
     "The grind is even at every setting I tried and cleaning is easy."),
    ("EMB-GRI-02", "dan", 2, "Loud and uneven at fine settings",
     "Espresso grind is clumpy and the motor is very loud. Fine for filter coffee, not for espresso."),
    ("EMB-POV-03", "erin", 4, "Lovely set",
     "The glass is thick and the server keeps coffee warm long enough. Filters are a bit pricey."),
    ("TRL-FLK-01", "dan", 5, "Hot coffee at the summit",
     "Twelve hours later my coffee was still hot. Survived a drop onto rocks too."),
    ("TRL-FLK-01", "erin", 5, "Five stars, but the lid cracked within a week",
     "Great design and it keeps heat well, but the lid cracked within a week and now it leaks."),
    ("TRL-LAN-02", "bob", 3, "Does the job",
     "Bright enough for the tent. Charging over USB-C is convenient."),
    ("TRL-STV-03", "carol", 4, "Compact and reliable", "Lights first time, even in wind. Packs small."),
    ("AUD-SPK-01", "alice", 4, "Warm sound", "Warm sound for the size and the battery lasts all weekend."),
    ("AUD-BUD-02", "dan", 1, "Left bud keeps cutting out",
     "The left earbud drops the connection every few minutes. Support has not answered my email."),
    ("AUD-BUD-02", "bob", 5, "Great battery", "Thirty hours is real. Comfortable for long calls."),
]
PURCHASES = [("alice", "EMB-KET-01"), ("alice", "EMB-GRI-02"), ("carol", "EMB-KET-01"),
             ("dan", "TRL-FLK-01"), ("dan", "AUD-BUD-02"), ("erin", "TRL-FLK-01")]


def seed(log, context) -> dict:
    from community.models import ProductPage

    members = context["members"]
    for username, sku in PURCHASES:
        PurchaseRecord.objects.get_or_create(email=members[username].email.lower(), sku=sku)
    products = {p.sku: p for p in ProductPage.objects.all()}
    created = []
    # The demo writes weeks of members' reviews at once: the per-day limits on new members
    # (moderation's check_can_act) are for people, not for this history.
    with override_settings(HEARTH_TRUST_RATE_LIMITS={}, HEARTH_TRUST_FIRST_DAY_CAPS={}):
        for sku, username, rating, title, body in REVIEWS:
            product = products.get(sku)
            if product is None or Review.objects.filter(product=product, author=members[username]).exists():
                continue
            created.append(save_review(author=members[username], product=product, rating=rating,
                                       title=title, body=body))
    if created:
        try:
            sentiment.get_backend()
        except sentiment.SentimentUnavailable:
            log("reviews: the sentiment model is unavailable; new reviews stay pending")
        else:
            score_reviews(review_ids=[r.pk for r in created])
    kettle_complaint = Review.objects.filter(product__sku="EMB-KET-01", author=members["carol"]).first()
    if kettle_complaint and not hasattr(kettle_complaint, "brand_reply"):
        reply_as_brand(staff=members["sam"], review_id=kettle_complaint.pk, p_negative=0.0,
                       body="Thank you for telling us, Carol. We are sending you a replacement base today.")
    helpful = Review.objects.filter(product__sku="EMB-KET-01", author=members["alice"]).first()
    if helpful:
        mark_helpful(voter=members["bob"], review_id=helpful.pk)
    log(f"reviews: {Review.objects.count()} reviews, {PurchaseRecord.objects.count()} purchase records, "
        f"{Review.objects.filter(flagged_negative=True).count()} flagged negative")
    return {}
