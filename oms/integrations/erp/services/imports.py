"""ERP files in: each CSV dropped in the import folder goes through the admin's own import
resources (inventory.resources: the same validation, services and ledger as an admin import),
all or nothing, then moves to done/ or failed/ beside a report that names every bad row.

The file kind comes from its name: skus*.csv (SkuResource: code, name, barcode, ...) or
stock*.csv / counts*.csv (StockLevelResource: sku, location, on_hand [, safety_stock] [, bin]).
A worker claims a file by renaming it into processing/ (atomic: a second worker finds it gone).
"""

import os
from pathlib import Path

import tablib
from django.utils import timezone

from inventory.resources import SkuResource, StockLevelResource

from ..models import ErpConnection, ErpImport

Kind = ErpImport.Kind
RESOURCES = {Kind.SKUS: SkuResource, Kind.STOCK: StockLevelResource}


def kind_of(file_name: str) -> str:
    name = file_name.lower()
    if name.startswith("sku"):
        return Kind.SKUS
    if name.startswith(("stock", "count")):
        return Kind.STOCK
    return Kind.UNKNOWN


def _row_errors(result) -> list[str]:
    """Every refusal, each naming its row (the data row number; the file line is one more)."""
    lines = [f"File: {error.error}" for error in result.base_errors]
    for row in result.invalid_rows:
        for field, messages in row.error_dict.items():
            for message in messages if isinstance(messages, list) else [messages]:
                text = str(message)
                prefix = "" if text.startswith("Row ") else f"Row {row.number}: "
                lines.append(f"{prefix}{text} (column {field}, line {row.number + 1} of the file)")
    for number, row in result.row_errors():
        for error in row:
            values = dict(error.row) if getattr(error, "row", None) is not None else {}
            what = f"{type(error.error).__name__}: {error.error}"
            lines.append(
                f"Row {number}: cannot be read ({what}); the row: {values} (line {number + 1} of the file)"
            )
    return lines


def _import(kind: str, path: Path) -> tuple[bool, int, list[str]]:
    if kind == Kind.UNKNOWN:
        return False, 0, [f"{path.name}: unknown kind of file; names start with skus, stock or counts."]
    try:
        dataset = tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")
    except (UnicodeDecodeError, tablib.InvalidDimensions, ValueError) as error:
        return False, 0, [f"File: cannot be read as UTF-8 CSV with a header row ({error})."]
    try:
        result = RESOURCES[kind]().import_data(
            dataset, dry_run=False, raise_errors=False, use_transactions=True, file_name=path.name
        )
    except Exception as error:  # a resource refusing the whole file (missing columns)
        messages = getattr(error, "messages", None) or [str(error)]
        return False, len(dataset), [f"File: {message}" for message in messages]
    errors = _row_errors(result)
    return not errors, len(dataset), errors


def _destination(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():  # the same name dropped again: keep both
        target = folder / f"{timezone.now():%Y%m%dT%H%M%S%f}-{name}"
    return target


def erp_import_file(*, connection: ErpConnection, path: Path) -> ErpImport | None:
    """Import one file, or None when another worker has already taken it."""
    processing = path.parent / "processing"
    processing.mkdir(exist_ok=True)
    claimed = processing / path.name
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        return None
    os.utime(claimed)  # the claim's time, for _recover_abandoned
    kind = kind_of(path.name)
    ok, rows, errors = _import(kind, claimed)
    status = ErpImport.Status.DONE if ok else ErpImport.Status.FAILED
    report = (
        f"{path.name}: {rows} rows imported."
        if ok
        else f"{path.name}: refused, nothing imported.\n" + "\n".join(errors)
    )
    target = _destination(path.parent / status_folder(status), path.name)
    os.replace(claimed, target)
    target.with_name(target.name + ".report.txt").write_text(report + "\n", encoding="utf-8")
    return ErpImport.objects.create(
        connection=connection,
        file_name=path.name,
        kind=kind,
        status=status,
        rows=rows,
        report=report,
        moved_to=str(target),
    )


def status_folder(status: str) -> str:
    return "done" if status == ErpImport.Status.DONE else "failed"


#: A file still in processing/ this long after its claim was left by a worker that died.
ABANDONED_AFTER_SECONDS = 15 * 60


def _recover_abandoned(folder: Path) -> None:
    """Put files a dead worker left in processing/ back in the folder. Importing one again is
    harmless: SKU rows are upserts and stock rows are counts (absolute, not deltas)."""
    cutoff = timezone.now().timestamp() - ABANDONED_AFTER_SECONDS
    for path in (folder / "processing").glob("*.csv"):
        if path.stat().st_mtime < cutoff and not (folder / path.name).exists():
            os.rename(path, folder / path.name)


def erp_import_files(*, connection: ErpConnection) -> list[ErpImport]:
    """Every CSV in the import folder, oldest name first."""
    if not connection.import_folder:
        return []
    folder = Path(connection.import_folder)
    if not folder.is_dir():
        return []
    _recover_abandoned(folder)
    done = []
    for path in sorted(folder.glob("*.csv")):
        record = erp_import_file(connection=connection, path=path)
        if record is not None:
            done.append(record)
    return done


def erp_import_run() -> int:
    """The scheduled run over every enabled connection; returns the files taken."""
    return sum(len(erp_import_files(connection=c)) for c in ErpConnection.objects.filter(enabled=True))
