"""Events out: signed webhooks telling an organisation's housing systems what happened to a case."""
