"""``putright webhooks add|list|remove|test|deliveries``: an organisation's webhook subscriptions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from putright.accounts.actors import Actor
from putright.cases.errors import CaseError
from putright.organisations.models import Organisation
from putright.webhooks.models import Delivery, EventType, PersonalData, Subscription
from putright.webhooks.services import subscription_add, subscription_remove, subscription_test

ACTOR = Actor.system("putright webhooks")


class Command(BaseCommand):
    help = "Add, list, remove and test the webhooks that tell housing systems of case events."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="Subscribe a URL to some kinds of event.")
        add.add_argument("--org", required=True, help="The organisation's slug.")
        add.add_argument("--url", required=True, help="The https:// address to POST to.")
        add.add_argument(
            "--events",
            required=True,
            help=f"Comma-separated, of: {', '.join(EventType.values)}; or 'all'.",
        )
        add.add_argument(
            "--personal-data",
            default="",
            help=f"Comma-separated, of: {', '.join(PersonalData.values)} (default: none).",
        )
        add.add_argument("--secret", default="", help="The signing secret (default: a new one).")
        add.add_argument("--description", default="")
        listing = sub.add_parser("list", help="List the subscriptions.")
        listing.add_argument("--org", default="", help="Only this organisation's.")
        remove = sub.add_parser("remove", help="Stop sending to a subscription.")
        remove.add_argument("id", type=int)
        test = sub.add_parser("test", help="Send a signed webhook.test event now.")
        test.add_argument("id", type=int)
        deliveries = sub.add_parser("deliveries", help="The latest deliveries and their attempts.")
        deliveries.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['verb']}")(options)
        except CaseError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None

    def _subscription(self, subscription_id: int) -> Subscription:
        found = Subscription.objects.select_related("organisation").filter(pk=subscription_id)
        subscription = found.first()
        if subscription is None:
            raise CommandError(f"There is no webhook subscription {subscription_id}.")
        return subscription

    def _add(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"There is no organisation {options['org']}.")
        events = [e.strip() for e in options["events"].split(",") if e.strip()]
        if events == ["all"]:
            events = list(EventType.values)
        personal = [p.strip() for p in options["personal_data"].split(",") if p.strip()]
        subscription = subscription_add(
            organisation=organisation,
            url=options["url"],
            event_types=events,
            personal_data=personal,
            secret=options["secret"],
            description=options["description"],
            actor=ACTOR,
        )
        self.stdout.write(f"Subscription {subscription.pk} added for {organisation.slug}.")
        self.stdout.write(f"Events: {', '.join(subscription.event_types)}")
        self.stdout.write(
            "Personal data: " + (", ".join(subscription.personal_data) or "none (the default)")
        )
        self.stdout.write(f"Signing secret (shown once; keep it safe): {subscription.secret}")

    def _list(self, options: dict[str, Any]) -> None:
        found = Subscription.objects.select_related("organisation").order_by("pk")
        if options["org"]:
            found = found.filter(organisation__slug=options["org"])
        rows = list(found)
        if not rows:
            self.stdout.write("No webhook subscriptions.")
            return
        for s in rows:
            state = "active" if s.active else f"removed {s.removed_at:%Y-%m-%d}"
            pending = s.deliveries.filter(status="pending").count()
            failed = s.deliveries.filter(status="failed").count()
            self.stdout.write(
                f"{s.pk}  {s.organisation.slug}  {s.url}  {state}\n"
                f"    events: {', '.join(s.event_types)}\n"
                f"    personal data: {', '.join(s.personal_data) or 'none'}\n"
                f"    deliveries waiting: {pending}, given up: {failed}"
            )

    def _remove(self, options: dict[str, Any]) -> None:
        subscription = subscription_remove(
            subscription=self._subscription(options["id"]), actor=ACTOR
        )
        self.stdout.write(f"Subscription {subscription.pk} removed: nothing more is sent to it.")

    def _test(self, options: dict[str, Any]) -> None:
        attempt = subscription_test(subscription=self._subscription(options["id"]), actor=ACTOR)
        answer = f"HTTP {attempt.response_code}" if attempt.response_code else attempt.error
        if not attempt.succeeded:
            raise CommandError(f"Not delivered: {answer} after {attempt.duration_ms} ms.")
        self.stdout.write(f"Delivered: {answer} in {attempt.duration_ms} ms.")

    def _deliveries(self, options: dict[str, Any]) -> None:
        subscription = self._subscription(options["id"])
        rows = Delivery.objects.filter(subscription=subscription).prefetch_related("attempt_log")
        for d in rows[:50]:
            self.stdout.write(f"{d.webhook_id}  {d.event_type}  {d.status}  tries: {d.attempts}")
            for a in d.attempt_log.all():
                code = a.response_code or a.error
                retry = f", next try {a.next_retry_at:%Y-%m-%d %H:%M:%S}" if a.next_retry_at else ""
                self.stdout.write(
                    f"    {a.at:%Y-%m-%d %H:%M:%S}  {code}  {a.duration_ms} ms{retry}"
                )
