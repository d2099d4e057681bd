"""Papers' details from the services that hold them (arXiv's API first): what is asked,
how politely, and what the answers mean. No SQL and no Qt: the store keeps the answers
(`store.metadata`), the CLI and the window ask for them."""
