"""One module per `incident-bot` command. Each imports only click at module level."""
