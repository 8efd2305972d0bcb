from django.db import models
from django.utils import timezone


class SearchWithoutResults(models.Model):
    """A search that found nothing, written by the site's search views (the forum search and
    the product catalogue) for the community health dashboard. Who searched is not stored:
    the row is about what the community looks for and does not find, not about a member.
    Rows older than ``RETENTION_DAYS`` are deleted by ``community.tasks.prune_searches``."""

    RETENTION_DAYS = 180

    class Where(models.TextChoices):
        FORUM = "forum", "Forum"
        CATALOGUE = "catalogue", "Product catalogue"

    query = models.CharField(max_length=200)
    where = models.CharField(max_length=20, choices=Where.choices)
    searched_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "searches without results"

    def __str__(self) -> str:
        return f"{self.where}: {self.query}"
