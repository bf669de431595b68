CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`compute_platform` text DEFAULT 'Server' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `applications_name_unique` ON `applications` (`name`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`user_id` text,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text,
	`ip` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_resource_idx` ON `audit_log` (`resource_type`,`resource_id`);--> statement-breakpoint
CREATE TABLE `deployment_configs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`min_healthy_type` text NOT NULL,
	`min_healthy_value` integer NOT NULL,
	`predefined` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployment_configs_name_unique` ON `deployment_configs` (`name`);--> statement-breakpoint
CREATE TABLE `deployment_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`name` text NOT NULL,
	`deployment_config_name` text DEFAULT 'CodeDeployDefault.OneAtATime' NOT NULL,
	`tag_set` text NOT NULL,
	`auto_rollback` text NOT NULL,
	`file_exists_behavior` text DEFAULT 'DISALLOW' NOT NULL,
	`last_successful_deployment_id` text,
	`last_attempted_deployment_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployment_groups_app_name_idx` ON `deployment_groups` (`application_id`,`name`);--> statement-breakpoint
CREATE TABLE `deployment_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`deployment_id` text NOT NULL,
	`host_id` text NOT NULL,
	`host_name` text NOT NULL,
	`position` integer NOT NULL,
	`status` text DEFAULT 'Pending' NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	`last_updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`deployment_id`) REFERENCES `deployments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `targets_deployment_idx` ON `deployment_targets` (`deployment_id`,`position`);--> statement-breakpoint
CREATE INDEX `targets_host_idx` ON `deployment_targets` (`host_id`,`status`);--> statement-breakpoint
CREATE TABLE `deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`deployment_group_id` text NOT NULL,
	`revision_id` text NOT NULL,
	`status` text NOT NULL,
	`creator` text DEFAULT 'user' NOT NULL,
	`created_by` text,
	`description` text,
	`deployment_config_name` text NOT NULL,
	`min_healthy_type` text DEFAULT 'MOST_CONCURRENCY' NOT NULL,
	`min_healthy_value` integer DEFAULT 1 NOT NULL,
	`file_exists_behavior` text NOT NULL,
	`ignore_app_stop_failures` integer DEFAULT false NOT NULL,
	`auto_rollback` text NOT NULL,
	`start_at` integer,
	`start_note` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	`error_code` text,
	`error_message` text,
	`stop_requested_at` integer,
	`stop_auto_rollback` integer,
	`rollback_deployment_id` text,
	`rollback_triggering_deployment_id` text,
	`rollback_message` text,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deployment_group_id`) REFERENCES `deployment_groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deployments_group_idx` ON `deployments` (`deployment_group_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deployments_app_idx` ON `deployments` (`application_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deployments_status_idx` ON `deployments` (`status`);--> statement-breakpoint
CREATE TABLE `enrollment_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`expires_at` integer,
	`max_uses` integer,
	`uses` integer DEFAULT 0 NOT NULL,
	`tags` text,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollment_tokens_token_hash_unique` ON `enrollment_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `hosts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`tags` text NOT NULL,
	`credential_hash` text NOT NULL,
	`facts` text,
	`online` integer DEFAULT false NOT NULL,
	`enrolled_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`last_seen_at` integer,
	`deregistered_at` integer,
	`last_log_seq` integer DEFAULT 0 NOT NULL,
	`enrollment_token_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hosts_name_unique` ON `hosts` (`name`);--> statement-breakpoint
CREATE TABLE `lifecycle_events` (
	`id` text PRIMARY KEY NOT NULL,
	`target_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`status` text DEFAULT 'Pending' NOT NULL,
	`command_id` text,
	`dispatched_at` integer,
	`accepted_at` integer,
	`started_at` integer,
	`completed_at` integer,
	`diagnostics` text,
	`script_deployment_id` text,
	`script_revision_id` text,
	`last_log_seq` integer,
	FOREIGN KEY (`target_id`) REFERENCES `deployment_targets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lifecycle_events_command_id_unique` ON `lifecycle_events` (`command_id`);--> statement-breakpoint
CREATE INDEX `events_target_idx` ON `lifecycle_events` (`target_id`,`position`);--> statement-breakpoint
CREATE INDEX `events_deployment_idx` ON `lifecycle_events` (`deployment_id`);--> statement-breakpoint
CREATE TABLE `log_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deployment_id` text NOT NULL,
	`target_id` text NOT NULL,
	`event_name` text NOT NULL,
	`host_id` text NOT NULL,
	`host_seq` integer NOT NULL,
	`at` integer NOT NULL,
	`stream` text NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `log_target_idx` ON `log_lines` (`target_id`,`id`);--> statement-breakpoint
CREATE INDEX `log_deployment_idx` ON `log_lines` (`deployment_id`,`id`);--> statement-breakpoint
CREATE TABLE `revisions` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`sha256` text NOT NULL,
	`bundle_type` text NOT NULL,
	`size` integer NOT NULL,
	`description` text,
	`app_spec` text NOT NULL,
	`bundle_root` text DEFAULT '' NOT NULL,
	`app_spec_path` text DEFAULT 'appspec.yml' NOT NULL,
	`uploaded_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `revisions_app_sha_idx` ON `revisions` (`application_id`,`sha256`);--> statement-breakpoint
CREATE INDEX `revisions_sha_idx` ON `revisions` (`sha256`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`event_type` text NOT NULL,
	`deployment_id` text NOT NULL,
	`target_id` text,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`response_code` integer,
	`last_error` text,
	`next_attempt_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`last_attempt_at` integer,
	`completed_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhook_targets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_idx` ON `webhook_deliveries` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`deployment_group_id` text NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events` text NOT NULL,
	`format` text DEFAULT 'json' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`deployment_group_id`) REFERENCES `deployment_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_targets_group_name_idx` ON `webhook_targets` (`deployment_group_id`,`name`);