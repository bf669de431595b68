"use client";

import { useEffect, useState } from "react";
import { applyThemePreference, readThemePreference, type ThemePreference } from "../_lib/theme";
import { MonitorIcon, MoonIcon, SunIcon } from "./icons";

const order: ThemePreference[] = ["system", "light", "dark"];
const labels: Record<ThemePreference, string> = { system: "System theme", light: "Light theme", dark: "Dark theme" };

export function ThemeToggle() {
  const [pref, setPref] = useState<ThemePreference>("system");
  useEffect(() => {
    setPref(readThemePreference());
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => {
      if (readThemePreference() === "system") applyThemePreference("system");
    };
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
  const next = order[(order.indexOf(pref) + 1) % order.length];
  const Icon = pref === "light" ? SunIcon : pref === "dark" ? MoonIcon : MonitorIcon;
  return (
    <button
      type="button"
      onClick={() => {
        applyThemePreference(next);
        setPref(next);
      }}
      className="inline-flex h-8 w-8 items-center justify-center rounded-md text-muted hover:bg-surface-2 hover:text-fg"
      aria-label={`${labels[pref]}; switch to ${labels[next].toLowerCase()}`}
      title={`${labels[pref]} (click for ${labels[next].toLowerCase()})`}
    >
      <Icon />
    </button>
  );
}
