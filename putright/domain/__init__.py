"""The pure domain core: calendar, policy packs, deadlines and rules. No Django here."""
