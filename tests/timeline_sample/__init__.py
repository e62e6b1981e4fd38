"""A kind of record that exists only in the tests: it has a timeline and clocks like any other."""
