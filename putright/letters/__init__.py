"""Correspondence: the letters and e-mails each policy promises, rendered, sent and kept."""
