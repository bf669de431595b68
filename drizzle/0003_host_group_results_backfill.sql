-- Each host's newest finished target per group, from the history that exists when this table is added.
INSERT INTO `host_group_results` (`deployment_group_id`, `host_id`, `deployment_id`, `revision_id`, `status`, `completed_at`)
SELECT d.`deployment_group_id`, t.`host_id`, d.`id`, d.`revision_id`, t.`status`, max(coalesce(t.`completed_at`, 0))
FROM `deployment_targets` t JOIN `deployments` d ON d.`id` = t.`deployment_id`
WHERE d.`status` IN ('Succeeded', 'Failed', 'Stopped') AND t.`status` IN ('Succeeded', 'Failed', 'Unknown')
GROUP BY d.`deployment_group_id`, t.`host_id`;
