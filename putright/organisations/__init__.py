"""Landlords and the members of landlord groups, each bound to a policy pack."""
