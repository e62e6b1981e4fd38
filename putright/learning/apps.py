from typing import Any

from django.apps import AppConfig


def _actions_visible_to(user: Any, actions: Any) -> Any:
    from .access import actions_visible_to

    return actions_visible_to(user, actions)


def _action_url(action: Any) -> str:
    from django.urls import reverse

    return reverse("staff:learning-action", args=[action.pk])


class LearningConfig(AppConfig):
    name = "putright.learning"
    label = "learning"
    verbose_name = "Learning from complaints"

    def ready(self) -> None:
        # An improvement action is a record with a history (its progress notes, completion
        # and effectiveness review) and clocks (its due date, then its effectiveness review),
        # on its owner's My work and chased by the record clocks sweep.
        from putright.timeline import registry

        from .models import ImprovementAction

        registry.register(
            name="improvement_action",
            label="Improvement action",
            model=ImprovementAction,
            visible_to=_actions_visible_to,
            url=_action_url,
        )
