"""Authorization (rules d and h): which IAM actions a request needs, on which resources
with which condition keys, and the decision of identity-based and resource-based policies
combined the way each service combines them."""
