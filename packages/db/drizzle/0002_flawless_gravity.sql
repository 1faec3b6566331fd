CREATE TABLE `shares` (
	`token` text PRIMARY KEY NOT NULL,
	`pipeline_id` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shares_pipeline_idx` ON `shares` (`pipeline_id`);--> statement-breakpoint
CREATE TABLE `templates` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`slug` text,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text NOT NULL,
	`modalities` text NOT NULL,
	`document` text NOT NULL,
	`samples` text,
	`readme` text,
	`source_pipeline_id` text,
	`source_version` integer,
	`content_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`source_pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `templates_slug_idx` ON `templates` (`slug`);--> statement-breakpoint
CREATE INDEX `templates_created_at_idx` ON `templates` (`created_at`);