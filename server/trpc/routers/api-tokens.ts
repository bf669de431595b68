import { router } from "../init";

export const apiTokensRouter = router({});
