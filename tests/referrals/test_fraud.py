import pytest

from referrals.fraud import edit_distance, emails_alike, normalise_email


def test_normalising_lowers_case_and_drops_gmail_dots_and_plus_tags():
    assert normalise_email("John.Doe+promo@GoogleMail.com") == ("johndoe", "gmail.com")
    assert normalise_email("john.doe+x@outlook.com") == ("john.doe", "outlook.com")
    assert normalise_email("john.doe+x@example.com") == ("john.doe+x", "example.com")


def test_edit_distance_counts_edits_and_stops_past_the_limit():
    assert edit_distance("kitten", "sitting", limit=5) == 3
    assert edit_distance("alice", "alice", limit=2) == 0
    assert edit_distance("alice", "alicexyz", limit=2) == 3


@pytest.mark.parametrize(("a", "b", "alike"), [
    ("alice@example.com", "ALICE@example.com", True),
    ("j.smith@gmail.com", "jsmith+ref@gmail.com", True),
    ("jsmith77@example.com", "jsmith7@example.com", True),
    ("jsmith77@example.com", "jsmith@example.com", True),
    ("jsmith77@example.com", "jsmith77@example.org", False),
    ("jsmith@example.com", "jsm@example.com", False),
    ("mark@example.com", "mary@example.com", False),
    ("robert@example.com", "alison@example.com", False),
])
def test_emails_alike_means_same_mailbox_or_within_two_edits_on_one_domain(a, b, alike):
    assert emails_alike(a, b) is alike
