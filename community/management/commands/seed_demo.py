import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from community.demo import DEMO_PASSWORD, MEMBERS
from community.roles import ROLE_LABELS

# Each app may have a `demo` module with `seed(log, context)`; they run in this order so
# later apps can use what earlier ones created (members, products, topics...).
DEMO_APPS = ["forum", "ideas", "reviews", "moderation", "badges"]


class Command(BaseCommand):
    help = "Fill the site with demo members, products and content. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            from community import demo

            context = demo.seed(self.stdout.write)
            for app in DEMO_APPS:
                if importlib.util.find_spec(f"{app}.demo") is None:
                    continue
                module = importlib.import_module(f"{app}.demo")
                context.update(module.seed(self.stdout.write, context) or {})
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for username, _name, role, _bio in MEMBERS:
            label = "superuser (Wagtail admin at /admin/)" if role == "superuser" else (
                ROLE_LABELS[role].lower() if role else "customer")
            self.stdout.write(f"  {username:<8} / {DEMO_PASSWORD}   {label}")
