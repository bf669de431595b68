import { listAuditLog } from "../../storage/audit-queries";
import { auditLogListInputSchema } from "../../contracts/accounts";
import { adminProcedure, router } from "../init";

export const auditLogRouter = router({
  list: adminProcedure.input(auditLogListInputSchema).query(({ ctx, input }) => listAuditLog(ctx.db, input)),
});
