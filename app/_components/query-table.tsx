import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorState, LoadingRows } from "./states";
import { Table, Th } from "./table";

/**
 * A table fed by a list query: skeleton rows while loading, a retryable error, an optional empty state,
 * and otherwise the rows under `columns` plus a trailing, visually hidden "Actions" column.
 */
export function QueryTable<T>({
  query,
  label,
  columns,
  empty,
  children,
}: {
  query: UseQueryResult<T[], unknown>;
  label: string;
  columns: ReactNode;
  empty?: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isPending) return <LoadingRows />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (empty !== undefined && query.data.length === 0) return <>{empty}</>;
  return (
    <Table label={label}>
      <thead>
        <tr>
          {columns}
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody>{children(query.data)}</tbody>
    </Table>
  );
}
