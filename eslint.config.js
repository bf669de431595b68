import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Forbids imports matching `forbidden` in a server folder's code (its tests may reach anything). */
function layer(folder, forbidden, message) {
  return {
    files: [`${folder}/**/*.ts`],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: forbidden.source, message }] }] },
  };
}

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "dist/", "data/", "drizzle/", "next-env.d.ts", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "off",
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  // The dependency direction: contracts <- engine <- orchestrator <- adapters (storage implements the
  // orchestrator's ports). app/ sees only the contracts and the AppRouter type; the agent only the contracts.
  layer("server/contracts", /^\.\.\/|^node:/, "contracts are isomorphic words: no other server folder, no node: modules"),
  layer("server/engine", /^\.\.\/(?!contracts\/)/, "the engine decides from contracts alone"),
  layer("server/orchestrator", /^\.\.\/(?!contracts\/|engine\/|domain-errors$)/, "the orchestrator reaches adapters only through its ports (ports.ts)"),
  layer(
    "server/storage",
    /^\.\.\/(?!contracts\/|engine\/|orchestrator\/ports$|domain-errors$)/,
    "storage implements the orchestrator's ports and imports no adapter",
  ),
  // SQLite-only calls stay behind server/storage/, so a PostgreSQL control plane is a new adapter there, not a rewrite.
  {
    files: ["server/**/*.ts"],
    ignores: ["server/storage/**", "server/test/**", "**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[property.name='$client']", message: "the raw SQLite connection is used only inside server/storage/" },
        { selector: "ImportDeclaration[source.value='better-sqlite3']", message: "better-sqlite3 is imported only inside server/storage/" },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^(@/|(\\.\\./)+)server/(?!contracts/|trpc/router$)", message: "app/ imports server/contracts and the AppRouter type only" },
            { regex: "^(@/|(\\.\\./)+)server/trpc/router$", allowTypeImports: true, message: "app/ imports only the AppRouter type from the server" },
          ],
        },
      ],
    },
  },
  {
    files: ["agent/**/*.ts"],
    ignores: ["**/*.test.ts", "agent/build.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "^(\\.\\./)+server/(?!contracts/)", message: "the agent speaks server/contracts only" }] }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
