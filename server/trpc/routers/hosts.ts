import { router } from "../init";

export const hostsRouter = router({});
