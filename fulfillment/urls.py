from django.urls import path

from .views import batches, printing, queue, vendor, work

app_name = "fulfillment"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("scan/", queue.scan, name="scan"),
    path("<int:pk>/", work.work, name="work"),
    path("<int:pk>/scan/", work.work_scan, name="work-scan"),
    path("<int:pk>/short/", work.work_short, name="work-short"),
    path("<int:pk>/pack/", work.work_pack, name="work-pack"),
    path("<int:pk>/ship/", work.work_ship, name="work-ship"),
    path("<int:pk>/ready/", work.work_prepare, name="work-ready"),
    path("<int:pk>/collect/", work.work_collect, name="work-collect"),
    path("<int:pk>/confirm-change/", work.work_confirm, name="work-confirm"),
    path("<int:pk>/pick-list/", printing.pick_list, name="pick-list"),
    path("<int:pk>/packing-slip/", printing.packing_slip, name="packing-slip"),
    path("print/pick-lists.pdf", printing.pick_lists_pdf, name="pick-lists-pdf"),
    path("print/packing-slips.pdf", printing.packing_slips_pdf, name="packing-slips-pdf"),
    path("orders/<str:number>/", work.order_work, name="order"),
    path("batches/", batches.batch_create, name="batch-create"),
    path("batches/<str:number>/", batches.batch, name="batch"),
    path("batches/<str:number>/scan/", batches.batch_scan, name="batch-scan"),
    path("batches/<str:number>/pick-list.pdf", printing.batch_pdf, name="batch-pdf"),
    path("vendor/", vendor.vendor, name="vendor"),
    path("vendor/<int:pk>/accept/", vendor.vendor_accept, name="vendor-accept"),
    path("vendor/<int:pk>/ship/", vendor.vendor_ship, name="vendor-ship"),
]
