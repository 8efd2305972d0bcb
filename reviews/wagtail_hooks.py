"""Admin wiring: purchase records are edited in Wagtail; reviews are browsed there."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from reviews.models import PurchaseRecord


class PurchaseRecordViewSet(SnippetViewSet):
    model = PurchaseRecord
    icon = "tag"
    menu_label = "Purchase records"
    add_to_admin_menu = True
    list_display = ["email", "sku", "order_reference", "purchased_on"]
    search_fields = ["email", "sku", "order_reference"]
    list_filter = ["sku"]


register_snippet(PurchaseRecordViewSet)
