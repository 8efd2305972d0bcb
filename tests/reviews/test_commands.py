import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reviews.models import PurchaseRecord, Review
from tests.factories import UserFactory, make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db


def test_import_purchases_stores_good_rows_and_reports_rejected_ones(tmp_path):
    data = tmp_path / "purchases.csv"
    data.write_text("email,sku,order_reference,purchased_on\n"
                    "Ana@Example.com,KET-1,A100,2026-01-05\n"
                    "nobody,KET-1,A101,\n"
                    "ben@example.com,,A102,\n")
    out = io.StringIO()
    call_command("import_purchases", str(data), stdout=out)
    text = out.getvalue()
    assert "1 purchase records imported, 2 rows rejected" in text
    assert "line 3: rejected, invalid email 'nobody'" in text
    assert "line 4: rejected, missing or too long SKU" in text
    record = PurchaseRecord.objects.get()
    assert (record.email, record.sku, record.order_reference) == ("ana@example.com", "KET-1", "A100")


def test_import_purchases_refuses_a_file_without_the_needed_columns(tmp_path):
    data = tmp_path / "purchases.csv"
    data.write_text("mail,product\nx@example.com,KET-1\n")
    with pytest.raises(CommandError, match="email, sku"):
        call_command("import_purchases", str(data))


def test_rescore_scores_every_review_and_can_run_twice(site_tree):
    product = make_product(title="Kettle", sku="KET-1")
    for i in range(5):
        write_review(author=UserFactory(), product=product, rating=5, title=f"Review {i}",
                     body="Terrible, it broke and leaks." if i == 0 else "Lovely, works great.")
    for _ in range(2):
        out = io.StringIO()
        call_command("sentiment", "rescore", "--batch-size", "2", stdout=out)
        assert "rescored 5 reviews" in out.getvalue() and "5/5" in out.getvalue()
    assert not Review.objects.filter(sentiment=Review.Sentiment.PENDING).exists()
    assert Review.objects.filter(flagged_negative=True).count() == 1
    assert Review.objects.get(title="Review 0").follow_up


def test_the_sweeps_are_scheduled():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reviews.tasks.score_pending_reviews", "reviews.tasks.escalate_overdue_follow_ups"} <= tasks


@pytest.mark.skipif(not __import__("community.encoder").encoder.available(), reason="no encoder")
def test_train_with_feedback_learns_from_not_negative_labels(site_tree, tmp_path):
    from reviews.models import SentimentFeedback
    from reviews.sentiment.minilm import Head

    SentimentFeedback.objects.create(text="Never had an issue with it.", negative=False)
    small = tmp_path / "small.tsv"
    small.write_text("source\ttext\tlabel\nx\tAwful, broke at once.\tnegative\nx\tLovely thing.\tpositive\n")
    out = io.StringIO()
    call_command("sentiment", "train", "--file", str(small), "--include-feedback", "--head-only",
                 "--output", str(tmp_path / "head.npz"), stdout=out)
    assert "feedback examples: 1" in out.getvalue()
    assert Head.load(tmp_path / "head.npz").weights.shape == (384,)
