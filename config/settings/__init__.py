"""Settings per environment: ``production`` (the default), ``demo`` and ``test``.

All of them read the environment; see ``base`` for the variables.
"""
