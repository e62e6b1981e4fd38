"""Staff users, their organisations and their roles."""
