"""The Excel templates of attachments 1-4: their column specs, the validated all-or-nothing
import and the exports."""
