from .accounts import User
from .notifications import Notification, NotificationPreference
from .outbox import OutboxTask
from .pages import HomePage, ProductCategory, ProductIndexPage, ProductPage, StandardPage

__all__ = [
    "HomePage",
    "Notification",
    "NotificationPreference",
    "OutboxTask",
    "ProductCategory",
    "ProductIndexPage",
    "ProductPage",
    "StandardPage",
    "User",
]
