"use client";

import { Button } from "./_components/button";
import { AlertIcon } from "./_components/icons";

/** Last-resort boundary: a sentence and a retry, never a stack trace. */
export default function RouteError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto flex max-w-md flex-col items-center gap-3 py-20 text-center">
      <AlertIcon size={24} className="text-fail" />
      <h1 className="text-lg font-semibold">This page hit an unexpected error</h1>
      <p className="text-sm text-muted">Try again; if it keeps happening, reload the page or check the server log.</p>
      <Button variant="primary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
