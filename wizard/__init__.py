"""The wizard engine shared by registration and service requests: drafts, step order, review, submit."""
