"""The staff caseworking pages: queues, the case page and every action."""
