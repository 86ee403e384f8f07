DROP INDEX `tasks_due`;--> statement-breakpoint
CREATE INDEX `tasks_due` ON `tasks` (`run_at`) WHERE state = 'pending' OR state = 'failed' OR state = 'timed_out';