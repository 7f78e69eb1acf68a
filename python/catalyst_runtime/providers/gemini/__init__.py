"""Google Gemini through the ``google-genai`` SDK (``packages/providers/src/gemini``)."""
