CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_prefix_idx` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE TABLE `app_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deployment_versions` (
	`deployment_id` text NOT NULL,
	`version` integer NOT NULL,
	`pipeline_version` integer NOT NULL,
	`document` text NOT NULL,
	`plan` text NOT NULL,
	`interface` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`deployment_id`, `version`),
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`live_version` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_slug_idx` ON `deployments` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_pipeline_idx` ON `deployments` (`pipeline_id`);--> statement-breakpoint
CREATE TABLE `run_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`slug` text NOT NULL,
	`deployment_version` integer,
	`at` integer NOT NULL,
	`status` text NOT NULL,
	`http_status` integer NOT NULL,
	`latency_ms` real NOT NULL,
	`key_id` text,
	`key_name` text,
	`error_code` text
);
--> statement-breakpoint
CREATE INDEX `run_log_slug_id_idx` ON `run_log` (`slug`,`id`);--> statement-breakpoint
CREATE INDEX `run_log_at_idx` ON `run_log` (`at`);