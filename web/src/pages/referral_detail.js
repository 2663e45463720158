// One referral: its details, deployments, visits, reviews and timeline, and what the caller may do next.
import { useState } from "preact/hooks";
import { get } from "../api.js";
import { day, label, when } from "../format.js";
import { html } from "../html.js";
import { ROLE_NAMES } from "../roles.js";
import { href } from "../router.js";
import { Loaded, Notice, Page, Status, Table, useLoad } from "../ui.js";
import { useAllianceNames } from "./alliance_names.js";
import { Assign } from "./referral_assign.js";
import { Actions, LogVisit } from "./referral_actions.js";
import { actionsFor, manages } from "./referral_rights.js";
import { needLabel, statusLabel } from "./referral_words.js";

const ACTIONS = {
  opened: "Opened", consent_recorded: "Consent to share recorded", shared: "Shared with the region",
  assigned: "System leader assigned", visit_logged: "Visit logged", reviewed: "Reviewed", closed: "Closed",
  withdrawn: "Withdrawn", escalated: "Escalated: past its time limit",
};

// The parts of an entry's detail worth a sentence.
function entryDetail(entry, allianceName) {
  const d = entry.detail || {};
  const parts = [];
  if (d.system_leader_name) parts.push(`${d.system_leader_name} for ${d.days} day${d.days === 1 ? "" : "s"}`);
  if (d.cross_alliance) parts.push(`from ${allianceName(d.leader_alliance_id)} (cross-alliance)`);
  if (d.given_by || d.consent_given_by) parts.push(`consent given by ${d.given_by || d.consent_given_by}`);
  if (d.visited_on) parts.push(`visit on ${day(d.visited_on)}, ${d.days_used} day${d.days_used === 1 ? "" : "s"} used`);
  if (d.rag) parts.push(`rated ${d.rag}`);
  if (d.outcome) parts.push(`outcome: ${label(d.outcome)}`);
  if (d.reason) parts.push(`reason: ${d.reason}`);
  if (d.priority && entry.action === "opened") parts.push(`${d.priority} priority`);
  return parts.join("; ");
}

function Timeline({ entries, allianceName }) {
  return html`<ol class="timeline">
    ${entries.map((e, i) => html`<li key=${i}>
      <time datetime=${e.at}>${when(e.at)}</time>
      <strong>${ACTIONS[e.action] || label(e.action)}</strong>
      ${e.to_status && html` <span class="muted">(${e.from_status ? `${statusLabel(e.from_status)} → ` : ""}${statusLabel(e.to_status)})</span>`}
      <div>${entryDetail(e, allianceName)}</div>
      <div class="muted">by ${e.actor_role === "system" ? "the system" : `${ROLE_NAMES[e.actor_role] || e.actor_role}${e.actor_alliance_id ? `, ${allianceName(e.actor_alliance_id)}` : ""}`}</div>
    </li>`)}
  </ol>`;
}

function Facts({ r, allianceName }) {
  return html`<dl class="facts panel">
    <dt>School</dt><dd>${r.school_name || "—"} (URN ${r.school_urn})</dd>
    <dt>Home alliance</dt><dd>${allianceName(r.alliance_id)}</dd>
    <dt>Need areas</dt><dd>${r.need_areas.map(needLabel).join(", ")}</dd>
    <dt>Priority</dt><dd>${label(r.priority)}</dd>
    <dt>Source</dt><dd>${label(r.source)}</dd>
    <dt>Received</dt><dd>${day(r.received_on)}</dd>
    <dt>To be matched by</dt><dd>${day(r.match_due_on)}${r.overdue ? " (overdue)" : ""}</dd>
    <dt>Consent to share</dt><dd>${r.consent_to_share ? `Given${r.consent_given_by ? ` by ${r.consent_given_by}` : ""}` : "Not given"}</dd>
    <dt>Shared with the region</dt><dd>${r.shared_at ? when(r.shared_at) : "Not shared"}</dd>
    ${r.matched_at && html`<dt>Matched</dt><dd>${when(r.matched_at)}</dd>`}
    ${r.closed_at && html`<dt>${r.status === "withdrawn" ? "Withdrawn" : "Closed"}</dt><dd>${when(r.closed_at)}</dd>`}
    ${r.outcome && html`<dt>Outcome</dt><dd>${label(r.outcome)}</dd>`}
    ${r.impact_summary && html`<dt>Impact</dt><dd>${r.impact_summary}</dd>`}
  </dl>`;
}

function Detail({ me, r, reload, allianceName }) {
  const [notice, setNotice] = useState(null);
  const changed = (message) => { setNotice(message); reload(); };
  const can = actionsFor(me, r);
  const leaderName = Object.fromEntries(r.deployments.map((d) => [d.id, d.system_leader_name]));
  const mayLog = (d) => can.visit && d.status === "active"
    && (manages(me, r) || d.leader_alliance_id === me.scope.alliance_id);
  return html`
    <p class="summary"><span class="visually-hidden">Status: </span><${Status} value=${r.status} />
      ${r.overdue && html` <span class="status status-overdue">overdue</span>`}
      ${r.cross_alliance && html` <span class="status">cross-alliance</span>`}</p>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <h2>Summary</h2>
    <p class="prose">${r.summary}</p>
    <${Facts} r=${r} allianceName=${allianceName} />
    <${Actions} referral=${r} can=${can} onChanged=${changed} />
    ${can.assign && html`<${Assign} referral=${r} allianceName=${allianceName} onChanged=${changed} />`}
    <h2>Deployments</h2>
    <${Table} caption="System leaders deployed" rows=${r.deployments} empty="No system leader deployed yet." columns=${[
      ["Leader", (d) => d.system_leader_name || "A system leader"],
      ["Alliance", (d) => html`${allianceName(d.leader_alliance_id)}${d.cross_alliance ? " (cross-alliance)" : ""}`],
      ["Days used", (d) => `${d.days_used} of ${d.days}`],
      ["Status", (d) => html`<${Status} value=${d.status} />`],
      ["Assigned", (d) => when(d.assigned_at)],
    ]} />
    ${r.deployments.filter(mayLog).map((d) => html`<${LogVisit} key=${d.id} referral=${r} deployment=${d} onChanged=${changed} />`)}
    <h2>Visits</h2>
    <${Table} caption="Visits logged" rows=${r.visits} empty="No visits logged yet." columns=${[
      ["Visited", (v) => day(v.visited_on)], ["Leader", (v) => leaderName[v.deployment_id] || "—"],
      ["Days used", (v) => v.days_used], ["Note", (v) => v.note || "—"],
    ]} />
    <h2>Reviews</h2>
    <${Table} caption="Reviews" rows=${r.reviews} empty="No reviews yet." columns=${[
      ["Reviewed", (v) => when(v.reviewed_at)], ["Rating", (v) => html`<${Status} value=${v.rag} />`], ["Note", (v) => v.note],
    ]} />
    <h2>Timeline</h2>
    <${Timeline} entries=${r.timeline} allianceName=${allianceName} />`;
}

export function ReferralPage({ me, id }) {
  const state = useLoad(() => get(`/referrals/${id}`), [id]);
  const { name } = useAllianceNames();
  const title = state.data ? `Referral: ${state.data.school_name || state.data.school_urn}` : "Referral";
  return html`<${Page} title=${title} actions=${html`<a href=${href("/referrals")}>All referrals</a>`}>
    <${Loaded} state=${state} what="Loading the referral">${(r) => html`<${Detail} me=${me} r=${r}
      reload=${state.reload} allianceName=${name} />`}</${Loaded}>
  </${Page}>`;
}
