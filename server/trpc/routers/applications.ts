import { router } from "../init";

export const applicationsRouter = router({});
