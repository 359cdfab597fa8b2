"""One year's campaign: the progress board, reminders to late departments, the yearly
assessment and each role's home page (which summarise the areas below)."""
