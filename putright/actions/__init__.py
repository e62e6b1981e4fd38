"""One catalogue of the actions people take in PutRight, each declared once.

``cases`` declares every action on a case; ``remedies`` those on remedies and awards, at
their API paths; ``portal`` what residents do. ``catalogue`` says what a declaration holds
and takes one (``perform``, ``perform_nested``) for any interface.
"""
