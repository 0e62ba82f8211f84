"""The warehouse desk (staff UI): work queue, scan, pick / pack / ship, pickups, batches,
printing, and the drop-ship vendor's desk."""
