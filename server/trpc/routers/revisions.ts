import { router } from "../init";

export const revisionsRouter = router({});
