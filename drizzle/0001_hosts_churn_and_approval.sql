ALTER TABLE `enrollment_tokens` ADD `allow_host_tags` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `enrollment_tokens` ADD `require_approval` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `connection_replacements` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `connection_replaced_at` integer;--> statement-breakpoint
ALTER TABLE `hosts` ADD `approval` text DEFAULT 'approved' NOT NULL;