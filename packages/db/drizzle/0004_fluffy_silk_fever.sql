CREATE TABLE `run_feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`deployment_version` integer NOT NULL,
	`key_id` text NOT NULL,
	`rating` integer NOT NULL,
	`behaviours` text NOT NULL,
	`comment` text,
	`context` text,
	`body_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_feedback_run_idx` ON `run_feedback` (`run_id`);--> statement-breakpoint
CREATE INDEX `run_feedback_deployment_created_idx` ON `run_feedback` (`deployment_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `run_outputs` (
	`run_id` text PRIMARY KEY NOT NULL,
	`deployment_id` text NOT NULL,
	`slug` text NOT NULL,
	`deployment_version` integer NOT NULL,
	`key_id` text NOT NULL,
	`at` integer NOT NULL,
	`numbers` text NOT NULL,
	`labels` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `run_outputs_deployment_at_idx` ON `run_outputs` (`deployment_id`,`at`);--> statement-breakpoint
CREATE INDEX `run_outputs_at_idx` ON `run_outputs` (`at`);