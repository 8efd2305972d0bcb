from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community import login_doors, views
from community import wagtail_admin as admin_guards

# A database outage met outside a view still gets the 503 page, not the 500 one.
handler500 = "community.outage.server_error"
# Hearth's own pages for the other errors (community/error_pages.py, templates/4xx.html); the
# API answers problem details instead (api/problems.py).
handler400 = "config.urls.bad_request"


def bad_request(request, exception=None):
    from api import problems
    from community import error_pages

    if request.path.startswith("/api/"):
        return problems.bad_request(request, exception)
    return error_pages.bad_request(request, exception)


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # In front of two Wagtail admin views that fail on input they do not expect
    # (community/wagtail_admin.py): a chooser id that is not a number. Unnamed, so Wagtail's
    # own names still reverse to its URLs.
    path("admin/documents/chooser/chosen/<notanid:pk>/", admin_guards.chooser_id_not_found),
    path("admin/images/chooser/chosen/<notanid:pk>/", admin_guards.chooser_id_not_found),
    # The admin sites' and Wagtail's private pages' own log-in forms set no limit on guessing
    # a password: these send everyone to the site's log-in page (community/login_doors.py).
    path("admin/login/", login_doors.wagtail_admin_login),
    path("django-admin/login/", login_doors.django_admin_login),
    path("_util/login/", login_doors.private_page_login),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("forum/", include("forum.urls")),
    path("", include("community.urls_site")),
    path("ideas/", include("ideas.urls")),
    path("", include("moderation.urls")),
    path("", include("reviews.urls")),
    path("", include("badges.urls")),
    path("staff/loyalty/", include("rewards.staff_urls")),
    path("staff/health/", include("insights.urls")),
    path("", include("shop.urls")),
    path("", include("referrals.urls")),
    path("", include("rewards.urls")),
    path("", include("privacy.urls")),
    path("", include("outreach.urls")),
    path("", include("sso.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.site_urls")),
]

if settings.HEARTH_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", views.media, name="media")]

# Wagtail's page tree (home, products, guidelines) comes last: it matches every other path.
urlpatterns += [path("", include(wagtail_urls))]
