"""PutRight: complaint handling for English social landlords.

``putright.domain`` is the pure core (calendar, policy packs, deadlines, rules);
the Django apps beside it persist cases and serve the interfaces.
"""

__version__ = "0.1.0"
