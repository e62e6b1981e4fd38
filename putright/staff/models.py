"""What the staff pages remember for a user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedQueue(models.Model):
    """A user's own filter for the case list; the list opens with it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue"
    )
    query = models.CharField(max_length=1000, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.query}"
