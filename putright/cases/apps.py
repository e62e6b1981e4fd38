from typing import Any

from django.apps import AppConfig


def _cases_visible_to(user: Any, cases: Any) -> Any:
    from putright.cases.access import cases_visible_to

    return cases.filter(pk__in=cases_visible_to(user).values("pk"))


def _case_url(case: Any) -> str:
    from django.urls import reverse

    return reverse("staff:case", args=[case.reference])


class CasesConfig(AppConfig):
    name = "putright.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # A case is the timeline's first kind of record: a clock may run on a case beside
        # the deadlines its policy derives (which stay in its own chronology, as before).
        from putright.timeline import registry

        from .models import Case

        registry.register(
            name="case",
            label="Case",
            model=Case,
            visible_to=_cases_visible_to,
            url=_case_url,
        )
