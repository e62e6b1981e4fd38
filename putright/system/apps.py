from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "putright.system"
    label = "system"
    verbose_name = "System"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django_tasks.signals import task_finished, task_started

        from .logs import request_finished as on_request_finished
        from .logs import request_started as on_request_started
        from .logs import task_finished as on_finished
        from .logs import task_started as on_started

        request_started.connect(on_request_started, dispatch_uid="putright-request-started")
        request_finished.connect(on_request_finished, dispatch_uid="putright-request-finished")
        task_started.connect(on_started, dispatch_uid="putright-task-started")
        task_finished.connect(on_finished, dispatch_uid="putright-task-finished")
