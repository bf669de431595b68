import { router } from "../init";

export const deploymentsRouter = router({});
