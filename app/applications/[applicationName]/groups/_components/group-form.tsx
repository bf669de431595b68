"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { DeploymentGroupInfo } from "@/server/contracts/catalog";
import { autoRollbackEvents, fileExistsBehaviors, type FileExistsBehavior } from "@/server/contracts/resources";
import { Button } from "../../../../_components/button";
import { CheckboxField, SelectField, TextField } from "../../../../_components/field";
import { HostPreview } from "../../../../_components/host-preview";
import { InlineError } from "../../../../_components/states";
import { fieldErrorsOf } from "../../../../_lib/errors";
import { useTRPC } from "../../../../_lib/trpc";
import { draftFromTagSet, tagSetFromDraft, type DraftTagSet } from "./tag-set-draft";
import { TagSetEditor } from "./tag-set-editor";

export const fileExistsHelp: Record<FileExistsBehavior, string> = {
  DISALLOW: "Fail the deployment when a file is already there",
  OVERWRITE: "Replace existing files with the revision's",
  RETAIN: "Keep existing files, skip the revision's copy",
};

const rollbackEventLabels: Record<(typeof autoRollbackEvents)[number], string> = {
  DEPLOYMENT_FAILURE: "When a deployment fails",
  DEPLOYMENT_STOP_ON_REQUEST: "When a deployment is stopped",
};

export function GroupForm({
  applicationName,
  initial,
  onSaved,
  onCancel,
}: {
  applicationName: string;
  initial: DeploymentGroupInfo | null;
  onSaved: (g: DeploymentGroupInfo) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const configs = useQuery(trpc.deploymentConfigs.list.queryOptions());
  const [name, setName] = useState(initial?.deploymentGroupName ?? "");
  const [configName, setConfigName] = useState(initial?.deploymentConfigName ?? "CodeDeployDefault.OneAtATime");
  const [draft, setDraft] = useState<DraftTagSet>(initial ? draftFromTagSet(initial.onPremisesTagSet) : [[{ type: "KEY_AND_VALUE", key: "", value: "" }]]);
  const [rollbackEnabled, setRollbackEnabled] = useState(initial?.autoRollbackConfiguration.enabled ?? false);
  const [rollbackOn, setRollbackOn] = useState<string[]>(initial?.autoRollbackConfiguration.events ?? ["DEPLOYMENT_FAILURE"]);
  const [fileExists, setFileExists] = useState<FileExistsBehavior>(initial?.fileExistsBehavior ?? "DISALLOW");

  const onSuccess = async (g: DeploymentGroupInfo) => {
    await queryClient.invalidateQueries({ queryKey: trpc.deploymentGroups.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.applications.pathKey() });
    onSaved(g);
  };
  const create = useMutation(trpc.deploymentGroups.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.deploymentGroups.update.mutationOptions({ onSuccess }));
  const mutation = initial ? update : create;
  const errors = fieldErrorsOf(mutation.error);
  if (errors.currentDeploymentGroupName) errors.deploymentGroupName = errors.currentDeploymentGroupName;
  if (errors.newDeploymentGroupName) errors.deploymentGroupName = errors.newDeploymentGroupName;

  const tagSet = tagSetFromDraft(draft);
  const autoRollbackConfiguration = {
    enabled: rollbackEnabled,
    events: rollbackEnabled ? (rollbackOn as (typeof autoRollbackEvents)[number][]) : [],
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (initial) {
      update.mutate({
        applicationName,
        currentDeploymentGroupName: initial.deploymentGroupName,
        newDeploymentGroupName: name.trim() !== initial.deploymentGroupName ? name.trim() : undefined,
        deploymentConfigName: configName,
        onPremisesTagSet: tagSet,
        autoRollbackConfiguration,
        fileExistsBehavior: fileExists,
      });
    } else {
      create.mutate({
        applicationName,
        deploymentGroupName: name.trim(),
        deploymentConfigName: configName,
        onPremisesTagSet: tagSet,
        autoRollbackConfiguration,
        fileExistsBehavior: fileExists,
      });
    }
  };

  return (
    <form onSubmit={submit} className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
      <div className="space-y-6">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Deployment group name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.deploymentGroupName}
            placeholder="production"
            autoFocus={!initial}
          />
          <SelectField
            label="Deployment config"
            value={configName}
            onChange={(e) => setConfigName(e.target.value)}
            error={errors.deploymentConfigName}
            hint="How many hosts are updated at a time."
          >
            {(configs.data ?? [{ deploymentConfigName: configName, deploymentConfigId: configName }]).map((c) => (
              <option key={c.deploymentConfigId} value={c.deploymentConfigName}>
                {c.deploymentConfigName}
              </option>
            ))}
          </SelectField>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">Hosts</legend>
          <p className="text-xs text-muted">
            Select hosts by their tags. A host is included when it matches <strong className="text-fg">any</strong> filter in{" "}
            <strong className="text-fg">every</strong> tag group.
          </p>
          <TagSetEditor value={draft} onChange={setDraft} errors={errors} />
        </fieldset>
        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold">Automatic rollback</legend>
          <CheckboxField
            label="Roll back automatically"
            hint="Redeploys the last successful revision to this group."
            checked={rollbackEnabled}
            onChange={(e) => setRollbackEnabled(e.target.checked)}
          />
          {rollbackEnabled ? (
            <div className="ml-6 space-y-2">
              {autoRollbackEvents.map((ev) => (
                <CheckboxField
                  key={ev}
                  label={rollbackEventLabels[ev]}
                  checked={rollbackOn.includes(ev)}
                  onChange={(e) => setRollbackOn((cur) => (e.target.checked ? [...cur, ev] : cur.filter((x) => x !== ev)))}
                />
              ))}
            </div>
          ) : null}
        </fieldset>
        <SelectField
          label="When a file already exists on a host"
          value={fileExists}
          onChange={(e) => setFileExists(e.target.value as FileExistsBehavior)}
          hint={fileExistsHelp[fileExists]}
          className="max-w-sm"
        >
          {fileExistsBehaviors.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </SelectField>
        {mutation.error && Object.keys(errors).length === 0 ? <InlineError error={mutation.error} /> : null}
        {Object.keys(errors).length > 0 ? <InlineError error="Some fields need attention; see the messages above." /> : null}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" pending={mutation.isPending}>
            {initial ? "Save changes" : "Create deployment group"}
          </Button>
          <Button onClick={onCancel}>Cancel</Button>
        </div>
      </div>
      <div className="lg:sticky lg:top-16 lg:self-start">
        <HostPreview tagSet={tagSet} />
      </div>
    </form>
  );
}
