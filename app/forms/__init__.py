"""Form fields the generated FAB forms do not provide (value rules live on the columns:
`app.models.validators`)."""
