import { router } from "../init";

export const enrollmentTokensRouter = router({});
