"""Form fields and validators the generated FAB forms do not provide."""
