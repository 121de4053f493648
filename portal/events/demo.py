"""Demo events and invitations."""


def seed() -> str | None:
    return None
