"""Environment names and settings of each provider (TypeScript: ``providers/config``)."""
