"""Resident portal views: making a complaint (``make``) and following one (``follow``)."""
