"""Who may do what: the permission table (`permissions.can`), the department scope of rows,
authentication (lockout, login audit) and the password policy."""
