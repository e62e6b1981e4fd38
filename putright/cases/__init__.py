"""Cases and their chronology: from first contact to closure, following the policy pack."""
