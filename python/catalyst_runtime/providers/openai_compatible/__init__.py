"""OpenAI and the vendors that speak its Chat Completions (Azure OpenAI, Groq, xAI, any
OpenAI-compatible server) as configuration over one adapter
(``packages/providers/src/openai-compatible``)."""
