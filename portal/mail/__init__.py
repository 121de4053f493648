"""Mail: the outbox, its renderers and the workers that deliver it."""
