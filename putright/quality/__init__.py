"""The quality of formal responses: complete before they are sent, easy to read, and reviewed
each quarter against the Code and the landlord's own standards."""
