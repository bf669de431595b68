"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { isFinishedDeploymentStatus, type DeploymentInfo } from "@/server/contracts/deployment";
import { Button } from "../../../_components/button";
import { ConfirmDialog, Dialog } from "../../../_components/dialog";
import { CheckboxField, TextField } from "../../../_components/field";
import { CalendarIcon, DownloadIcon, RollbackIcon, StopIcon } from "../../../_components/icons";
import { InlineError } from "../../../_components/states";
import { formatDateTime, toDateTimeLocal } from "../../../_lib/format";
import { paths } from "../../../_lib/paths";
import { useCan } from "../../../_lib/session";
import { useTRPC, useTRPCClient } from "../../../_lib/trpc";
import { downloadLog } from "./download-log";

const ACTIVE = ["Created", "Queued", "InProgress"];

export function DeploymentActions({ d }: { d: DeploymentInfo }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const router = useRouter();
  const canDeploy = useCan("deployer");
  const [dialog, setDialog] = useState<null | "stop" | "rollback" | "schedule" | "cancel">(null);
  const [rollbackOnStop, setRollbackOnStop] = useState(d.autoRollback.enabled && d.autoRollback.events.includes("DEPLOYMENT_STOP_ON_REQUEST"));
  const [startAt, setStartAt] = useState(d.startAt ? toDateTimeLocal(d.startAt) : "");
  const [downloading, setDownloading] = useState(false);
  const close = () => setDialog(null);
  const refreshAndClose = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
    close();
  };

  const stop = useMutation(trpc.deployments.stop.mutationOptions({ onSuccess: refreshAndClose }));
  const rollback = useMutation(trpc.deployments.rollback.mutationOptions({ onSuccess: (r) => router.push(paths.deployment(r.deploymentId)) }));
  const reschedule = useMutation(trpc.deployments.updateSchedule.mutationOptions({ onSuccess: refreshAndClose }));
  const cancel = useMutation(trpc.deployments.cancelScheduled.mutationOptions({ onSuccess: refreshAndClose }));

  const active = ACTIVE.includes(d.status);
  const stopping = active && d.stopRequestedAt !== null;
  const canRollback = isFinishedDeploymentStatus(d.status) && !d.rollbackInfo?.rollbackDeploymentId;
  const download = async () => {
    setDownloading(true);
    try {
      await downloadLog(client, d.deploymentId, undefined, `${d.deploymentId}.log`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <>
      <Button variant="ghost" icon={<DownloadIcon size={14} />} onClick={download} pending={downloading}>
        All logs
      </Button>
      {canDeploy && d.status === "Scheduled" ? (
        <>
          <Button icon={<CalendarIcon size={14} />} onClick={() => setDialog("schedule")}>
            Change start
          </Button>
          <Button variant="danger" onClick={() => setDialog("cancel")}>
            Cancel deployment
          </Button>
        </>
      ) : null}
      {canDeploy && active ? (
        <Button variant="danger" icon={<StopIcon size={14} />} onClick={() => setDialog("stop")} disabled={stopping}>
          {stopping ? "Stopping…" : "Stop"}
        </Button>
      ) : null}
      {canDeploy && canRollback ? (
        <Button icon={<RollbackIcon size={14} />} onClick={() => setDialog("rollback")}>
          Roll back
        </Button>
      ) : null}

      <ConfirmDialog
        open={dialog === "stop"}
        onClose={close}
        onConfirm={() => stop.mutate({ deploymentId: d.deploymentId, autoRollbackEnabled: rollbackOnStop })}
        title={`Stop ${d.deploymentId}?`}
        confirmLabel="Stop deployment"
        danger
        pending={stop.isPending}
        error={stop.error}
      >
        <p>Running hooks are killed on every host and no further host is started. Hosts already updated keep the new revision unless you roll them back.</p>
        <CheckboxField
          label="Roll back the hosts already updated"
          hint="Redeploys the last successful revision to this group."
          checked={rollbackOnStop}
          onChange={(e) => setRollbackOnStop(e.target.checked)}
        />
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "rollback"}
        onClose={close}
        onConfirm={() => rollback.mutate({ deploymentId: d.deploymentId })}
        title={`Roll back ${d.deploymentGroupName}?`}
        confirmLabel="Start rollback"
        pending={rollback.isPending}
        error={rollback.error}
      >
        <p>Starts a new deployment of the group&apos;s last successful revision before this one, through the same lifecycle hooks.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "cancel"}
        onClose={close}
        onConfirm={() => cancel.mutate({ deploymentId: d.deploymentId })}
        title="Cancel this scheduled deployment?"
        confirmLabel="Cancel deployment"
        danger
        pending={cancel.isPending}
        error={cancel.error}
      >
        <p>It was due {d.startAt ? formatDateTime(d.startAt) : "later"}. Nothing has run yet.</p>
      </ConfirmDialog>
      <Dialog open={dialog === "schedule"} onClose={close} title="Change the start time">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            const t = new Date(startAt).getTime();
            if (!Number.isNaN(t)) reschedule.mutate({ deploymentId: d.deploymentId, startAt: t });
          }}
        >
          <TextField
            label="Start at (your local time)"
            type="datetime-local"
            required
            value={startAt}
            onChange={(e) => setStartAt(e.target.value)}
            hint="A time in the past starts it now."
          />
          <InlineError error={reschedule.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" pending={reschedule.isPending}>
              Save
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
