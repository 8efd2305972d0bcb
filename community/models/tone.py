from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ContentTone(models.Model):
    """How negative a forum post or an idea comment reads (the review sentiment model's
    P(negative)), scored in the background for the community health dashboard's trend by
    area ("Forum · Kitchen"). Used for trends only: nothing is hidden, flagged or shown to
    members because of it. Who wrote the content is not stored."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    area = models.CharField(max_length=160, help_text="Where the content was written.")
    written_at = models.DateTimeField(db_index=True)
    p_negative = models.FloatField()
    model_version = models.CharField(max_length=64)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               name="content_tone_once")]

    def __str__(self) -> str:
        return f"{self.area}: {self.p_negative:.2f}"
