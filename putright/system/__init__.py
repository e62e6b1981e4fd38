"""Running the service: health, periodic jobs and the worker."""
