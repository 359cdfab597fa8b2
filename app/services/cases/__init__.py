"""Cases (办件): applications for a live service item, run through the item's nodes.

`engine` compiles an item's process nodes to BPMN and runs them with SpiffWorkflow; `files`
keeps the uploaded materials; `applying` is the applicant's side (apply, draft, submit,
withdraw, progress); `handling` is the handlers' side (inbox, approve, return, transfer,
complete). Nothing here commits.
"""
