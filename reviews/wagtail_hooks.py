"""Admin wiring: purchase records are edited in Wagtail; reviews are browsed there."""

from wagtail.snippets.models import register_snippet

from community.wagtail_admin import CommunitySnippetViewSet
from reviews.models import PurchaseRecord


class PurchaseRecordViewSet(CommunitySnippetViewSet):
    model = PurchaseRecord
    icon = "tag"
    menu_label = "Purchase records"
    add_to_admin_menu = True
    list_display = ["email", "sku", "order_reference", "purchased_on"]
    search_fields = ["email", "sku", "order_reference"]
    list_filter = ["sku"]


register_snippet(PurchaseRecordViewSet)
