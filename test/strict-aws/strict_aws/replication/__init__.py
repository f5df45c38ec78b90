"""Rule (c): S3 replication, performed."""
