from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "putright.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # The words kept for each case follow its summary and its customer (signals.py).
        from . import signals

        signals.connect()
