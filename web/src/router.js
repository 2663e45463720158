// Hash routes (#/courses/42?tab=x): the gateway serves one page, the app picks the view.
import { useEffect, useState } from "preact/hooks";

function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/", params: Object.fromEntries(new URLSearchParams(search)) };
}

export function useLocation() {
  const [where, setWhere] = useState(parseHash());
  useEffect(() => {
    const changed = () => setWhere(parseHash());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return where;
}

export function navigate(to) {
  location.hash = to;
}

export const href = (to) => `#${to}`;

// "/courses/:id" against "/courses/42" → { id: "42" }, or null.
export function match(pattern, path) {
  const want = pattern.split("/").filter(Boolean);
  const got = path.split("/").filter(Boolean);
  if (want.length !== got.length) return null;
  const found = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) found[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return found;
}
