import { describe, expect, it } from "vitest";
import { decideRollback, describeRollbackOutcome, type RollbackCandidate, type RollbackDecision, type RollbackFacts } from "./rollback";

const v1: RollbackCandidate = { id: "d-OLDER0001", revisionId: "rev-1", fileExistsBehavior: "DISALLOW" };
const v2: RollbackCandidate = { id: "d-LAST00002", revisionId: "rev-2", fileExistsBehavior: "OVERWRITE" };
const base: RollbackFacts = {
  deploymentId: "d-FAILED003",
  reason: "DEPLOYMENT_FAILURE",
  rollbackDeploymentId: "d-ROLLBK004",
  lastSuccessfulDeploymentId: null,
  lastSuccessful: null,
  newestEarlierSuccess: null,
};

describe("decideRollback", () => {
  it.each<[string, Partial<RollbackFacts>, RollbackDecision]>([
    ["a group where nothing ever succeeded has nothing to roll back to", {}, { rollback: false, message: "No previous successful revision to roll back to" }],
    [
      "a failed deployment goes back to the group's last successful deployment",
      { lastSuccessfulDeploymentId: v2.id, lastSuccessful: v2, newestEarlierSuccess: v1 },
      {
        rollback: true,
        source: v2,
        description: "Rollback of d-FAILED003 after a failure",
        message: "Rolling back to revision rev-2 of deployment d-LAST00002 in d-ROLLBK004",
      },
    ],
    [
      "a deployment that itself was the last success goes back to the newest success before it",
      { deploymentId: v2.id, reason: "manual", lastSuccessfulDeploymentId: v2.id, lastSuccessful: v2, newestEarlierSuccess: v1 },
      {
        rollback: true,
        source: v1,
        description: "Rollback of d-LAST00002 on request",
        message: "Rolling back to revision rev-1 of deployment d-OLDER0001 in d-ROLLBK004",
      },
    ],
    [
      "the last successful deployment, once deleted, leaves nothing to roll back to",
      { lastSuccessfulDeploymentId: v2.id, lastSuccessful: null, newestEarlierSuccess: v1 },
      { rollback: false, message: "No previous successful revision to roll back to" },
    ],
    [
      "a stop with rollback says so in the description and keeps the source's file-exists behavior",
      { reason: "DEPLOYMENT_STOP_ON_REQUEST", lastSuccessfulDeploymentId: v1.id, lastSuccessful: v1 },
      {
        rollback: true,
        source: v1,
        description: "Rollback of d-FAILED003 after a stop",
        message: "Rolling back to revision rev-1 of deployment d-OLDER0001 in d-ROLLBK004",
      },
    ],
  ])("%s", (_sentence, facts, expected) => {
    expect(decideRollback({ ...base, ...facts })).toEqual(expected);
  });
});

describe("describeRollbackOutcome", () => {
  it.each([
    ["a rollback that succeeded says it succeeded", "Succeeded", "Rollback deployment d-ROLLBK004 succeeded"],
    ["a rollback that failed says it failed", "Failed", "Rollback deployment d-ROLLBK004 failed"],
    ["a rollback that was stopped says it was stopped", "Stopped", "Rollback deployment d-ROLLBK004 was stopped"],
  ] as const)("%s", (_sentence, status, expected) => {
    expect(describeRollbackOutcome("d-ROLLBK004", status)).toBe(expected);
  });
});
