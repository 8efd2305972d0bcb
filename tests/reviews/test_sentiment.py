import csv
import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from community import encoder
from reviews import sentiment
from reviews.sentiment import training
from reviews.sentiment.base import clause_spans, combine, counted_clauses
from reviews.sentiment.lexicon import LexiconBackend
from reviews.sentiment.minilm import Head

CHECK_SET = Path(__file__).resolve().parent / "robustness_check.tsv"
needs_encoder = pytest.mark.skipif(not encoder.available(), reason="torch/transformers not installed")


@pytest.fixture(scope="module")
def minilm():
    """The real encoder and committed head, loaded once for the module."""
    from reviews.sentiment.minilm import MiniLMHeadBackend

    return MiniLMHeadBackend(head_path=sentiment.head_path(), clause_gate=0.9)


def _clauses(text):
    return [text[a:b] for a, b in clause_spans(text)]


def test_a_mixed_review_is_cut_into_clauses():
    assert _clauses("Great design, cracked within a week.") == ["Great design", "cracked within a week."]


def test_a_plain_sentence_is_one_clause():
    assert _clauses("Keeps tea hot until the evening.") == ["Keeps tea hot until the evening."]


def test_the_clause_before_but_does_not_count_on_its_own():
    text = "Not cheap, but worth every penny."
    assert counted_clauses(text, clause_spans(text)) == [False, True]


def test_a_confident_negative_clause_raises_the_text_score():
    assert combine(0.2, [0.1, 0.95], [True, True], gate=0.9) == 0.95


def test_a_clause_below_the_gate_leaves_the_text_score():
    assert combine(0.2, [0.1, 0.8], [True, True], gate=0.9) == 0.2


def test_a_discounted_clause_never_raises_the_score():
    assert combine(0.2, [0.99, 0.1], [False, True], gate=0.9) == 0.2


def test_a_gate_above_one_is_the_whole_text_alone():
    assert combine(0.2, [0.1, 0.99], [False, True], gate=2.0) == 0.2


def test_a_model_keeps_the_clause_gate_it_was_validated_with(tmp_path):
    weights = np.ones(384, dtype=np.float32)
    Head(weights, 0.1, clause_gate=2.0).save(tmp_path / "gated.npz")
    gated = Head.load(tmp_path / "gated.npz")
    assert gated.clause_gate == 2.0
    assert gated.version != Head(weights, 0.1).version
    assert Head(weights, 0.1).clause_gate is None


def test_a_negative_verdict_after_but_raises_the_score_below_the_gate():
    assert combine(0.3, [0.1, 0.6], [False, True], gate=0.9) == 0.6


def test_a_complaint_right_after_clear_praise_counts_like_one_after_but():
    # "Great design, cracked within a week": no "but", yet the second clause is the verdict.
    assert combine(0.2, [0.02, 0.6], [True, True], gate=0.9) == 0.6


def test_a_complaint_after_lukewarm_words_needs_the_gate():
    assert combine(0.2, [0.3, 0.6], [True, True], gate=0.9) == 0.2


@pytest.mark.parametrize(("reply", "hostile"), [
    ("Your review is useless and wrong.", True),
    ("You obviously used it wrong.", True),
    ("Stop complaining, nobody else has this problem.", True),
    ("Thank you, we are sorry. We will send a replacement.", False),
    ("We are sorry the lid cracked; a replacement is on its way.", False),
    ("This is not your fault, please contact us.", False),
])
def test_the_brand_reply_tone_check_warns_about_hostility_not_about_naming_the_problem(reply, hostile):
    assert (sentiment.score_reply(reply).p_negative >= 0.5) is hostile


def test_the_brand_reply_check_never_loads_the_review_model(settings, monkeypatch):
    settings.HEARTH_SENTIMENT_BACKEND = "minilm"
    sentiment.reset_backend()
    monkeypatch.setattr(sentiment, "_build", lambda: pytest.fail("the review model was loaded"))
    assert sentiment.score_reply("Thanks for the review!").backend == "reply-tone"


