"""Polling the feeds OnRecord follows: one poll (`poll`), and the job queue that schedules
polls across workers (`jobs`, procrastinate on PostgreSQL)."""
