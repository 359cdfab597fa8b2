"""The catalogue's own rules about its records: what makes a service item, a system or a
contact complete enough to submit."""
