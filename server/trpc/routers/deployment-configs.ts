import { router } from "../init";

export const deploymentConfigsRouter = router({});
