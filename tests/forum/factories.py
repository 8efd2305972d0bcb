"""Forum factories. Topics and replies are made through the services, so counters, post
numbers and watches are exactly what the site itself would produce."""

import factory

from forum import services
from forum.models import Category, Post, Topic
from tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Questions and answers."


def make_topic(*, author=None, category=None, title="How do I descale my kettle?",
               body="It tastes of limescale.") -> Topic:
    return services.start_topic(
        author=author or UserFactory(), category=category or CategoryFactory(), title=title, body=body
    )


def make_reply(topic: Topic, *, author=None, body="Try citric acid.", **kwargs) -> Post:
    return services.post_reply(author=author or UserFactory(), topic=topic, body=body, **kwargs)
