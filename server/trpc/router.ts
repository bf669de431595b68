import { router } from "./init";
import { apiTokensRouter } from "./routers/api-tokens";
import { applicationsRouter } from "./routers/applications";
import { auditLogRouter } from "./routers/audit-log";
import { authRouter } from "./routers/auth";
import { deploymentConfigsRouter } from "./routers/deployment-configs";
import { deploymentGroupsRouter } from "./routers/deployment-groups";
import { deploymentsRouter } from "./routers/deployments";
import { enrollmentTokensRouter } from "./routers/enrollment-tokens";
import { hostsRouter } from "./routers/hosts";
import { revisionsRouter } from "./routers/revisions";
import { usersRouter } from "./routers/users";
import { webhooksRouter } from "./routers/webhooks";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  auditLog: auditLogRouter,
  applications: applicationsRouter,
  deploymentConfigs: deploymentConfigsRouter,
  deploymentGroups: deploymentGroupsRouter,
  revisions: revisionsRouter,
  hosts: hostsRouter,
  enrollmentTokens: enrollmentTokensRouter,
  deployments: deploymentsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
