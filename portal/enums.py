"""Enums whose members carry their own translated label.

Labels sit beside the members they name, so forms, filters and templates all read
``member.label`` and no module keeps a separate label dict. Members are stored by name.
"""

import enum


class LabelledEnum(enum.Enum):
    """An enum declared as ``name = _l("Label")``; ``member.label`` is the lazy label."""

    def __new__(cls, label):
        member = object.__new__(cls)
        # The value only orders the members; the database stores the name.
        member._value_ = len(cls.__members__) + 1
        member.label = label
        return member

    def __str__(self) -> str:
        return str(self.label)

    @classmethod
    def choices(cls, members=None) -> list[tuple[str, object]]:
        """(name, label) pairs, for a select."""
        return [(member.name, member.label) for member in (members or cls)]
