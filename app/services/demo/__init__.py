"""The demo college: its data as plain tables (`data`) and the seeder that turns them into
records through the same services a user's actions use (`seed`)."""
