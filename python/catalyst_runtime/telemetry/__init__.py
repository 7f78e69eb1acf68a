"""OpenTelemetry traces of runs, nodes and provider calls (GenAI semantic conventions), the twin
of the TypeScript runtime's ``telemetry`` folder; see docs/telemetry.md."""
