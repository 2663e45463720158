// Events each service parked after its handler kept failing, and replaying one after an inline confirm.
import { useEffect, useRef, useState } from "preact/hooks";
import { get, post } from "../api.js";
import { label, when } from "../format.js";
import { html } from "../html.js";
import { PLATFORM_ADMIN } from "../roles.js";
import { Loaded, Notice, Page, Problem, Table, useLoad, useSubmit } from "../ui.js";

const OUTCOMES = {
  handled: ["success", "its handler ran and it is no longer parked."],
  duplicate: ["info", "it had been handled already, so nothing ran again; it is no longer parked."],
  parked: ["warn", "its handler failed again, so it stays parked."],
};

function ConfirmReplay({ service, event, action, onCancel }) {
  const yes = useRef(null);
  useEffect(() => yes.current?.focus(), []);
  return html`<div class="confirm" role="group" aria-label=${`Replay event ${event.id}?`}>
    <p><strong>Replay event ${event.id}?</strong> The ${service} service runs ${event.handler} on it once more.
      If it fails again it stays parked.</p>
    <div class="actions">
      <button type="button" ref=${yes} disabled=${action.busy} onClick=${() => action.submit(service, event)}>
        ${action.busy ? "Replaying…" : "Yes, replay"}</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
    </div>
  </div>`;
}

function Result({ done }) {
  const [kind, text] = OUTCOMES[done.outcome] || ["info", `the outcome was ${done.outcome}.`];
  return html`<${Notice} kind=${kind}>Replayed event ${done.id} in ${done.service}: ${text}</${Notice}>`;
}

function ParkedEvents() {
  const state = useLoad(() => get("/ops/parked-events"));
  const [confirming, setConfirming] = useState(null);
  const replay = useSubmit(async (service, event) => {
    const done = await post(`/ops/parked-events/${encodeURIComponent(service)}/${event.id}/replay`);
    setConfirming(null);
    state.reload();
    return { ...done, service };
  });
  const action = (service) => (event) => {
    if (confirming?.service === service && confirming.id === event.id) {
      return html`<${ConfirmReplay} service=${service} event=${event} action=${replay}
        onCancel=${() => setConfirming(null)} />`;
    }
    return html`<button type="button" class="secondary" onClick=${() => { replay.reset(); setConfirming({ service, id: event.id }); }}>
      Replay<span class="visually-hidden"> event ${event.id} in ${service}</span></button>`;
  };
  return html`<${Page} title="Parked events" actions=${html`<button type="button" class="secondary"
      onClick=${() => { replay.reset(); state.reload(); }} disabled=${state.loading}>Refresh</button>`}>
    <p>An event is parked when a service's handler fails on it after its retries. Fix the cause, then replay it.</p>
    <${Problem} error=${replay.error} />
    ${replay.done && html`<${Result} done=${replay.done} />`}
    <${Loaded} state=${state} what="Loading parked events">${(byService) => {
      const services = Object.entries(byService);
      if (!services.some(([, events]) => events.length)) {
        return html`<p class="empty">No parked events in any service (${services.map(([s]) => s).join(", ")}).</p>`;
      }
      return services.map(([service, events]) => html`<section aria-labelledby=${`parked-${service}`}>
        <h2 id=${`parked-${service}`}>${label(service)} <span class="count">(${events.length})</span></h2>
        <${Table} caption=${`Parked events in ${service}`} rows=${events} empty="None." columns=${[
          ["Event", (e) => html`<span class="break">${e.id}: ${e.event_type || "unknown type"}</span>`],
          ["Handler", (e) => html`<code>${e.handler}</code>`],
          ["Error", (e) => html`<span class="break">${e.error}</span>`],
          ["Attempts", (e) => e.attempts],
          ["Parked", (e) => when(e.parked_at)],
          ["Action", action(service)],
        ]} />
      </section>`);
    }}</${Loaded}>
  </${Page}>`;
}

export const routes = [
  { path: "/admin/parked-events", title: "Parked events", roles: [PLATFORM_ADMIN], view: ParkedEvents,
    nav: { label: "Parked events", hint: "Events services could not handle: replay them" } },
];
