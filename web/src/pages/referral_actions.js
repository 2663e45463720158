// What may be done to a referral: consent, share, review, close, withdraw, and log a visit.
// Each change reloads the referral, so the page shows its new state and timeline.
import { useState } from "preact/hooks";
import { post } from "../api.js";
import { html } from "../html.js";
import { Field, Problem, Select, useSubmit } from "../ui.js";
import { OUTCOMES, RAGS } from "./referral_words.js";

const londonToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());

// A form whose action runs against the referral, then tells the page what changed.
function useAction(referral, path, onChanged, message) {
  return useSubmit(async (body) => {
    const done = await post(`/referrals/${referral.id}/${path}`, body);
    onChanged(typeof message === "function" ? message(done) : message);
    return done;
  });
}

function Consent({ referral, onChanged }) {
  const [givenBy, setGivenBy] = useState("");
  const act = useAction(referral, "consent", onChanged, "The school's consent to share is recorded.");
  return html`<form class="panel" aria-labelledby="consent-h" onSubmit=${(e) => { e.preventDefault(); act.submit({ given_by: givenBy }); }}>
    <h3 id="consent-h">Record the school's consent to share</h3>
    <p>With consent, the referral may be shared with the region and leaders from other alliances may support it.</p>
    <${Problem} error=${act.error} />
    <${Field} label="Consent given by" name="given_by" value=${givenBy} onInput=${setGivenBy} error=${act.error}
      required hint="Name and role, e.g. Headteacher" />
    <button type="submit" disabled=${act.busy}>Record consent</button>
  </form>`;
}

function Share({ referral, onChanged }) {
  const act = useAction(referral, "share", onChanged, "Shared: the region's alliances can now see this referral.");
  return html`<div class="panel">
    <h3>Share with the region</h3>
    <p>${referral.consent_to_share ? "Every alliance of the region will see the referral and may offer support."
      : "Record the school's consent first: a referral is shared only with it."}</p>
    <${Problem} error=${act.error} />
    <button type="button" onClick=${() => act.submit({})} disabled=${act.busy || !referral.consent_to_share}>Share with the region</button>
  </div>`;
}

function Review({ referral, onChanged }) {
  const [form, setForm] = useState({ rag: "", note: "" });
  const act = useAction(referral, "reviews", onChanged, (r) => `Review added: rated ${r.rag}.`);
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  return html`<form class="panel" aria-labelledby="review-h" onSubmit=${async (e) => {
    e.preventDefault(); if (await act.submit(form)) setForm({ rag: "", note: "" });
  }}>
    <h3 id="review-h">Review progress</h3>
    <${Problem} error=${act.error} />
    <${Select} label="Rating (RAG)" name="rag" value=${form.rag} onInput=${set("rag")} options=${RAGS} blank="Choose a rating" error=${act.error} required />
    <${Field} type="textarea" label="Review note" name="note" value=${form.note} onInput=${set("note")} error=${act.error} required />
    <button type="submit" disabled=${act.busy}>Add review</button>
  </form>`;
}

// A change that cannot be undone: the form, then a second step that says what it does.
function Final({ id, title, explain, consequence, verb, path, referral, onChanged, message, children, body }) {
  const [confirming, setConfirming] = useState(false);
  const act = useAction(referral, path, onChanged, message);
  return html`<form class="panel" aria-labelledby=${id} onSubmit=${(e) => { e.preventDefault(); act.reset(); setConfirming(true); }}>
    <h3 id=${id}>${title}</h3>
    <p>${explain}</p>
    <${Problem} error=${act.error} />
    ${children(act.error)}
    ${confirming
      ? html`<div class="confirm" role="group" aria-label=${`Confirm: ${verb}`}>
          <p><strong>${consequence}</strong></p>
          <button type="button" class="danger" disabled=${act.busy}
            onClick=${async () => { if (!(await act.submit(body))) setConfirming(false); }}>Yes, ${verb.toLowerCase()}</button>
          <button type="button" class="secondary" onClick=${() => setConfirming(false)}>No, keep it</button>
        </div>`
      : html`<button type="submit" class="secondary">${verb}…</button>`}
  </form>`;
}

function Close({ referral, onChanged }) {
  const [form, setForm] = useState({ outcome: "", impact_summary: "" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  return html`<${Final} id="close-h" title="Close with an outcome" verb="Close referral" path="close"
    explain="When the support has ended." referral=${referral} onChanged=${onChanged} message="The referral is closed."
    body=${{ outcome: form.outcome, impact_summary: form.impact_summary || undefined }}
    consequence="Closing ends the support: no more visits or reviews, and the leaders' unused days are released.">
    ${(error) => html`
      <${Select} label="Outcome" name="outcome" value=${form.outcome} onInput=${set("outcome")} options=${OUTCOMES} blank="Choose an outcome" error=${error} required />
      <${Field} type="textarea" label="Impact summary" name="impact_summary" value=${form.impact_summary} onInput=${set("impact_summary")} error=${error} />`}
  </${Final}>`;
}

function Withdraw({ referral, onChanged }) {
  const [reason, setReason] = useState("");
  return html`<${Final} id="withdraw-h" title="Withdraw the referral" verb="Withdraw referral" path="withdraw"
    explain="When the school no longer needs support." referral=${referral} onChanged=${onChanged}
    message="The referral is withdrawn." body=${{ reason }}
    consequence="Withdrawing stops the referral for good: it cannot be reopened, and deployed leaders' unused days are released.">
    ${(error) => html`<${Field} label="Reason for withdrawing" name="reason" value=${reason} onInput=${setReason} error=${error} required />`}
  </${Final}>`;
}

export function LogVisit({ referral, deployment, onChanged }) {
  const [form, setForm] = useState({ visited_on: londonToday(), days_used: "1", note: "" });
  const set = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const act = useAction(referral, `deployments/${deployment.id}/visits`, onChanged, "The visit is logged.");
  const who = deployment.system_leader_name || "the system leader";
  return html`<form class="panel" aria-label=${`Log a visit by ${who}`} onSubmit=${async (e) => {
    e.preventDefault();
    const body = { visited_on: form.visited_on, days_used: Number(form.days_used) || form.days_used, note: form.note || undefined };
    if (await act.submit(body)) setForm((f) => ({ ...f, note: "" }));
  }}>
    <h3>Log a visit by ${who}</h3>
    <p>${deployment.days - deployment.days_used} of ${deployment.days} days left on this deployment.</p>
    <${Problem} error=${act.error} />
    <${Field} type="date" label="Visited on" name="visited_on" value=${form.visited_on} onInput=${set("visited_on")} error=${act.error} required />
    <${Field} type="number" label="Days used" name="days_used" value=${form.days_used} onInput=${set("days_used")} error=${act.error} required min="1" />
    <${Field} type="textarea" label="Visit note" name="note" value=${form.note} onInput=${set("note")} error=${act.error} />
    <button type="submit" disabled=${act.busy}>Log visit</button>
  </form>`;
}

export function Actions({ referral, can, onChanged }) {
  const any = can.consent || can.share || can.review || can.close || can.withdraw;
  if (!any) return null;
  const props = { referral, onChanged };
  return html`<section aria-labelledby="actions-h">
    <h2 id="actions-h">What you can do</h2>
    <div class="action-grid">
      ${can.consent && html`<${Consent} ...${props} />`}
      ${can.share && html`<${Share} ...${props} />`}
      ${can.review && html`<${Review} ...${props} />`}
      ${can.close && html`<${Close} ...${props} />`}
      ${can.withdraw && html`<${Withdraw} ...${props} />`}
    </div>
  </section>`;
}
