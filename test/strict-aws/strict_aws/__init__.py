"""The strict local AWS: moto, with the rules real AWS enforces."""
