"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { revisionBundlePath } from "@/server/contracts/revision";
import { Button, ButtonLink } from "../../../_components/button";
import { CopyButton } from "../../../_components/copy-button";
import { BoxIcon, DownloadIcon, RocketIcon } from "../../../_components/icons";
import { RelativeTime } from "../../../_components/relative-time";
import { EmptyState, ErrorState, LoadingRows } from "../../../_components/states";
import { Table, Td, Th, Tr } from "../../../_components/table";
import { formatBytes, shortSha } from "../../../_lib/format";
import { paths } from "../../../_lib/paths";
import { useCan } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";

export function RevisionList({ applicationName }: { applicationName: string }) {
  const trpc = useTRPC();
  const canDeploy = useCan("deployer");
  const revisions = useInfiniteQuery(
    trpc.revisions.list.infiniteQueryOptions({ applicationName, limit: 25 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  if (revisions.isPending) return <LoadingRows />;
  if (revisions.isError) return <ErrorState error={revisions.error} onRetry={() => revisions.refetch()} />;
  const rows = revisions.data.pages.flatMap((p) => p.items);
  if (rows.length === 0)
    return (
      <EmptyState icon={<BoxIcon size={28} />} title="No revisions yet">
        {canDeploy ? "Upload a bundle above." : "A deployer uploads bundles here."}
      </EmptyState>
    );
  return (
    <>
      <Table label="Revisions">
        <thead>
          <tr>
            <Th>Revision</Th>
            <Th className="hidden lg:table-cell">Hooks</Th>
            <Th className="hidden sm:table-cell">Size</Th>
            <Th className="hidden md:table-cell">SHA-256</Th>
            <Th className="hidden md:table-cell">Uploaded</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Tr key={r.revisionId}>
              <Td>
                <p className="whitespace-nowrap font-mono text-xs font-medium">{r.revisionId}</p>
                {r.description ? <p className="max-w-xs truncate text-xs text-muted">{r.description}</p> : null}
              </Td>
              <Td className="hidden lg:table-cell">
                <span className="flex flex-wrap gap-1">
                  {r.hooks.length === 0 ? <span className="text-xs text-faint">none</span> : null}
                  {r.hooks.map((h) => (
                    <span key={h} className="rounded bg-surface-2 px-1.5 py-px text-[11px] text-muted">
                      {h}
                    </span>
                  ))}
                </span>
              </Td>
              <Td className="hidden whitespace-nowrap text-xs text-muted sm:table-cell">
                {formatBytes(r.size)} <span className="text-faint">{r.bundleType}</span>
              </Td>
              <Td className="hidden md:table-cell">
                <span className="flex items-center gap-1.5">
                  <span className="font-mono text-[11px] text-muted" title={r.sha256}>
                    {shortSha(r.sha256)}
                  </span>
                  <CopyButton text={r.sha256} label="Copy" />
                </span>
              </Td>
              <Td className="hidden text-xs text-muted md:table-cell">
                <RelativeTime at={r.createTime} />
                <span className="block text-faint">{r.uploadedBy?.email ?? "deleted user"}</span>
              </Td>
              <Td className="whitespace-nowrap text-right">
                <a
                  href={revisionBundlePath(r.revisionId)}
                  download
                  className="inline-flex h-7 items-center gap-1 rounded-md px-2 text-xs text-muted hover:bg-surface-2 hover:text-fg"
                  aria-label={`Download ${r.revisionId}`}
                >
                  <DownloadIcon size={13} />
                  <span className="hidden xl:inline">Download</span>
                </a>
                {canDeploy ? (
                  <ButtonLink size="sm" href={paths.deploy(applicationName, undefined, r.revisionId)} icon={<RocketIcon size={12} />}>
                    Deploy
                  </ButtonLink>
                ) : null}
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
      {revisions.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <Button onClick={() => revisions.fetchNextPage()} pending={revisions.isFetchingNextPage}>
            Load older revisions
          </Button>
        </div>
      ) : null}
    </>
  );
}