def test_the_brand_reply_check_can_use_the_review_model_when_configured(settings, monkeypatch):
    settings.HEARTH_SENTIMENT_REPLY_BACKEND = "model"
    assert sentiment.score_reply("It broke and I hate it.").backend == "lexicon"


@pytest.mark.parametrize(("p", "rating", "flagged"), [
    (0.01, 1, True), (0.01, 2, True), (0.49, 3, False), (0.5, 3, True),
    (0.9, 5, True), (0.85, 4, True), (0.84, 4, False), (0.62, 5, False), (0.1, 5, False),
    (None, 4, False), (None, 2, True),
])
def test_the_flag_rule_combines_stars_and_text(p, rating, flagged, settings):
    settings.HEARTH_SENTIMENT_THRESHOLD = 0.5
    settings.HEARTH_SENTIMENT_HIGH_RATING_THRESHOLD = 0.85
    assert sentiment.is_flagged(p_negative=p, rating=rating) is flagged


@pytest.mark.parametrize(("p", "rating", "confident"), [
    (0.5, 1, True), (0.3, 2, False), (None, 1, False), (0.6, 3, False), (0.75, 3, True),
    (0.85, 5, True), (0.8, 4, False),
])
def test_only_a_flag_whose_stars_and_text_agree_or_whose_text_is_clear_is_confident(
        p, rating, confident, settings):
    settings.HEARTH_SENTIMENT_THRESHOLD = 0.5
    settings.HEARTH_SENTIMENT_HIGH_RATING_THRESHOLD = 0.85
    settings.HEARTH_SENTIMENT_ACKNOWLEDGE_THRESHOLD = 0.75
    assert sentiment.is_confident(p_negative=p, rating=rating) is confident


def test_the_flag_thresholds_are_configurable(settings):
    settings.HEARTH_SENTIMENT_THRESHOLD = 0.8
    assert sentiment.is_flagged(p_negative=0.7, rating=3) is False
    settings.HEARTH_SENTIMENT_HIGH_RATING_THRESHOLD = 0.6
    assert sentiment.is_flagged(p_negative=0.62, rating=5) is True


def test_the_lexicon_fallback_reads_negation():
    backend = LexiconBackend(clause_gate=0.9)
    broken, not_bad, great = backend.p_negative(
        ["It broke and leaks, terrible.", "Not bad at all.", "Great kettle, love it."]
    )
    assert broken > 0.5 > great
    assert not_bad < 0.5


