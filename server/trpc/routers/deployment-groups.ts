import { router } from "../init";

export const deploymentGroupsRouter = router({});
