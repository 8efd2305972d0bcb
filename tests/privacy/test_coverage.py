"""The coverage table accounts for every model that relates to members: a new model with a
user relation fails here until it gets an exporter or a reason (and, later, an eraser)."""

from django.apps import apps
from django.contrib.auth import get_user_model

from privacy.coverage import COVERAGE, FILES, Excluded, Export


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
