"""Policy packs inside the Django project: the registry, and the policy and deadlines commands."""
