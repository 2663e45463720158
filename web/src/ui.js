// The pieces every page is made of: loading and error states, labelled fields
// that show the problem+json error of their own name, tables, paged lists.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get } from "./api.js";
import { html } from "./html.js";

// Load data for a page; reload() after a change.
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => mine === generation.current && setState({ loading: false, data, error: null }),
      (error) => mine === generation.current && setState({ loading: false, data: null, error }),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

// A keyset-paginated list: the first page, then "Show more".
export function usePages(path, params = {}) {
  const key = JSON.stringify([path, params]);
  const [state, setState] = useState({ items: [], cursor: null, loading: true, error: null, done: false });
  const fetchPage = useCallback((cursor, reset) => {
    setState((s) => ({ ...s, loading: true, error: null }));
    get(path, { ...params, cursor, limit: 25 }).then(
      (page) => setState((s) => ({
        items: reset ? page.items : [...s.items, ...page.items], cursor: page.next_cursor,
        loading: false, error: null, done: !page.next_cursor, extra: page,
      })),
      (error) => setState((s) => ({ ...s, loading: false, error })),
    );
  }, [key]);
  useEffect(() => fetchPage(null, true), [fetchPage]);
  return { ...state, more: () => fetchPage(state.cursor, false), reload: () => fetchPage(null, true) };
}

// Run a change (a POST, PATCH…) from a form: busy while it runs, the error kept for the fields.
export function useSubmit(action) {
  const [state, setState] = useState({ busy: false, error: null, done: null });
  const submit = async (...args) => {
    setState({ busy: true, error: null, done: null });
    try {
      const done = await action(...args);
      setState({ busy: false, error: null, done });
      return done;
    } catch (error) {
      setState({ busy: false, error, done: null });
      return undefined;
    }
  };
  return { ...state, submit, reset: () => setState({ busy: false, error: null, done: null }) };
}

export const Loading = ({ what = "Loading" }) => html`<p class="loading" role="status" aria-live="polite">${what}…</p>`;

export function Problem({ error }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? Object.keys(error.errors) : [];
  return html`<div class="problem" role="alert">
    <strong>${error.title || "Something went wrong"}</strong>
    ${error.detail && html`<span>: ${error.detail}</span>`}
    ${fields.length > 0 && html`<span> (see ${fields.map((f) => f.replace(/_/g, " ")).join(", ")})</span>`}
  </div>`;
}

// One way to wait for data: the loading state, the error, or the page.
export function Loaded({ state, what, children }) {
  if (state.error) return html`<${Problem} error=${state.error} />`;
  if (state.loading && !state.data) return html`<${Loading} what=${what} />`;
  return children(state.data);
}

let fieldIds = 0;
function useFieldId(name) {
  const id = useRef(null);
  if (id.current === null) id.current = `f-${name.replace(/\W/g, "-")}-${++fieldIds}`;
  return id.current;
}

export function Field({ label, name, error, hint, type = "text", value, onInput, required, ...rest }) {
  const id = useFieldId(name);
  const message = error instanceof ApiError ? error.field(name) : "";
  const described = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const control = type === "textarea"
    ? html`<textarea id=${id} name=${name} value=${value} onInput=${(e) => onInput(e.target.value)}
        required=${required} aria-invalid=${message ? "true" : undefined} aria-describedby=${described} ...${rest} />`
    : html`<input id=${id} name=${name} type=${type} value=${value} onInput=${(e) => onInput(e.target.value)}
        required=${required} aria-invalid=${message ? "true" : undefined} aria-describedby=${described} ...${rest} />`;
  return html`<div class=${`field${message ? " invalid" : ""}`}>
    <label for=${id}>${label}${required && html` <span class="required" aria-hidden="true">*</span>`}</label>
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${message && html`<p class="field-error" id=${`${id}-error`}>${message}</p>`}
    ${control}
  </div>`;
}

export function Select({ label, name, error, value, onInput, options, required, blank }) {
  const id = useFieldId(name);
  const message = error instanceof ApiError ? error.field(name) : "";
  return html`<div class=${`field${message ? " invalid" : ""}`}>
    <label for=${id}>${label}</label>
    ${message && html`<p class="field-error" id=${`${id}-error`}>${message}</p>`}
    <select id=${id} name=${name} value=${value} onChange=${(e) => onInput(e.target.value)} required=${required}
      aria-invalid=${message ? "true" : undefined} aria-describedby=${message ? `${id}-error` : undefined}>
      ${blank !== undefined && html`<option value="">${blank}</option>`}
      ${options.map(([v, text]) => html`<option value=${v} selected=${v === value}>${text}</option>`)}
    </select>
  </div>`;
}

export function Table({ caption, columns, rows, empty = "Nothing here yet." }) {
  if (!rows.length) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${caption}>
    <table>
      <caption>${caption}</caption>
      <thead><tr>${columns.map(([title]) => html`<th scope="col">${title}</th>`)}</tr></thead>
      <tbody>${rows.map((row) => html`<tr key=${row.id}>${columns.map(([title, cell]) => html`<td data-label=${title}>${cell(row)}</td>`)}</tr>`)}</tbody>
    </table>
  </div>`;
}

export function More({ pages }) {
  if (pages.error) return html`<${Problem} error=${pages.error} />`;
  if (pages.loading) return html`<${Loading} />`;
  if (pages.done) return null;
  return html`<button type="button" class="secondary" onClick=${pages.more}>Show more</button>`;
}

export const Status = ({ value }) => html`<span class=${`status status-${value}`}>${String(value).replace(/_/g, " ")}</span>`;

export function Notice({ children, kind = "success" }) {
  return html`<div class=${`notice notice-${kind}`} role="status">${children}</div>`;
}

export function Page({ title, children, actions }) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = `${title} · Alliance Network`;
    heading.current?.focus();
  }, [title]);
  return html`<section class="page">
    <div class="page-head">
      <h1 tabindex="-1" ref=${heading}>${title}</h1>
      ${actions && html`<div class="actions">${actions}</div>`}
    </div>
    ${children}
  </section>`;
}
