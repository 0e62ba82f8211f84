"""ERP tasks (names under "erp." so they route to the erp queue): thin and idempotent."""

from celery import shared_task

from . import services


@shared_task(name="erp.export")
def export(connection_id: int | None = None) -> dict:
    return services.erp_export_run(connection_id=connection_id)


@shared_task(name="erp.send_export")
def send_export(export_id: int) -> str:
    return services.erp_export_send(export_id=export_id).status


@shared_task(name="erp.import_files")
def import_files() -> int:
    return services.erp_import_run()