def test_the_lexicon_backend_is_chosen_when_configured(settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    try:
        assert sentiment.score_texts(["awful"])[0].backend == "lexicon"
    finally:
        sentiment.reset_backend()


def test_an_unknown_backend_is_reported_as_unavailable(settings):
    settings.HEARTH_SENTIMENT_BACKEND = "crystal-ball"
    sentiment.reset_backend()
    try:
        with pytest.raises(sentiment.SentimentUnavailable):
            sentiment.get_backend()
    finally:
        sentiment.reset_backend()


def test_a_missing_head_file_makes_the_model_unavailable(tmp_path):
    with pytest.raises(sentiment.SentimentUnavailable):
        Head.load(tmp_path / "missing.npz")


def test_the_transformers_backend_needs_a_model_folder(tmp_path):
    from reviews.sentiment.local_transformers import LocalTransformersBackend

    with pytest.raises(sentiment.SentimentUnavailable):
        LocalTransformersBackend(model_dir=str(tmp_path / "nope"), label_map={"1 star": 1.0})


def test_the_committed_model_is_a_head_and_small_changes_to_the_encoder():
    head = Head.load(sentiment.head_path())
    assert head.weights.shape == (384,)
    assert head.version.startswith("minilm-tuned-")
    # Six blocks, six linear layers each, each change of rank 8: about 1.3 MB, not 90.
    assert len(head.adapter) == 36
    assert sum(a.size + b.size for a, b in head.adapter.values()) < 400_000


@needs_encoder
def test_the_model_flags_complaints_and_passes_praise(minilm):
    broke, love = minilm.p_negative(["It stopped working after two days.", "I love it, works great."])
    assert broke > 0.5 > love


@needs_encoder
def test_clause_scores_come_from_the_same_forward_pass_as_the_text(minilm):
    text = "Beautiful kettle, the lid broke on day two."
    full, parts = minilm.encoder.embed_spans([text], [clause_spans(text)])
    assert parts[0].shape == (2, 384)
    np.testing.assert_allclose(full[0], minilm.encoder.embed([text])[0], atol=1e-5)


@needs_encoder
def test_the_model_holds_up_on_tricky_product_review_sentences(minilm, capsys):
    """A hand-written set (never trained on) of mixed reviews, negation and sarcasm."""
    with open(CHECK_SET, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    scores = minilm.p_negative([r["text"] for r in rows])
    correct = sum((p >= 0.5) == (r["label"] == "negative") for p, r in zip(scores, rows, strict=True))
    accuracy = correct / len(rows)
    with capsys.disabled():
        print(f"\nrobustness check set: {correct}/{len(rows)} = {accuracy:.3f}")
    # 0.629 with the first head; 0.800 with clause flips and a cross-validated head; 0.871
    # with the fine-tuned encoder.
    assert accuracy >= 0.85


@needs_encoder
def test_training_chooses_its_settings_by_cross_validation_and_is_deterministic(minilm):
    examples = training.read_tsv(training.HEARTH_SENTENCES, hand_written=True)
    examples += [training.Example(text=f"Plain sentence number {i}.", negative=bool(i % 2))
                 for i in range(20)]
    features = training.Features.compute([e.text for e in examples], embed_spans=minilm.encoder.embed_spans)

    first, chosen = training.select_and_train(examples, features)
    second, chosen_again = training.select_and_train(examples, features)
    assert np.array_equal(first.weights, second.weights) and first.bias == second.bias
    assert chosen == chosen_again
    assert chosen.c in training.C_GRID and chosen.hand_written_weight in training.HAND_WRITTEN_WEIGHT_GRID
    assert chosen.bias_shift in training.BIAS_SHIFT_GRID


def test_evaluate_prints_accuracy_and_negative_f1(tmp_path, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    data = tmp_path / "eval.tsv"
    data.write_text("text\tlabel\nterrible and broken\tnegative\ngreat and lovely\tpositive\n")
    out = io.StringIO()
    try:
        call_command("sentiment", "evaluate", "--file", str(data), stdout=out)
    finally:
        sentiment.reset_backend()
    assert "accuracy: 1.000" in out.getvalue()
    assert "negative F1: 1.000" in out.getvalue()


def test_evaluate_rejects_a_file_without_labels(tmp_path):
    data = tmp_path / "bad.tsv"
    data.write_text("text\nhello\n")
    with pytest.raises(CommandError, match="label"):
        call_command("sentiment", "evaluate", "--file", str(data))


def test_training_on_the_test_file_is_refused(tmp_path):
    test_file = tmp_path / "test.tsv"
    test_file.write_text("text\tlabel\nx\tnegative\n")
    with pytest.raises(CommandError, match="evaluation only"):
        call_command("sentiment", "train", "--file", str(test_file))


def test_score_prints_a_label_and_probability_per_line(monkeypatch, settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    monkeypatch.setattr("sys.stdin", io.StringIO("terrible, it broke\n\nlovely and great\n"))
    out = io.StringIO()
    try:
        call_command("sentiment", "score", stdout=out)
    finally:
        sentiment.reset_backend()
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["negative", "positive"]
    assert 0.5 <= float(lines[0].split("\t")[1]) <= 1


@needs_encoder
def test_staff_are_shown_what_is_negative_on_its_own_not_praise_beside_a_complaint(minilm):
    text = "Great design and it keeps heat well, but the lid cracked within a week."
    (score, clauses), = minilm.explain([text])
    praise, complaint = [(text[a:b], p) for a, b, p in clauses]
    assert score == minilm.p_negative([text])[0] > 0.9
    assert praise[0] == "Great design and it keeps heat well" and praise[1] < 0.1
    assert complaint[1] > 0.9
