"""The app's foundation: settings, the database, the models and their migrations, the audit log, rate limits."""
