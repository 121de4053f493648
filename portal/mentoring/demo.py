"""Demo mentoring: both programs' classes, an approved mentor with places and attendance."""


def seed() -> str | None:
    return None
