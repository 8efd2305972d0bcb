import pytest

from tests.webhooks.receiver import start_receiver
from webhooks import services
from webhooks.models import Endpoint


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def allow_local(settings):
    """The receiver runs on 127.0.0.1 over http: only tests that need it lift the guard."""
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def make_endpoint(db):
    def make(*, url: str, events: list[str], is_active: bool = True, **fields) -> Endpoint:
        return services.save_endpoint(endpoint=Endpoint(url=url, events=events, is_active=is_active,
                                                        description=fields.pop("description", "Shop"),
                                                        **fields))
    return make
