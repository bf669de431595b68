import { router } from "../init";

export const auditLogRouter = router({});
