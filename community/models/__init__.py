from .accounts import User
from .notifications import Notification, NotificationPreference
from .outbox import OutboxTask
from .pages import HomePage, ProductCategory, ProductIndexPage, ProductPage, StandardPage
from .searches import SearchWithoutResults
from .tone import ContentTone

__all__ = [
    "ContentTone",
    "HomePage",
    "Notification",
    "NotificationPreference",
    "OutboxTask",
    "ProductCategory",
    "ProductIndexPage",
    "ProductPage",
    "SearchWithoutResults",
    "StandardPage",
    "User",
]
