"""Times /ideas/similar/ on a fresh process with the real sentence encoder: the first call
(the model not loaded yet), calls while it loads in the background, and calls once loaded.

    HEARTH_TEST_DB_NAME=test_hearth_similar_bench .venv/bin/python bench/similar_cold_start.py

(its own throw-away database: created, used and dropped)
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from community import encoder  # noqa: E402


def main() -> None:
    setup_test_environment()
    from django.test.utils import get_runner
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from ideas.services.similarity import store_embedding
        from tests.ideas.factories import published_idea
        with override_settings(HEARTH_IDEAS_SIMILARITY="text"):  # publishing must not load it here
            idea = published_idea(title="Keep-warm timer on the kettle base")
        # A stored vector (as the Celery task leaves), without loading the encoder here.
        import numpy as np

        from ideas.models import Idea
        vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
        Idea.objects.filter(pk=idea.pk).update(embedding=vector.tobytes(), embedded_at=idea.published_at)
        with override_settings(HEARTH_IDEAS_SIMILARITY="semantic", HEARTH_IDEAS_SIMILAR_RATE=(10_000, 60)):
            client = Client()
            started = time.perf_counter()
            first = client.get("/ideas/similar/", {"title": "kettle that stays warm"})
            print(f"first call: {first.status_code} in {(time.perf_counter() - started) * 1000:.0f} ms"
                  f" (encoder loaded: {encoder.loaded()})")
            started = time.perf_counter()
            while not encoder.loaded() and time.perf_counter() - started < 60:
                call = time.perf_counter()
                client.get("/ideas/similar/", {"title": "kettle that stays warm"})
                print(f"  while loading: {(time.perf_counter() - call) * 1000:.0f} ms")
                time.sleep(1)
            print(f"encoder loaded in the background after {time.perf_counter() - started:.1f} s")
            store_embedding(idea_id=idea.pk)
            time.sleep(0.2)
            for _ in range(5):
                call = time.perf_counter()
                response = client.get("/ideas/similar/", {"title": "a flask lid that never leaks"})
                print(f"  loaded: {response.status_code} in {(time.perf_counter() - call) * 1000:.0f} ms")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
