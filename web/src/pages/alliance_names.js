// The names of the alliances the caller may see (GET /alliances), to name a referral's home alliance.
import { all } from "../api.js";
import { useLoad } from "../ui.js";

export function useAllianceNames() {
  const state = useLoad(() => all("/alliances"));
  const names = Object.fromEntries((state.data || []).map((a) => [a.id, a.name]));
  return { names, alliances: state.data || [], name: (id) => names[id] || "an alliance of the region" };
}
