"""The demo college: its data as plain tables (`data`, one module per area) and the seeder that
turns them into records through the same rules a user's actions use (`seed`, with one module per
step: `people`, `systems`, `items`, `tasks`, on the shared `rows` and `reviews`)."""
