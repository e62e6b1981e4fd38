"""Views of the staff pages, one module per area."""
