ALTER TABLE `hosts` ADD `connection_replacements` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `hosts` ADD `connection_replaced_at` integer;