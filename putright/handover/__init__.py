"""Handing a leaving member of staff's work to others: the kinds of work each app holds."""
