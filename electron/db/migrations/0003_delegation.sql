CREATE TABLE `delegation_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`decided_at` integer NOT NULL,
	`source` text NOT NULL,
	`agent_id` text,
	`actor` text,
	`explanation` text NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delegation_decisions_task` ON `delegation_decisions` (`task_id`,`decided_at`);--> statement-breakpoint
CREATE TABLE `delegation_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_exclusions` (
	`task_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	`actor` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`task_id`, `agent_id`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `task_pins` (
	`task_id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`actor` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `agents` ADD `zone` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `cost_per_hour` real;--> statement-breakpoint
ALTER TABLE `agents` ADD `certifications` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `availability` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `user_id` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `presence` text;--> statement-breakpoint
CREATE UNIQUE INDEX `agents_user` ON `agents` (`user_id`) WHERE user_id IS NOT NULL;