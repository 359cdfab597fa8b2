"""Static material of the demo college, one module per area: departments, their processes
(the service items' catalogue), the texts items and reviews are written in, information
systems, people's names, rectification tasks and the campaign.

Everything here is plain data in Chinese, as a department would write it in attachments 1-4 of
the notice. `app.services.demo.seed` turns it into records; nothing here touches the database.
"""
