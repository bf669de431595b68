"use client";

import type { DeploymentConfigInfo, DeploymentGroupInfo } from "@/server/contracts/catalog";
import { fileExistsBehaviors, type AutoRollbackConfiguration, type FileExistsBehavior } from "@/server/contracts/resources";
import { CheckboxField, SelectField } from "../../../../_components/field";

export type RollbackChoice = "group" | "on" | "off";

export type DeploymentOptionsValue = {
  deploymentConfigName: string;
  fileExistsBehavior: "" | FileExistsBehavior;
  ignoreApplicationStopFailures: boolean;
  rollback: RollbackChoice;
};

export function autoRollbackFor(choice: RollbackChoice): AutoRollbackConfiguration | undefined {
  if (choice === "on") return { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"] };
  if (choice === "off") return { enabled: false, events: [] };
  return undefined;
}

function describeGroupRollback(g: DeploymentGroupInfo | undefined): string {
  if (!g || !g.autoRollbackConfiguration.enabled) return "off";
  return g.autoRollbackConfiguration.events.map((e) => (e === "DEPLOYMENT_FAILURE" ? "on failure" : "on stop")).join(" and ") || "off";
}

/** Per-deployment overrides of the group's defaults. */
export function DeploymentOptions({
  value,
  onChange,
  group,
  configs,
}: {
  value: DeploymentOptionsValue;
  onChange: (v: DeploymentOptionsValue) => void;
  group: DeploymentGroupInfo | undefined;
  configs: DeploymentConfigInfo[];
}) {
  const set = (patch: Partial<DeploymentOptionsValue>) => onChange({ ...value, ...patch });
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <SelectField label="Deployment config" value={value.deploymentConfigName} onChange={(e) => set({ deploymentConfigName: e.target.value })}>
        <option value="">Group default ({group?.deploymentConfigName ?? "…"})</option>
        {configs.map((c) => (
          <option key={c.deploymentConfigId} value={c.deploymentConfigName}>
            {c.deploymentConfigName}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="When a file already exists"
        value={value.fileExistsBehavior}
        onChange={(e) => set({ fileExistsBehavior: e.target.value as DeploymentOptionsValue["fileExistsBehavior"] })}
        hint="The appspec's file_exists_behavior wins over this."
      >
        <option value="">Group default ({group?.fileExistsBehavior ?? "…"})</option>
        {fileExistsBehaviors.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </SelectField>
      <SelectField label="Automatic rollback" value={value.rollback} onChange={(e) => set({ rollback: e.target.value as RollbackChoice })}>
        <option value="group">Group default ({describeGroupRollback(group)})</option>
        <option value="on">On failure and on stop</option>
        <option value="off">Off for this deployment</option>
      </SelectField>
      <CheckboxField
        className="sm:pt-5"
        label="Ignore ApplicationStop failures"
        hint="Continue when the previous revision's stop script fails."
        checked={value.ignoreApplicationStopFailures}
        onChange={(e) => set({ ignoreApplicationStopFailures: e.target.checked })}
      />
    </div>
  );
}
