from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import fulfillment.demo
import inventory.demo
import orders.demo
import returns.demo
from inventory.models import Location
from oms.demo.seed import DEMO_USERS, DEMO_WORK_LOCATIONS, seed_channels, seed_users
from oms.security.services.mfa import base32_secret, mfa_enrol_demo_device


class Command(BaseCommand):
    help = "Load demo data (channels, locations, SKUs, stock, one user per role). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with known passwords; refusing with DEBUG off.")
        # One transaction per stage: orders are sourced once their intake has committed, so
        # the stages that work them (pick, pack, ship, return) must see those commits.
        with transaction.atomic():
            channels = seed_channels()
            users = seed_users()
            self.stdout.write(f"demo: {len(channels)} channels, {len(users)} users")
            self.stdout.write(f"demo: {inventory.demo.seed()}")
            self.stdout.write(f"demo: {fulfillment.demo.seed()}")
            for user in users:
                for code in DEMO_WORK_LOCATIONS.get(user.username, []):
                    Location.objects.get(code=code).staff.add(user)
        self.stdout.write(f"demo: {orders.demo.seed()}")
        self.stdout.write(f"demo: {fulfillment.demo.advance()}")
        self.stdout.write(f"demo: {returns.demo.seed()}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        for username, password, role, _ in DEMO_USERS:
            self.stdout.write(f"  {role:<17} login: {username:<8} password: {password}")
        self.stdout.write(
            "The admin confirms sign-in with a second factor: while DEBUG is on, the code page shows\n"
            "the demo user's current code. Or add the admin's demo key to an authenticator app:"
        )
        admin = next(user for user in users if user.username == "admin")
        self.stdout.write(f"  TOTP key for admin: {base32_secret(mfa_enrol_demo_device(user=admin))}")
