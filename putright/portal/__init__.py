"""The resident portal: make a complaint, follow it, escalate it, give feedback."""
