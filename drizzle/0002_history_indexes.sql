CREATE TABLE `host_group_results` (
	`deployment_group_id` text NOT NULL,
	`host_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`revision_id` text NOT NULL,
	`status` text NOT NULL,
	`completed_at` integer NOT NULL,
	PRIMARY KEY(`deployment_group_id`, `host_id`),
	FOREIGN KEY (`deployment_group_id`) REFERENCES `deployment_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `audit_resource_idx`;--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor`,`at`);--> statement-breakpoint
CREATE INDEX `audit_user_idx` ON `audit_log` (`user_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_action_idx` ON `audit_log` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `audit_resource_type_idx` ON `audit_log` (`resource_type`,`at`);--> statement-breakpoint
CREATE INDEX `audit_resource_idx` ON `audit_log` (`resource_type`,`resource_id`,`at`);--> statement-breakpoint
DROP INDEX `deployments_group_idx`;--> statement-breakpoint
DROP INDEX `deployments_app_idx`;--> statement-breakpoint
DROP INDEX `deployments_status_idx`;--> statement-breakpoint
CREATE INDEX `deployments_created_idx` ON `deployments` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deployments_group_status_idx` ON `deployments` (`deployment_group_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deployments_app_status_idx` ON `deployments` (`application_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deployments_group_idx` ON `deployments` (`deployment_group_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deployments_app_idx` ON `deployments` (`application_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deployments_status_idx` ON `deployments` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deployment_groups_name_idx` ON `deployment_groups` (`name`);