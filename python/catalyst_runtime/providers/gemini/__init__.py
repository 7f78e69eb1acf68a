"""Google Gemini through the ``google-genai`` SDK (TypeScript: ``providers/gemini``)."""
