"""One timeline for every record: an append-only history, clocks that explain themselves,
their owners' My work and the sweep that chases each overdue clock once.

A record type (restrictions, hazards, Ombudsman orders, improvement actions ...) registers
itself in its app's ``AppConfig.ready()`` (``registry.register``); its services then call
``record_event``, ``clock_start`` and ``clock_stop`` inside their own transactions.
"""
