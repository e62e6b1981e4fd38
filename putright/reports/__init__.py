"""Reporting: Tenant Satisfaction Measures, performance, the Code self-assessment."""
