"""The review workflow (draft, submitted, approved, returned) with signed decisions and frozen
versions, the service-hall lifecycle of items, the reviewer's inbox, and the guards every form
and import runs before writing a record."""
