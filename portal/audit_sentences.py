"""Building block for the sentences the audit log reads as."""

from collections.abc import Callable

from .audit import AuditAction


def sentence(action: str, label, write: Callable[[str, str], str]) -> AuditAction:
    """An action whose sentence names its actor and its object: ``write(actor, name)``."""

    def describe(entry, name) -> str:
        return write(name("user", entry.actor_id), name(entry.object_type, entry.object_id))

    return AuditAction(name=action, label=label, describe=describe)
