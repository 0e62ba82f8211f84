"""Who did it: a user, a sales channel or the system. Kept on every timeline event."""

from dataclasses import dataclass, field

USER = "user"
CHANNEL = "channel"
SYSTEM = "system"
ACTOR_KINDS = [(USER, "User"), (CHANNEL, "Channel"), (SYSTEM, "System")]


@dataclass(frozen=True)
class Actor:
    kind: str
    id: int | None = None
    label: str = ""
    #: The OMS roles (oms.core.roles) of a user or channel, read when the actor was made from
    #: them: services check what the actor may do (oms.core.authz) without another query.
    roles: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(SYSTEM, None, label)

    @classmethod
    def for_user(cls, user) -> "Actor":
        from .roles import user_roles  # roles imports django.contrib.auth: not at model load time

        channel = getattr(user, "channel", None)
        if channel is not None:
            return cls(CHANNEL, channel.pk, channel.code, user_roles(user))
        return cls(USER, user.pk, user.get_username(), user_roles(user))

    @classmethod
    def for_channel(cls, channel) -> "Actor":
        """A channel acting by itself (a document from its inbox); its role follows its kind."""
        return cls(CHANNEL, channel.pk, channel.code)

    @classmethod
    def from_request(cls, request) -> "Actor":
        return cls.for_user(request.user)

    def as_fields(self, prefix: str = "actor") -> dict:
        return {f"{prefix}_kind": self.kind, f"{prefix}_id": self.id, f"{prefix}_label": self.label}

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}"
