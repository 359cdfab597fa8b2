"""Business rules, testable without HTTP."""
