"""CloudTrail events to EventBridge, and EventBridge delivering them (ADR 0040)."""
