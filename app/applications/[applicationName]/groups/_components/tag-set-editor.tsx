"use client";

import { tagFilterTypes, type TagFilterType } from "@/server/contracts/resources";
import { Button } from "../../../../_components/button";
import { PlusIcon, XIcon } from "../../../../_components/icons";
import type { FieldErrors } from "../../../../_lib/errors";
import { describeTagSet, type DraftFilter, type DraftTagSet } from "./tag-set-draft";

const MAX_GROUPS = 3;
const MAX_FILTERS = 10;

const typeLabels: Record<TagFilterType, string> = {
  KEY_AND_VALUE: "Key = value",
  KEY_ONLY: "Has key",
  VALUE_ONLY: "Any key = value",
};

const input =
  "h-8 w-full min-w-0 rounded-md border border-border-strong bg-surface px-2 font-mono text-xs text-fg placeholder:text-faint disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-ring";

/** Tag groups: a host must match at least one filter in every group (OR within a group, AND across groups). */
export function TagSetEditor({
  value,
  onChange,
  errors = {},
  fieldPrefix = "onPremisesTagSet",
}: {
  value: DraftTagSet;
  onChange: (v: DraftTagSet) => void;
  errors?: FieldErrors;
  fieldPrefix?: string;
}) {
  const update = (gi: number, fi: number, patch: Partial<DraftFilter>) =>
    onChange(value.map((g, i) => (i !== gi ? g : g.map((f, j) => (j !== fi ? f : { ...f, ...patch })))));
  const addFilter = (gi: number) => onChange(value.map((g, i) => (i !== gi ? g : [...g, { type: "KEY_AND_VALUE", key: "", value: "" }])));
  const removeFilter = (gi: number, fi: number) => onChange(value.map((g, i) => (i !== gi ? g : g.filter((_, j) => j !== fi))).filter((g) => g.length > 0));
  const addGroup = () => onChange([...value, [{ type: "KEY_AND_VALUE", key: "", value: "" }]]);
  const removeGroup = (gi: number) => onChange(value.filter((_, i) => i !== gi));

  return (
    <div className="space-y-2">
      {value.map((group, gi) => (
        <div key={gi}>
          {gi > 0 ? (
            <div className="flex items-center gap-2 py-1" aria-hidden="true">
              <span className="h-px flex-1 bg-border" />
              <span className="rounded-full border border-accent/40 bg-accent/10 px-2 py-0.5 text-[11px] font-semibold tracking-wide text-accent">AND</span>
              <span className="h-px flex-1 bg-border" />
            </div>
          ) : null}
          <fieldset className="rounded-lg border border-border bg-surface-2/40 p-3">
            <legend className="sr-only">Tag group {gi + 1}</legend>
            <div className="mb-2 flex items-center justify-between">
              <span className="text-xs font-medium text-muted">
                Tag group {gi + 1} <span className="font-normal text-faint">· matches any of these</span>
              </span>
              <Button variant="ghost" size="sm" onClick={() => removeGroup(gi)} aria-label={`Remove group ${gi + 1}`}>
                Remove group
              </Button>
            </div>
            <div className="space-y-1.5">
              {group.map((f, fi) => {
                const path = `${fieldPrefix}.${gi}.${fi}`;
                const err = errors[`${path}.key`] ?? errors[`${path}.value`] ?? errors[path];
                const label = `group ${gi + 1}, filter ${fi + 1}`;
                return (
                  <div key={fi}>
                    {fi > 0 ? <div className="py-0.5 pl-1 text-[10px] font-semibold tracking-wide text-faint">OR</div> : null}
                    <div className="grid grid-cols-[minmax(0,8.5rem)_minmax(0,1fr)_minmax(0,1fr)_auto] items-center gap-1.5">
                      <select
                        className={input}
                        value={f.type}
                        onChange={(e) => update(gi, fi, { type: e.target.value as TagFilterType })}
                        aria-label={`Match type, ${label}`}
                      >
                        {tagFilterTypes.map((t) => (
                          <option key={t} value={t}>
                            {typeLabels[t]}
                          </option>
                        ))}
                      </select>
                      <input
                        className={input}
                        placeholder="key"
                        value={f.key}
                        disabled={f.type === "VALUE_ONLY"}
                        onChange={(e) => update(gi, fi, { key: e.target.value })}
                        aria-label={`Tag key, ${label}`}
                        aria-invalid={errors[`${path}.key`] ? true : undefined}
                      />
                      <input
                        className={input}
                        placeholder="value"
                        value={f.value}
                        disabled={f.type === "KEY_ONLY"}
                        onChange={(e) => update(gi, fi, { value: e.target.value })}
                        aria-label={`Tag value, ${label}`}
                        aria-invalid={errors[`${path}.value`] ? true : undefined}
                      />
                      <button
                        type="button"
                        onClick={() => removeFilter(gi, fi)}
                        className="rounded p-1.5 text-faint hover:bg-surface-2 hover:text-fg"
                        aria-label={`Remove ${label}`}
                      >
                        <XIcon size={14} />
                      </button>
                    </div>
                    {err ? (
                      <p className="mt-0.5 text-xs text-fail" role="alert">
                        {err}
                      </p>
                    ) : null}
                  </div>
                );
              })}
            </div>
            {group.length < MAX_FILTERS ? (
              <Button variant="ghost" size="sm" className="mt-2" icon={<PlusIcon size={12} />} onClick={() => addFilter(gi)}>
                Add filter (OR)
              </Button>
            ) : null}
          </fieldset>
        </div>
      ))}
      {value.length < MAX_GROUPS ? (
        <Button size="sm" icon={<PlusIcon size={12} />} onClick={addGroup}>
          {value.length === 0 ? "Add tag group" : "Add tag group (AND)"}
        </Button>
      ) : (
        <p className="text-xs text-faint">Three tag groups is the maximum.</p>
      )}
      {errors[fieldPrefix] ? <p className="text-xs text-fail">{errors[fieldPrefix]}</p> : null}
      <p className="text-xs text-muted">
        <span className="font-medium text-fg">Rule:</span> <span className="font-mono">{describeTagSet(value)}</span>
      </p>
    </div>
  );
}
