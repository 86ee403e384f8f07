CREATE TABLE `delegation_views` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`explanation` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `delegation_decisions` ADD `view_id` text;--> statement-breakpoint
CREATE INDEX `delegation_decisions_view` ON `delegation_decisions` (`view_id`);