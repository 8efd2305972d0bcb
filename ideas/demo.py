"""Demo ideas at every status, made through the idea services so counts, history and
notifications are what the site would produce. Safe to run again: existing titles are skipped.

Eight demo members cannot carry an idea to 10,000 supporters, so the ideas shown as
achieved (and the decisions after it) record that step in their history directly; their
support counts are the real demo supports.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.test.utils import override_settings

from community.models import ProductCategory, ProductPage
from ideas import clock
from ideas.models import Idea, Status
from ideas.services import (
    add_comment,
    cast_support,
    decide_idea,
    merge_idea,
    submit_idea,
)
from ideas.services._core import change_status, lock_idea
from ideas.services.lifecycle import refresh_trending, run_lifecycle

# title, creator, product sku, description, supporters, path of statuses after submission
IDEAS = [
    ("A travel lid for the Trail Flask", "alice", "TRL-FLK-01",
     "A sip lid that clicks shut, so the flask can ride in a backpack **without leaking**.\n\n"
     "- one-handed\n- dishwasher safe", ["bob", "carol", "dan", "erin"], ["publish"]),
    ("Ember Kettle keep-warm timer on the base", "bob", "EMB-KET-01",
     "Let me set how long the kettle keeps water warm from the base itself, not only the app.",
     ["alice", "carol"], ["publish"]),
    ("Wireless charging case for Hearth Buds", "carol", "AUD-BUD-02",
     "A case that charges on any Qi pad, like the phone does.", [], []),
    ("Red night-vision mode for the Trail Lantern", "dan", "TRL-LAN-02",
     "A red light mode that keeps your night vision at camp.", [],
     [("needs_work", "Please say which brightness levels you need and how you would switch modes.")]),
    ("Single-dose hopper for the Ember Grinder", "erin", "EMB-GRI-02",
     "A small hopper for weighing single doses, with less retention.", ["alice", "bob", "dan"],
     ["publish", "achieved"]),
    ("Windscreen accessory for the Trail Stove", "alice", "TRL-STV-03",
     "A folding aluminium windscreen that fits the stove and packs inside the pot.",
     ["bob", "erin"], ["publish", "achieved",
                       ("approved", "Approved! Our outdoor team starts prototyping next quarter.")]),
    ("Stereo pairing for two Hearth Speakers", "bob", "AUD-SPK-01",
     "Pair two speakers as left and right channels.", ["alice", "carol", "dan", "erin"],
     ["publish", "achieved", ("approved", "Approved for the next firmware cycle."),
      ("in_development", "Firmware engineers are on it; beta testers wanted soon.")]),
    ("A four-cup dripper for the Pour-Over Set", "carol", "EMB-POV-03",
     "The set is great for one; a bigger dripper would serve the whole table.", ["alice", "bob"],
     ["publish", "achieved", ("approved", "Approved."), ("in_development", "Tooling ordered."),
      ("shipped", "The four-cup dripper is in the shop now. Thank you all!")]),
    ("Ember Kettle in matte black", "dan", "EMB-KET-01",
     "A matte black finish to match other kitchen gear.", ["erin"],
     ["publish", "achieved",
      ("declined", "We tested matte black and it chipped too easily near the spout; not this year.")]),
    ("A coffee bean subscription", "erin", None,
     "Send beans every month matched to my grinder settings.", [],
     [("not_approved", "Hearth ideas are for our products; we do not plan to sell coffee.")]),
    ("Lantern that doubles as a power bank", "alice", "TRL-LAN-02",
     "Use the lantern battery to top up a phone.", ["bob"], ["publish_past"]),
    ("More colours for Hearth Buds", "bob", "AUD-BUD-02",
     "Sage and sand colours, please.", ["carol"],
     ["publish", "achieved", ("approved", "Approved."),
      ("archived", "Archived: superseded by the new colour range announced in the shop.")]),
    ("Kettle timer you can set without the app", "carol", "EMB-KET-01",
     "Same as the keep-warm timer idea: a button on the base.", ["dan", "erin"], ["publish", "merge"]),
]


# The demo records history in one go: members' rate limits (meant for people typing) would
# refuse it, and would use up the demo members' allowance for the day.
@override_settings(HEARTH_TRUST_RATE_LIMITS={}, HEARTH_TRUST_FIRST_DAY_CAPS={})
def seed(log, context) -> dict:
    members = context["members"]
    maya, sam = members["maya"], members["sam"]
    created = 0
    for title, creator, sku, description, supporters, steps in IDEAS:
        if Idea.objects.filter(title=title).exists():
            continue
        created += 1
        product = ProductPage.objects.filter(sku=sku).first() if sku else None
        past = "publish_past" in steps
        moment = clock.now() - timedelta(days=70) if past else clock.now()
        with clock.frozen_at(moment):
            idea = submit_idea(creator=members[creator], title=title, description=description,
                               product=product, category=product.category if product else _category())
        for step in steps:
            with clock.frozen_at(moment):
                _apply(step, idea=idea, members=members, maya=maya, sam=sam, supporters=supporters)
    if created:
        add_comment(author=members["dan"], idea_id=Idea.objects.get(title=IDEAS[0][0]).pk,
                    body="Yes please! Mine rattles around in the bag. @alice would a silicone seal work?")
        add_comment(author=members["sam"], idea_id=Idea.objects.get(title=IDEAS[0][0]).pk,
                    body="Thanks for the idea, we are watching this one closely.")
    run_lifecycle()
    refresh_trending()
    log(f"ideas: {created} demo ideas added, {Idea.objects.count()} in all")
    return {}


def _category():
    return ProductCategory.objects.order_by("name").first()


def _apply(step, *, idea, members, maya, sam, supporters) -> None:
    if step in ("publish", "publish_past"):
        decide_idea(actor=sam, idea_id=idea.pk, to_status=Status.GATHERING_SUPPORT)
        for username in supporters:
            cast_support(user=members[username], idea_id=idea.pk)
    elif step == "achieved":
        # Stands in for 10,000 supporters the demo cannot muster.
        with transaction.atomic():
            locked = lock_idea(idea.pk)
            locked.deadline = None
            locked.next_milestone = None
            change_status(locked, to_status=Status.ACHIEVED, actor=None, now=clock.now(),
                          comment="Reached 10,000 supporters: the idea is now awaiting staff review.")
    elif step == "merge":
        original = Idea.objects.get(title="Ember Kettle keep-warm timer on the base")
        merge_idea(actor=maya, duplicate_id=idea.pk, original_id=original.pk)
    else:
        to_status, comment = step
        decide_idea(actor=maya, idea_id=idea.pk, to_status=to_status, comment=comment)
