"""E-mail in: messages to the complaints mailbox, kept as they came, waiting for staff to classify."""
