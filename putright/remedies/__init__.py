"""Putting things right: remedies, action plans and compensation with authority limits."""
