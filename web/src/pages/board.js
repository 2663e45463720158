// The regional coordinator's referral board: what is overdue, where referrals stand, where support flows.
import { useEffect, useState } from "preact/hooks";
import { all, get, request } from "../api.js";
import { day, label, when } from "../format.js";
import { html } from "../html.js";
import { COORDINATOR, PLATFORM_ADMIN } from "../roles.js";
import { href, navigate } from "../router.js";
import { Loaded, Page, Problem, Select, Status, Table, useLoad } from "../ui.js";
import { DaysBars, FlowMatrix, StatusBars } from "./board_charts.js";

const FILE_NAME = "referral-board.csv";

// The board as CSV (Accept: text/csv) kept as a Blob behind a download link.
function CsvLink({ regionId }) {
  const [state, setState] = useState({ url: null, error: null });
  useEffect(() => {
    let url = null;
    setState({ url: null, error: null });
    request("GET", `/regions/${regionId}/referral-board`, { accept: "text/csv" }).then(
      (blob) => { url = URL.createObjectURL(blob); setState({ url, error: null }); },
      (error) => setState({ url: null, error }),
    );
    return () => url && URL.revokeObjectURL(url);
  }, [regionId]);
  if (state.error) return html`<${Problem} error=${state.error} />`;
  if (!state.url) return html`<span class="muted" role="status">Preparing the CSV…</span>`;
  return html`<a class="button secondary" href=${state.url} download=${FILE_NAME}>Download CSV<span class="visually-hidden"> of the referral board</span></a>`;
}

function Overdue({ rows }) {
  return html`<${Table} caption=${`Overdue referrals: ${rows.length}, most overdue first`} empty="No referral is past its time limit."
    rows=${rows.map((r) => ({ ...r, id: r.referral_id }))} columns=${[
      ["School", (r) => html`<a href=${href(`/referrals/${r.referral_id}`)}>${r.school_name || r.school_urn}</a>`],
      ["Home alliance", (r) => r.alliance_name],
      ["Priority", (r) => label(r.priority)],
      ["Status", (r) => html`<${Status} value=${r.status} />`],
      ["Received", (r) => day(r.received_on)],
      ["Was due", (r) => day(r.match_due_on)],
      ["Working days overdue", (r) => html`<strong>${r.working_days_overdue}</strong>${r.escalated ? " (escalated)" : ""}`],
    ]} />`;
}

function Board({ board }) {
  const total = board.by_alliance.reduce((sum, a) => sum + a.total, 0);
  return html`
    <p class="muted">As of ${when(board.as_of)}.</p>
    <dl class="figures">
      <div><dt>Overdue</dt><dd>${board.overdue.length}</dd></div>
      <div><dt>Referrals</dt><dd>${total}</dd></div>
      <div><dt>Median days to match</dt><dd>${board.median_days_to_match ?? "—"}</dd></div>
      <div><dt>Cross-alliance referrals</dt><dd>${board.cross_alliance_flows.reduce((s, f) => s + f.count, 0)}</dd></div>
    </dl>
    <h2>Overdue referrals</h2>
    <${Overdue} rows=${board.overdue} />
    <h2>Referrals by status</h2>
    <${StatusBars} rows=${board.by_alliance} />
    <h2>Cross-alliance support</h2>
    <${FlowMatrix} flows=${board.cross_alliance_flows} />
    <h2>System-leader days deployed</h2>
    <${DaysBars} rows=${board.days_deployed} />`;
}

function RegionChoice({ regionId }) {
  const regions = useLoad(() => all("/regions"));
  return html`<${Loaded} state=${regions} what="Loading regions">${(list) => html`<div class="filters panel">
    <${Select} label="Region" name="region" value=${regionId || ""} blank="Choose a region"
      options=${list.map((r) => [r.id, r.name])} onInput=${(v) => navigate(`/board${v ? `?region=${v}` : ""}`)} />
  </div>`}</${Loaded}>`;
}

function ReferralBoard({ me, query }) {
  const admin = me.scope.role === PLATFORM_ADMIN;
  const regionId = admin ? query.region : me.scope.region_id;
  const state = useLoad(() => (regionId ? get(`/regions/${regionId}/referral-board`) : Promise.resolve(null)), [regionId]);
  return html`<${Page} title="Referral board" actions=${regionId && html`<${CsvLink} regionId=${regionId} />`}>
    ${admin && html`<${RegionChoice} regionId=${regionId} />`}
    ${regionId
      ? html`<${Loaded} state=${state} what="Loading the board">${(board) => board && html`<${Board} board=${board} />`}</${Loaded}>`
      : html`<p>${admin ? "Choose a region to see its board." : "Your account has no region."}</p>`}
  </${Page}>`;
}

export const routes = [
  { path: "/board", title: "Referral board", roles: [COORDINATOR, PLATFORM_ADMIN], view: ReferralBoard,
    nav: { label: "Referral board", hint: "The region's referrals: overdue, by status, cross-alliance support, leaders' days" } },
];
