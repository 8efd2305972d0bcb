import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from community.demo import DEMO_PASSWORD, MEMBERS
from community.roles import ROLE_LABELS


class Command(BaseCommand):
    help = "Fill the site with demo members, products and content. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            from community import demo

            context = demo.seed(self.stdout.write)
            # Each app of HEARTH_DEMO_APPS may have a `demo` module with `seed(log, context)`;
            # they run in that order so later apps use what earlier ones made.
            for app in settings.HEARTH_DEMO_APPS:
                if importlib.util.find_spec(f"{app}.demo") is None:
                    continue
                module = importlib.import_module(f"{app}.demo")
                context.update(module.seed(self.stdout.write, context) or {})
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for username, _name, role, _bio in MEMBERS:
            label = "superuser (Wagtail admin at /admin/)" if role == "superuser" else (
                ROLE_LABELS[role].lower() if role else "customer")
            self.stdout.write(f"  {username:<8} / {DEMO_PASSWORD}   {label}")
