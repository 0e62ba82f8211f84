"""Who did it: a user, a sales channel or the system. Kept on every timeline event."""

from dataclasses import dataclass

USER = "user"
CHANNEL = "channel"
SYSTEM = "system"
ACTOR_KINDS = [(USER, "User"), (CHANNEL, "Channel"), (SYSTEM, "System")]


@dataclass(frozen=True)
class Actor:
    kind: str
    id: int | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(SYSTEM, None, label)

    @classmethod
    def for_user(cls, user) -> "Actor":
        channel = getattr(user, "channel", None)
        if channel is not None:
            return cls.for_channel(channel)
        return cls(USER, user.pk, user.get_username())

    @classmethod
    def for_channel(cls, channel) -> "Actor":
        return cls(CHANNEL, channel.pk, channel.code)

    @classmethod
    def from_request(cls, request) -> "Actor":
        return cls.for_user(request.user)

    def as_fields(self, prefix: str = "actor") -> dict:
        return {f"{prefix}_kind": self.kind, f"{prefix}_id": self.id, f"{prefix}_label": self.label}

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}"
