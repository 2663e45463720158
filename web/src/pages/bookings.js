// A school's bookings: the list, one booking, and cancelling it with the fee shown first.
import { useState } from "preact/hooks";
import { get, post } from "../api.js";
import { money, when } from "../format.js";
import { html } from "../html.js";
import { SCHOOL_USER } from "../roles.js";
import { href, navigate } from "../router.js";
import { Field, Loaded, More, Notice, Page, Problem, Select, Status, Table, useLoad, usePages, useSubmit } from "../ui.js";

const STATUSES = [["confirmed", "Confirmed"], ["waitlisted", "Waitlisted"], ["completed", "Completed"],
  ["cancelled", "Cancelled"]];

const pricePaid = (b) => `${money(b.price_pence)} ${b.member_price ? "member price" : "non-member price"}`;

const COLUMNS = [
  ["Course", (b) => html`<a href=${href(`/bookings/${b.id}`)}>${b.course_title}</a>
    <div class="hint">from <time datetime=${b.course_starts_at}>${when(b.course_starts_at)}</time></div>`],
  ["Participant", (b) => html`${b.participant.name}<div class="hint">${b.participant.email}</div>`],
  ["Status", (b) => html`<${Status} value=${b.status} />`],
  ["Price", pricePaid],
  ["Waitlist position", (b) => b.waitlist_position ?? "—"],
  ["Booked", (b) => html`<time datetime=${b.created_at}>${when(b.created_at)}</time>`],
];

function Bookings({ query }) {
  const status = query.status || "";
  const pages = usePages("/bookings", { status: status || undefined });
  return html`<${Page} title="Your school's bookings" actions=${html`<a href=${href("/courses")}>Book a course</a>`}>
    <div class="filters panel">
      <${Select} label="Status" name="status" value=${status} blank="Every status" options=${STATUSES}
        onInput=${(v) => navigate(v ? `/bookings?status=${v}` : "/bookings")} />
    </div>
    ${(!pages.loading || pages.items.length > 0) && html`<${Table} caption=${status ? `${STATUSES.find(([v]) => v === status)?.[1]} bookings` : "Bookings"}
      columns=${COLUMNS} rows=${pages.items}
      empty=${status ? "No bookings with this status." : "Your school has no bookings yet."} />`}
    <${More} pages=${pages} />
  </${Page}>`;
}

// What cancelling costs, said before the person confirms.
function feeText(booking) {
  const fee = booking.cancellation_fee_pence;
  if (fee > 0) return `Cancelling now costs ${money(fee)}: the first session is too close for a free cancellation.`;
  if (booking.status === "waitlisted") return "Cancelling is free: the place is on the waitlist.";
  return `Cancelling now is free until ${when(booking.free_cancellation_until)}; from then it costs ${money(booking.price_pence)}.`;
}

function Cancel({ booking, onCancelled }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const cancel = useSubmit(async () => {
    const done = await post(`/bookings/${booking.id}/cancel`, { reason: reason.trim() || null });
    setAsking(false);
    onCancelled();
    return done;
  });
  if (cancel.done) {
    return html`<${Notice}>Booking cancelled.${" "}${cancel.done.fee_pence > 0
      ? `Your school is charged a fee of ${money(cancel.done.fee_pence)}.` : "No fee is charged."}</${Notice}>`;
  }
  if (booking.cancellation_fee_pence === null || booking.cancellation_fee_pence === undefined) return null;
  if (!asking) {
    return html`<p>${feeText(booking)}</p>
      <button type="button" class="secondary" onClick=${() => setAsking(true)}>Cancel this booking…</button>`;
  }
  return html`<form class="panel narrow confirm" aria-labelledby="cancel-heading"
      onSubmit=${(e) => { e.preventDefault(); cancel.submit(); }}>
    <h2 id="cancel-heading">Cancel ${booking.participant.name}'s place?</h2>
    <p><strong>${feeText(booking)}</strong></p>
    <p>The place goes to the first booking on the waitlist, if any. This cannot be undone.</p>
    <${Problem} error=${cancel.error} />
    <${Field} label="Reason (optional)" name="reason" type="textarea" value=${reason} onInput=${setReason}
      error=${cancel.error} maxlength="500" />
    <div class="actions">
      <button type="submit" class="danger" disabled=${cancel.busy}>${cancel.busy ? "Cancelling…"
        : booking.cancellation_fee_pence > 0 ? `Cancel and pay ${money(booking.cancellation_fee_pence)}` : "Cancel the booking"}</button>
      <button type="button" class="secondary" onClick=${() => { setAsking(false); cancel.reset(); }}>Keep the booking</button>
    </div>
  </form>`;
}

function Booking({ id }) {
  const state = useLoad(() => get(`/bookings/${encodeURIComponent(id)}`), [id]);
  return html`<${Page} title="Booking" actions=${html`<a href=${href("/bookings")}>All bookings</a>`}>
    <${Loaded} state=${state} what="Loading the booking">${(b) => html`
      <dl class="facts panel">
        <dt>Course</dt><dd><a href=${href(`/courses/${b.course_id}`)}>${b.course_title}</a></dd>
        <dt>First session</dt><dd><time datetime=${b.course_starts_at}>${when(b.course_starts_at)}</time></dd>
        <dt>Participant</dt><dd>${b.participant.name} (${b.participant.email})${b.participant.role ? `, ${b.participant.role}` : ""}</dd>
        <dt>Status</dt><dd><${Status} value=${b.status} />${b.waitlist_position ? ` position ${b.waitlist_position}` : ""}</dd>
        <dt>Price</dt><dd>${pricePaid(b)}</dd>
        <dt>Booked</dt><dd>${when(b.created_at)}</dd>
        ${b.cancelled_at && html`<dt>Cancelled</dt><dd>${when(b.cancelled_at)}${b.cancel_reason ? `: ${b.cancel_reason}` : ""}</dd>
          <dt>Cancellation fee</dt><dd>${money(b.fee_pence)}</dd>`}
        ${b.completed_at && html`<dt>Completed</dt><dd>${when(b.completed_at)}</dd>`}
      </dl>
      <${Cancel} booking=${b} onCancelled=${state.reload} />
    `}</${Loaded}>
  </${Page}>`;
}

export const routes = [
  { path: "/bookings", title: "Bookings", roles: [SCHOOL_USER], view: Bookings,
    nav: { label: "Bookings", hint: "Your school's places on courses; cancel one" } },
  { path: "/bookings/:id", title: "Booking", roles: [SCHOOL_USER], view: Booking },
];
