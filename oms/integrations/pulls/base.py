"""What a channel's puller yields: pages of the channel's own documents (each one order, as the
import endpoint takes it) and, per page, the cursor that page lets the channel advance to."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class PulledDocument:
    body: dict
    external_id: str
    updated_at: str  # the channel's updated-at, as it states it: part of the duplicate key

    @property
    def delivery_id(self) -> str:
        return f"pull:{self.external_id}:{self.updated_at}"[:200]


@dataclass
class Page:
    documents: list[PulledDocument] = field(default_factory=list)
    #: Where the next run starts once this page is stored; None: not before the run ends
    #: (a channel whose pages are not ordered by update time).
    cursor: str | None = None


class Puller(Protocol):
    topic: str

    def pages(self, since: str) -> Iterator[Page]: ...

    def fetch(self, external_id: str) -> PulledDocument: ...
