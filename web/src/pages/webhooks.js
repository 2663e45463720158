// Alliance admins: webhooks of their alliance, the secret shown once, turning them off and on, deliveries.
import { useState } from "preact/hooks";
import { del, get, post } from "../api.js";
import { html } from "../html.js";
import { label, when } from "../format.js";
import { ALLIANCE_ADMIN } from "../roles.js";
import { href } from "../router.js";
import { Field, Loaded, More, Notice, Page, Problem, Status, Table, useLoad, usePages, useSubmit } from "../ui.js";

const EVENT_TYPES = ["course_published", "course_updated", "course_cancelled", "booking_confirmed",
  "booking_waitlisted", "booking_promoted", "booking_cancelled", "attendance_recorded", "course_completed",
  "referral_opened", "referral_shared", "referral_matched", "referral_escalated", "referral_reviewed",
  "referral_closed", "referral_withdrawn", "deployment_logged", "membership_requested", "membership_started",
  "membership_declined", "membership_changed", "membership_ended", "system_leader_designated",
  "system_leader_updated"];

function Create({ alliance, created }) {
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState(new Set(["course_published", "booking_confirmed"]));
  const toggle = (type) => setTypes((now) => {
    const next = new Set(now);
    if (next.has(type)) next.delete(type); else next.add(type);
    return next;
  });
  const make = useSubmit(async () => {
    const hook = await post("/webhooks", { alliance_id: alliance, url, event_types: [...types] }, { idempotent: true });
    setUrl("");
    created(hook);
    return hook;
  });
  const typesError = make.error?.field?.("event_types");
  return html`<details class="panel">
    <summary>Add a webhook</summary>
    <form onSubmit=${(e) => { e.preventDefault(); make.submit(); }} novalidate>
      <${Problem} error=${make.error} />
      <${Field} label="URL" name="url" type="url" value=${url} onInput=${setUrl} error=${make.error} required
        hint="We POST each event here as JSON, signed in the X-Signature header." />
      <fieldset aria-describedby=${typesError ? "event-types-error" : undefined}>
        <legend>Events to send</legend>
        ${typesError && html`<p class="field-error" id="event-types-error">${typesError}</p>`}
        <div class="checks">
          ${EVENT_TYPES.map((type) => html`<div class="field inline" key=${type}>
            <input type="checkbox" id=${`event-${type}`} checked=${types.has(type)} onChange=${() => toggle(type)} />
            <label for=${`event-${type}`}>${label(type)}</label>
          </div>`)}
        </div>
      </fieldset>
      <button type="submit" disabled=${make.busy}>${make.busy ? "Adding…" : "Add webhook"}</button>
    </form>
  </details>`;
}

function Secret({ hook }) {
  return html`<div class="notice notice-warn secret" role="status">
    <p><strong>Copy this secret now: it is shown only once.</strong> Check each delivery's X-Signature header
      (sha256 HMAC of the body) with it. If you lose it, remove the webhook and add another.</p>
    <p><label for="webhook-secret">Secret of ${hook.url}</label></p>
    <input id="webhook-secret" class="secret-value" readonly value=${hook.secret} onFocus=${(e) => e.target.select()} />
  </div>`;
}

function HookActions({ hook, changed }) {
  const [confirming, setConfirming] = useState(false);
  const disable = useSubmit(async () => changed(await del(`/webhooks/${hook.id}`), `${hook.url} is turned off.`));
  const enable = useSubmit(async () => changed(await post(`/webhooks/${hook.id}/enable`), `${hook.url} is turned on again.`));
  const error = html`<${Problem} error=${disable.error || enable.error} />`;
  if (hook.status !== "active") {
    return html`${error}<button type="button" class="secondary" onClick=${() => enable.submit()} disabled=${enable.busy}>
      Turn on<span class="visually-hidden"> ${hook.url}</span></button>`;
  }
  if (!confirming) {
    return html`${error}<button type="button" class="secondary" onClick=${() => setConfirming(true)}>
      Turn off<span class="visually-hidden"> ${hook.url}</span></button>`;
  }
  return html`<div class="notice notice-warn" role="group" aria-label=${`Turn off ${hook.url}`}>
    ${error}
    <p>Turn off this webhook? Nothing more is delivered to it until you turn it on again.</p>
    <div class="actions">
      <button type="button" class="danger" onClick=${() => disable.submit()} disabled=${disable.busy}>Yes, turn it off</button>
      <button type="button" class="secondary" onClick=${() => setConfirming(false)}>No, keep it on</button>
    </div>
  </div>`;
}

function Webhooks({ me }) {
  const alliance = me.scope.alliance_id;
  const pages = usePages("/webhooks", { alliance_id: alliance });
  const [created, setCreated] = useState(null);
  const [notice, setNotice] = useState(null);
  const changed = (result, message) => { setCreated(null); setNotice(message); pages.reload(); return result; };
  return html`<${Page} title="Webhooks">
    <p>Send your alliance's events to another system as they happen.</p>
    ${created && html`<${Secret} hook=${created} />`}
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <${Create} alliance=${alliance} created=${(hook) => { setNotice(null); setCreated(hook); pages.reload(); }} />
    <${Table} caption="Your alliance's webhooks" rows=${pages.items} empty="No webhooks yet." columns=${[
      ["URL", (h) => html`<a href=${href(`/webhooks/${h.id}`)}>${h.url}</a>`],
      ["Events", (h) => h.event_types.map(label).join(", ")],
      ["Status", (h) => html`<${Status} value=${h.status} />${h.disabled_reason ? html`<br /><small>${h.disabled_reason}</small>` : ""}`],
      ["Added", (h) => when(h.created_at)],
      ["Failing since", (h) => when(h.failing_since)],
      ["", (h) => html`<${HookActions} hook=${h} changed=${changed} />`],
    ]} />
    <${More} pages=${pages} />
  </${Page}>`;
}

function Deliveries({ id }) {
  const hook = useLoad(() => get(`/webhooks/${id}`), [id]);
  const pages = usePages(`/webhooks/${id}/deliveries`);
  return html`<${Page} title="Webhook deliveries">
    <p><a href=${href("/webhooks")}>Back to webhooks</a></p>
    <${Loaded} state=${hook} what="Loading the webhook">${(h) => html`<dl class="facts">
      <dt>URL</dt><dd>${h.url}</dd><dt>Status</dt><dd><${Status} value=${h.status} /></dd>
      <dt>Events</dt><dd>${h.event_types.map(label).join(", ")}</dd></dl>`}</${Loaded}>
    <${Table} caption="Deliveries, oldest first" rows=${pages.items} empty="Nothing delivered yet." columns=${[
      ["Event", (d) => label(d.event_type)],
      ["Status", (d) => html`<${Status} value=${d.status} />`],
      ["Attempts", (d) => d.attempts],
      ["Last response", (d) => d.last_response_code ?? (d.last_error || "—")],
      ["Next attempt", (d) => when(d.next_attempt_at)],
      ["Created", (d) => when(d.created_at)],
      ["Sent", (d) => when(d.sent_at)],
    ]} />
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/webhooks", title: "Webhooks", roles: [ALLIANCE_ADMIN], view: Webhooks,
    nav: { label: "Webhooks", hint: "Send your alliance's events to other systems" } },
  { path: "/webhooks/:id", title: "Webhook deliveries", roles: [ALLIANCE_ADMIN], view: Deliveries },
];
