"""The Django bench site: settings, URLs, WSGI entry and the statement-counting middleware."""
