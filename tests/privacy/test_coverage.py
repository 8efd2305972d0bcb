"""The coverage table accounts for every model that relates to members: a new model with a
user relation fails here until it gets an exporter or a reason, and an erasure rule."""

from django.apps import apps
from django.contrib.auth import get_user_model

from privacy.coverage import (
    ACTIONS,
    BLANK,
    CONTENT,
    COVERAGE,
    DELETE,
    ERASED_PROFILE,
    ERASURE,
    FILES,
    Excluded,
    Export,
)


def user_relations(model) -> list[str]:
    """The model's own fields (not inherited from a concrete parent) that point at the user
    model: ForeignKey, OneToOneField or ManyToManyField."""
    user_model = get_user_model()
    return [field.name for field in model._meta.get_fields()
            if field.is_relation and not field.auto_created and field.concrete is not False
            and getattr(field, "model", None) is model and field.related_model is user_model]


def test_every_model_with_a_user_relation_is_exported_or_excluded_with_a_reason():
    missing = [model._meta.label for model in apps.get_models()
               if user_relations(model) and model._meta.label not in COVERAGE]
    assert missing == [], (
        "These models relate to members but are not in privacy/coverage.py: give each an "
        f"Export or an Excluded reason: {missing}")


def test_every_user_field_of_an_exported_model_selects_the_members_rows_or_says_why_not():
    unexplained = []
    for label, entry in COVERAGE.items():
        if not isinstance(entry, Export):
            continue
        model = apps.get_model(label)
        for name in user_relations(model):
            if name != entry.by and name not in entry.others:
                unexplained.append(f"{label}.{name}")
    assert unexplained == []


def test_the_table_names_only_real_models_files_and_fields():
    for label, entry in COVERAGE.items():
        model = apps.get_model(label)  # LookupError for a stale label
        if isinstance(entry, Excluded):
            assert entry.reason.strip(), label
            continue
        assert entry.file in FILES, label
        # values() accepts every exported field (a typo raises FieldError)
        list(model._default_manager.none().values(*entry.fields))


def test_the_walk_sees_relations_declared_on_the_model_only():
    # A page's owner is Wagtail's Page row's field: covered once, as wagtailcore.Page.
    assert user_relations(apps.get_model("community.ProductPage")) == []
    assert sorted(user_relations(apps.get_model("wagtailcore.Page"))) == ["locked_by", "owner"]
    assert user_relations(apps.get_model("badges.SuspectedRing")) == ["members"]


def test_no_exclusion_is_left_over_for_a_model_without_a_user_relation():
    stale = [label for label, entry in COVERAGE.items()
             if isinstance(entry, Excluded) and not user_relations(apps.get_model(label))]
    assert stale == []


def test_every_model_with_a_user_relation_declares_what_erasure_does_to_it():
    missing = [model._meta.label for model in apps.get_models()
               if user_relations(model) and model._meta.label not in ERASURE]
    assert missing == [], (
        "These models relate to members but privacy/coverage.py's ERASURE does not say what "
        f"deleting an account does to them (Keep, Delete, Blank or Content): {missing}")


def test_the_erasure_table_names_only_models_of_the_coverage_table():
    assert sorted(set(ERASURE) - set(COVERAGE)) == []
    assert sorted(set(COVERAGE) - set(ERASURE)) == []


def test_every_erasure_rule_says_why_and_can_select_and_write_the_members_rows():
    user = get_user_model()(pk=1, email="someone@example.com")
    for label, erase in ERASURE.items():
        assert erase.action in ACTIONS and erase.why.strip(), label
        model = apps.get_model(label)
        if erase.action in (DELETE, BLANK) or (erase.action == CONTENT and not erase.hard):
            entry = COVERAGE[label]
            assert erase.by or isinstance(entry, Export), f"{label}: whose rows?"
            if erase.by:
                model._default_manager.none().filter(**{erase.by: user})  # FieldError on a typo
        if erase.action in (BLANK, CONTENT):
            for name in erase.values:
                model._meta.get_field(name)  # FieldDoesNotExist on a typo
        if erase.action == CONTENT and not erase.hard:
            assert erase.values, f"{label}: deleting content must write something"


def test_the_anonymised_profile_clears_real_fields():
    user_model = get_user_model()
    for name in ERASED_PROFILE:
        user_model._meta.get_field(name)
