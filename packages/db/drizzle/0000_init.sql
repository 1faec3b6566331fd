CREATE TABLE `pipeline_versions` (
	`pipeline_id` text NOT NULL,
	`version` integer NOT NULL,
	`document` text NOT NULL,
	`message` text,
	`node_count` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`pipeline_id`, `version`),
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`head_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pipelines_updated_at_idx` ON `pipelines` (`updated_at`);