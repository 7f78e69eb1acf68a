"""OpenAI's Chat Completions and Embeddings wire format, read and written (the twins of the
TypeScript ``local`` provider folder's OpenAI modules, which its local OpenAI server and the
OpenAI-compatible gateway share)."""
