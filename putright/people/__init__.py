"""Customers and their representatives."""
