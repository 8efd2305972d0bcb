import factory

from reviews.models import PurchaseRecord
from reviews.services import save_review
from tests.factories import UserFactory, make_product


def write_review(*, author=None, product=None, rating=4, title="Solid kettle",
                 body="Works well and looks good on the counter.", **kwargs):
    return save_review(author=author or UserFactory(), product=product or make_product(),
                       rating=rating, title=title, body=body)


class PurchaseRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseRecord

    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    sku = "SKU-0001"
