import { getRevision, listRevisions } from "../../bundles/revision-records";
import { getRevisionInputSchema, listRevisionsInputSchema } from "../../contracts/revision";
import { router, viewerProcedure } from "../init";

/** Revisions are created by POST /api/revisions (a streamed archive), not through tRPC. */
export const revisionsRouter = router({
  list: viewerProcedure.input(listRevisionsInputSchema).query(({ ctx, input }) => listRevisions(ctx.db, input)),
  get: viewerProcedure.input(getRevisionInputSchema).query(({ ctx, input }) => getRevision(ctx.db, input.revisionId)),
});
