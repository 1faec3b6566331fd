CREATE TABLE `audit_items` (
	`audit_id` text NOT NULL,
	`row_index` integer NOT NULL,
	`line` integer NOT NULL,
	`inputs` text NOT NULL,
	`label` text NOT NULL,
	`groups` text NOT NULL,
	`predicted` text,
	`scores` text,
	`error_code` text,
	`error_message` text,
	`duration_ms` real,
	`done_at` integer,
	PRIMARY KEY(`audit_id`, `row_index`),
	FOREIGN KEY (`audit_id`) REFERENCES `audits`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `audits` (
	`id` text PRIMARY KEY NOT NULL,
	`pipeline_id` text NOT NULL,
	`pipeline_version` integer NOT NULL,
	`status` text NOT NULL,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`row_count` integer NOT NULL,
	`processed` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`config` text NOT NULL,
	`report` text,
	`summary` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audits_pipeline_created_idx` ON `audits` (`pipeline_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audits_status_idx` ON `audits` (`status`);