"""The router every case endpoint is registered on."""

from ninja import Router

router = Router(tags=["cases"])
