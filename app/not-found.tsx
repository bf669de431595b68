import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 py-20 text-center">
      <p className="font-mono text-sm text-muted">404</p>
      <h1 className="text-lg font-semibold">This page does not exist</h1>
      <Link href="/" className="text-sm text-accent hover:underline">
        Back to the overview
      </Link>
    </div>
  );
}
