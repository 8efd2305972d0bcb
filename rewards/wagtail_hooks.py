"""Admin wiring: brand staff and community managers edit the catalogue under "Rewards"
(rewards, causes, code pools, level perks) as snippets, and import or generate a pool's codes.

Rewards are snippets rather than pages: a reward is a structured record (cost, stock, limits,
level, kind-specific fields) that the catalogue lists with each member's own standing, and
its stock moves with every redemption; pages would add drafts, revisions and a page route for
each reward that staff do not need, and a published revision would hold a stale stock.
Redemptions are not edited here: gifts are fulfilled on the site (/rewards/staff/), where
each action refunds and audits through rewards.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from community.refusals import Invalid
from community.wagtail_admin import CommunitySnippetViewSet
from rewards.forms import GenerateCodesForm, ImportCodesForm
from rewards.models import Cause, CodePool, LevelPerk, Reward
from rewards.services import codes


class RewardViewSet(CommunitySnippetViewSet):
    model = Reward
    icon = "pick"
    menu_label = "Rewards"
    list_display = ["title", "kind", "cost", "stock", "min_level", "live"]
    list_filter = ["kind", "live"]
    search_fields = ["title"]
    protected_hint = ("Members keep what they redeemed: untick “live” to take the reward out of "
                      "the catalogue instead.")


class CauseViewSet(CommunitySnippetViewSet):
    model = Cause
    icon = "heart"
    menu_label = "Causes"
    list_display = ["name", "slug"]
    protected_hint = "Donation rewards give to this cause: change or remove them first."


class CodesLeftColumn(Column):
    """Codes left in the pool, marked “low” under its warning threshold."""

    def get_value(self, instance):
        return instance.left

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        url = reverse("rewards_pool_codes", kwargs={"pool_id": instance.pk})
        low = " — running low" if instance.left < instance.threshold else ""
        context["value"] = format_html('{} of {}{} · <a href="{}">add codes</a>', instance.left,
                                       instance.total, low, url)
        return context


class CodePoolViewSet(CommunitySnippetViewSet):
    model = CodePool
    icon = "key"
    menu_label = "Code pools"
    list_display = ["name", CodesLeftColumn("left", label="Codes left"), "low_threshold"]
    protected_hint = "Discount rewards take their codes from this pool: change them first."

    def get_queryset(self, request):
        return CodePool.objects.annotate(
            left=Count("codes", filter=Q(codes__redemption__isnull=True)), total=Count("codes"))


class LevelPerkViewSet(CommunitySnippetViewSet):
    model = LevelPerk
    icon = "order"
    menu_label = "Level perks"
    list_display = ["level", "entry_reward"]


class RewardsGroup(SnippetViewSetGroup):
    menu_label = "Rewards"
    menu_icon = "pick"
    items = (RewardViewSet, CauseViewSet, CodePoolViewSet, LevelPerkViewSet)


register_snippet(RewardsGroup)


@require_admin_access
def pool_codes(request, pool_id: int):
    """Import a CSV of codes into a pool, or generate codes with its prefix."""
    if not request.user.has_perm("rewards.change_codepool"):
        raise PermissionDenied
    pool = get_object_or_404(CodePool.objects.annotate(
        left=Count("codes", filter=Q(codes__redemption__isnull=True)), total=Count("codes")),
        pk=pool_id)
    import_form, generate_form = ImportCodesForm(), GenerateCodesForm()
    status = 200
    if request.method == "POST":
        try:
            if "generate" in request.POST:
                generate_form = GenerateCodesForm(request.POST)
                if generate_form.is_valid():
                    added = codes.generate_codes(actor=request.user, pool=pool,
                                                 count=generate_form.cleaned_data["count"])
                    messages.success(request, f"{added:,} codes generated.")
                    return redirect("rewards_pool_codes", pool_id=pool.pk)
            else:
                import_form = ImportCodesForm(request.POST, request.FILES)
                if import_form.is_valid():
                    found = codes.parse_codes_csv(import_form.cleaned_data["file"].read())
                    added, skipped = codes.add_codes(actor=request.user, pool=pool, codes=found,
                                                     how="Imported from CSV")
                    messages.success(request, f"{added:,} codes imported"
                                     + (f", {skipped:,} already in the pool." if skipped else "."))
                    return redirect("rewards_pool_codes", pool_id=pool.pk)
        except Invalid as refusal:
            messages.error(request, refusal.message)
        status = 400
    return render(request, "rewards/admin/pool_codes.html",
                  {"pool": pool, "import_form": import_form, "generate_form": generate_form},
                  status=status)


@hooks.register("register_admin_urls")
def register_pool_codes_url():
    return [path("rewards/pools/<id:pool_id>/codes/", pool_codes, name="rewards_pool_codes")]
