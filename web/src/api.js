// Every call to the gateway's /api/v1, with the signed-in user's token.
// Errors arrive as problem+json and are thrown as ApiError, fields and all.
import { expire, session } from "./session.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || "Something went wrong";
    this.detail = problem.detail || "";
    this.errors = problem.errors || {};
  }

  // The message for one field: "participant.email" finds errors.participant.email too.
  field(name) {
    let node = this.errors;
    for (const part of name.split(".")) {
      if (node && typeof node === "object" && !Array.isArray(node) && part in node) node = node[part];
      else return "";
    }
    if (Array.isArray(node)) return node.filter((m) => typeof m === "string").join(" ");
    return typeof node === "string" ? node : "";
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export async function request(method, path, { body, params, accept, idempotent } = {}) {
  const headers = { Accept: accept || "application/json" };
  const { token } = session();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotent) headers["Idempotency-Key"] = crypto.randomUUID();
  let response;
  try {
    response = await fetch(`/api/v1${path}${query(params)}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { title: "Cannot reach Alliance Network", detail: "Check your connection and try again." });
  }
  if (response.status === 401 && token) {
    expire();
    throw new ApiError(401, { title: "Signed out", detail: "Your session ended. Sign in again." });
  }
  if (accept === "text/csv" && response.ok) return response.blob();
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { title: `The gateway answered ${response.status}` };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path, params) => request("GET", path, { params });
export const post = (path, body = {}, options = {}) => request("POST", path, { body, ...options });
export const patch = (path, body) => request("PATCH", path, { body });
export const put = (path, body) => request("PUT", path, { body });
export const del = (path) => request("DELETE", path);

// Every page of a keyset-paginated list (for small lists such as alliances of a region).
export async function all(path, params = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...params, cursor, limit: 100 });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
