CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`skills` text DEFAULT '{}' NOT NULL,
	`capacity` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'available' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_seen_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_name_nocase` ON `agents` ("name" collate nocase);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_prefix` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE INDEX `api_keys_agent` ON `api_keys` (`agent_id`);--> statement-breakpoint
CREATE TABLE `task_daily_stats` (
	`day` text NOT NULL,
	`type` text NOT NULL,
	`state` text NOT NULL,
	`count` integer NOT NULL,
	`total_duration_ms` integer NOT NULL,
	`total_run_ms` integer NOT NULL,
	PRIMARY KEY(`day`, `type`, `state`)
);
--> statement-breakpoint
CREATE TABLE `task_deps` (
	`task_id` text NOT NULL,
	`depends_on` text NOT NULL,
	PRIMARY KEY(`task_id`, `depends_on`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_deps_depends_on` ON `task_deps` (`depends_on`);--> statement-breakpoint
CREATE TABLE `task_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`attempt` integer NOT NULL,
	`agent_id` text,
	`actor` text,
	`note` text,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_events_task` ON `task_events` (`task_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`payload` text DEFAULT 'null' NOT NULL,
	`priority` integer NOT NULL,
	`requires` text,
	`deadline` integer,
	`run_at` integer,
	`max_attempts` integer NOT NULL,
	`backoff_base_ms` integer NOT NULL,
	`backoff_max_ms` integer NOT NULL,
	`timeout_ms` integer,
	`idempotency_key` text,
	`content_hash` text,
	`depends_on` text,
	`dependents` integer DEFAULT 0 NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`creator` text,
	`workflow_run_id` text,
	`workflow_step_id` text,
	`state` text NOT NULL,
	`attempt` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`assigned_agent_id` text,
	`lease_expires_at` integer,
	`attempt_deadline_at` integer,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`cancel_reason` text,
	`cancel_deadline_at` integer,
	`order_key` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`result` text,
	`last_error` text,
	`progress` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`assigned_agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tasks_ready` ON `tasks` (`order_key`,`id`) WHERE state = 'ready';--> statement-breakpoint
CREATE INDEX `tasks_active` ON `tasks` (`assigned_agent_id`,`state`) WHERE state IN ('assigned', 'running');--> statement-breakpoint
CREATE INDEX `tasks_due` ON `tasks` (`run_at`) WHERE state IN ('pending', 'failed', 'timed_out');--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_idempotency` ON `tasks` (`idempotency_key`) WHERE idempotency_key IS NOT NULL;