from .exports import erp_export_claim, erp_export_retry, erp_export_run, erp_export_send, erp_export_send_due
from .imports import erp_import_file, erp_import_files, erp_import_run

__all__ = [
    "erp_export_claim",
    "erp_export_retry",
    "erp_export_run",
    "erp_export_send",
    "erp_export_send_due",
    "erp_import_file",
    "erp_import_files",
    "erp_import_run",
]
