"""Authentication, roles and the department scope."""
