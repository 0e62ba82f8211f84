"""manage.py import_channel_orders <channel code> <file.csv>: a CSV channel's orders in."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oms.core.actor import Actor
from oms.core.models import Channel
from oms.integrations.csvimport.services import csv_import_orders


class Command(BaseCommand):
    help = "Import a CSV file of a channel's orders (one row per order line) through the inbox."

    def add_arguments(self, parser):
        parser.add_argument("channel")
        parser.add_argument("path")

    def handle(self, *args, channel, path, **options):
        found = Channel.objects.filter(code=channel, active=True).first()
        if found is None:
            raise CommandError(f"No active channel {channel!r}.")
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
            imported = csv_import_orders(
                channel=found,
                text=text,
                actor=Actor.system("import_channel_orders"),
                filename=Path(path).name,
            )
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(str(error)) from error
        for item in imported:
            item.document.refresh_from_db()
            state = item.document.status if item.created else "already imported"
            error = f" - {item.document.error}" if item.document.error else ""
            self.stdout.write(f"{item.external_id}: {state}{error}")
