"""An IAM policy evaluator: documents, condition operators and the Allow/Deny decision.

Written for the strict local AWS because moto's evaluator ignores resources and most
conditions. Pure: no moto imports, table-tested in tests/test_policy_*.py.
"""
