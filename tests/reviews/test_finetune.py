"""Fine-tuning the encoder for review sentiment (reviews/sentiment/finetune.py)."""

import io
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.management import call_command

from community import encoder
from reviews.sentiment import finetune
from reviews.sentiment.minilm import Head, MiniLMHeadBackend
from reviews.sentiment.training import Example

pytestmark = pytest.mark.skipif(not encoder.available(), reason="torch/transformers not installed")

TINY = [Example("It broke after a day.", True), Example("Works great, love it.", False),
        Example("Terrible, returned it.", True), Example("Lovely kettle, very happy.", False)]
ONE_PASS = finetune.Recipe(epochs=1, batch_size=2)


def test_the_same_rows_and_seed_give_the_same_model():
    first = finetune.fine_tune(TINY, recipe=ONE_PASS)
    again = finetune.fine_tune(TINY, recipe=ONE_PASS)
    assert first.version == again.version
    other_seed = finetune.Recipe(epochs=1, batch_size=2, seed=1)
    assert first.version != finetune.fine_tune(TINY, recipe=other_seed).version


def test_a_fine_tuned_model_survives_its_file_and_scores_with_its_own_encoder(tmp_path):
    head = finetune.fine_tune(TINY, recipe=ONE_PASS)
    head.save(tmp_path / "tuned.npz")
    loaded = Head.load(tmp_path / "tuned.npz")
    assert loaded.version == head.version and set(loaded.adapter) == set(head.adapter)

    shared = encoder.get_encoder()
    before = shared.embed(["The lid broke."])
    backend = MiniLMHeadBackend(head_path="", clause_gate=0.9, head=loaded)
    assert backend.encoder is not shared
    # The changes were added to a private copy: the shared encoder (similar ideas) is as shipped.
    np.testing.assert_array_equal(shared.embed(["The lid broke."]), before)
    assert not np.allclose(backend.encoder.embed(["The lid broke."]), before)
    # Adding the changes to the weights scores exactly what training computed.
    assert 0.0 <= backend.p_negative(["The lid broke."])[0] <= 1.0


def test_changes_to_a_parameter_the_encoder_lacks_are_refused():
    with pytest.raises(encoder.EncoderUnavailable):
        encoder.SentenceEncoder(encoder.model_dir(), weight_deltas={"no.such.weight": np.zeros(3)})


@pytest.mark.django_db
def test_train_prints_cross_validated_figures_and_writes_a_fine_tuned_model(tmp_path):
    small = tmp_path / "small.tsv"
    small.write_text("source\ttext\tlabel\n" + "".join(
        f"x\t{e.text}\t{'negative' if e.negative else 'positive'}\n" for e in TINY * 3))
    out = io.StringIO()
    call_command("sentiment", "train", "--file", str(small), "--folds", "2", "--epochs", "1",
                 "--output", str(tmp_path / "model.npz"), stdout=out)
    assert "2-fold cross-validated on the training rows, clause gate" in out.getvalue()
    assert Head.load(tmp_path / "model.npz").version.startswith("minilm-tuned-")


def test_the_threshold_chosen_by_validation_is_recorded_and_not_part_of_the_version(tmp_path):
    trained = Head(np.ones(4, dtype=np.float32), 0.25, adapter={"w": (np.ones((1, 2)), np.ones((3, 1)))})
    chosen = finetune.validated(trained, shift=-0.1, clause_gate=2.0)
    assert chosen.bias == pytest.approx(0.15) and chosen.bias_shift == pytest.approx(-0.1)
    chosen.save(tmp_path / "chosen.npz")
    loaded = Head.load(tmp_path / "chosen.npz")
    assert loaded.bias_shift == pytest.approx(-0.1) and loaded.clause_gate == 2.0
    unrecorded = Head(chosen.weights, chosen.bias, adapter=chosen.adapter, clause_gate=2.0)
    assert unrecorded.version == loaded.version  # the bias is what scores; the record is a note


def test_a_retrained_candidate_keeps_the_threshold_and_gate_of_the_model_in_use(monkeypatch, settings):
    from reviews.services import retraining

    settings.HEARTH_SENTIMENT_RETRAIN_EPOCHS = 1
    adapter = {"w": (np.ones((1, 2)), np.ones((3, 1)))}
    in_use = Head(np.ones(4, dtype=np.float32), -0.35, adapter=adapter, clause_gate=2.0, bias_shift=-0.1)
    fresh = Head(np.zeros(4, dtype=np.float32), 0.5, adapter=adapter)
    monkeypatch.setattr(finetune, "fine_tune", lambda examples, *, recipe: fresh)
    # The model in use as retraining reads it: its head (no encoder is built for this).
    current = SimpleNamespace(head=in_use)
    candidate = retraining._train_like(current, TINY)
    assert candidate.bias == pytest.approx(0.4) and candidate.bias_shift == pytest.approx(-0.1)
    assert candidate.clause_gate == 2.0


def test_the_shipped_model_records_the_threshold_its_folds_chose():
    from reviews.sentiment import HEAD_FILE

    shipped = Head.load(HEAD_FILE)
    assert shipped.bias_shift == pytest.approx(-0.1) and shipped.clause_gate == 2.0
