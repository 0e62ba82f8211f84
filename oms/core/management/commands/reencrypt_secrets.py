from django.core.management.base import BaseCommand

from oms.core.crypto import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the first key of OMS_ENCRYPTION_KEYS (after adding one)."

    def handle(self, *args, **options):
        rewritten = reencrypt_all()
        self.stdout.write(f"Re-encrypted the secrets of {rewritten} rows with the first key.")
