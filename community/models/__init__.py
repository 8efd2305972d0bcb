from .accounts import User
from .notifications import Notification, NotificationPreference
from .pages import HomePage, ProductCategory, ProductIndexPage, ProductPage, StandardPage

__all__ = [
    "HomePage",
    "Notification",
    "NotificationPreference",
    "ProductCategory",
    "ProductIndexPage",
    "ProductPage",
    "StandardPage",
    "User",
]
