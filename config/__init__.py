"""Django project configuration for PutRight."""
