"""The Gherkin scenarios of features/ run end to end: GraphQL over HTTP through the ASGI app, real adapters."""
