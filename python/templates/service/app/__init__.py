"""The generated service: main.py (HTTP) and workflow.py (the graph)."""
