// The referral board's pictures, each with its numbers in words or a table beside it.
import { html } from "../html.js";
import { Table } from "../ui.js";
import { STATUSES } from "./referral_words.js";

// Counts by status per alliance: one stacked bar per alliance, and the same numbers as a table.
export function StatusBars({ rows }) {
  const most = Math.max(1, ...rows.map((r) => r.total));
  const spoken = (r) => `${r.alliance_name}: ${r.total} referral${r.total === 1 ? "" : "s"}${r.total
    ? ` (${STATUSES.filter(([s]) => r.counts[s]).map(([s, text]) => `${r.counts[s]} ${text.toLowerCase()}`).join(", ")})` : ""}`;
  return html`<figure class="chart">
    <figcaption>Referrals by status, per home alliance</figcaption>
    <ul class="legend" aria-hidden="true">${STATUSES.map(([s, text]) => html`<li><span class=${`swatch fill-${s}`}></span>${text}</li>`)}</ul>
    <ul class="bars">${rows.map((r) => html`<li class="bar-row" key=${r.alliance_id}>
      <span class="bar-label">${r.alliance_name} <span class="muted">(${r.total})</span></span>
      <span class="bar-track" role="img" aria-label=${spoken(r)}>
        ${STATUSES.filter(([s]) => r.counts[s]).map(([s, text]) => html`<span class=${`bar-part fill-${s}`}
          style=${{ width: `${(100 * r.counts[s]) / most}%` }} title=${`${r.counts[s]} ${text.toLowerCase()}`}></span>`)}
      </span>
    </li>`)}</ul>
  </figure>
  <${Table} caption="Referrals by status, per home alliance (the numbers)" rows=${rows.map((r) => ({ ...r, id: r.alliance_id }))}
    columns=${[["Alliance", (r) => r.alliance_name], ...STATUSES.map(([s, text]) => [text, (r) => r.counts[s]]),
      ["Total", (r) => html`<strong>${r.total}</strong>`]]} />`;
}

// Cross-alliance flows as a matrix: the school's home alliance down, the supporting leader's alliance across.
export function FlowMatrix({ flows }) {
  if (!flows.length) return html`<p class="empty">No referral has yet been supported by a leader from another alliance.</p>`;
  const homes = [...new Map(flows.map((f) => [f.from_alliance_id, f.from_alliance_name])).entries()];
  const helpers = [...new Map(flows.map((f) => [f.to_alliance_id, f.to_alliance_name])).entries()];
  const count = Object.fromEntries(flows.map((f) => [`${f.from_alliance_id}|${f.to_alliance_id}`, f.count]));
  return html`<div class="table-wrap matrix" tabindex="0" role="region" aria-label="Cross-alliance support">
    <table>
      <caption>Referrals supported across alliances: home alliance (rows) × supporting leader's alliance (columns)</caption>
      <thead><tr><th scope="col">Home alliance</th>${helpers.map(([, name]) => html`<th scope="col" class="num">${name}</th>`)}</tr></thead>
      <tbody>${homes.map(([home, homeName]) => html`<tr key=${home}>
        <th scope="row">${homeName}</th>
        ${helpers.map(([helper, name]) => html`<td class="num" data-label=${`Supported by ${name}`}>${count[`${home}|${helper}`] || (home === helper ? "—" : 0)}</td>`)}
      </tr>`)}</tbody>
    </table>
  </div>`;
}

// System-leader days per alliance: used on visits, and booked on deployments still under way.
export function DaysBars({ rows }) {
  if (!rows.length) return html`<p class="empty">No system leader has been deployed yet.</p>`;
  const most = Math.max(1, ...rows.map((r) => Math.max(r.days_booked, r.days_used)));
  return html`<figure class="chart">
    <figcaption>System-leader days deployed, by the leaders' alliance</figcaption>
    <ul class="legend" aria-hidden="true"><li><span class="swatch fill-used"></span>Days used</li><li><span class="swatch fill-booked"></span>Days booked, under way</li></ul>
    <ul class="bars">${rows.map((r) => html`<li class="bar-row" key=${r.alliance_id}>
      <span class="bar-label">${r.alliance_name}</span>
      <span class="bar-pair" role="img" aria-label=${`${r.alliance_name}: ${r.days_used} days used, ${r.days_booked} days booked on deployments under way`}>
        <span class="bar-track"><span class="bar-part fill-used" style=${{ width: `${(100 * r.days_used) / most}%` }}></span></span>
        <span class="bar-track"><span class="bar-part fill-booked" style=${{ width: `${(100 * r.days_booked) / most}%` }}></span></span>
      </span>
    </li>`)}</ul>
  </figure>
  <${Table} caption="System-leader days (the numbers)" rows=${rows.map((r) => ({ ...r, id: r.alliance_id }))}
    columns=${[["Leaders' alliance", (r) => r.alliance_name], ["Days used", (r) => r.days_used], ["Days booked, under way", (r) => r.days_booked]]} />`;
}
