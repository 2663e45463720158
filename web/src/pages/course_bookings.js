// One of the alliance's courses, as its staff run it: publish or cancel it, its bookings, attendance.
import { useState } from "preact/hooks";
import { all, get, post } from "../api.js";
import { html } from "../html.js";
import { money, when } from "../format.js";
import { href } from "../router.js";
import { Loaded, Notice, Page, Problem, Status, Table, useLoad, useSubmit } from "../ui.js";
import { Attendance } from "./attendance.js";
import { areaName, programmeName, visibilityName } from "./course_form.js";

function Facts({ course }) {
  return html`<dl class="facts">
    <dt>Status</dt><dd><${Status} value=${course.status} /></dd>
    <dt>Programme</dt><dd>${programmeName(course.programme)}</dd>
    <dt>Area</dt><dd>${areaName(course.area)}</dd>
    <dt>Offered to</dt><dd>${visibilityName(course.visibility)}</dd>
    <dt>Places</dt><dd>${`${course.confirmed_count} of ${course.capacity} taken, ${course.places_left} left, `
      + `${course.waitlist_count} on the waiting list`}</dd>
    <dt>Price</dt><dd>${money(course.price_member_pence)} for members, ${money(course.price_non_member_pence)} for others</dd>
    <dt>Bookings close</dt><dd>${course.booking_closes_at ? when(course.booking_closes_at) : "When the first session starts"}</dd>
    <dt>Free cancellation</dt><dd>Until ${course.cancellation_deadline_days} days before the start</dd>
  </dl>
  ${course.description && html`<p>${course.description}</p>`}
  <${Table} caption="Sessions" rows=${course.sessions.map((s) => ({ ...s, id: s.index }))} columns=${[
    ["Session", (s) => s.index + 1], ["Starts", (s) => when(s.starts_at)], ["Ends", (s) => when(s.ends_at)],
    ["Venue", (s) => s.venue || "—"]]} />`;
}

function Actions({ course, changed }) {
  const [confirming, setConfirming] = useState(false);
  const publish = useSubmit(async () => changed(await post(`/courses/${course.id}/publish`), "Published: schools it is offered to can book it now."));
  const cancel = useSubmit(async () => {
    setConfirming(false);
    return changed(await post(`/courses/${course.id}/cancel`), "Cancelled: every booking was cancelled without a fee.");
  });
  if (course.status === "cancelled") return null;
  const live = course.confirmed_count + course.waitlist_count;
  return html`<div class="panel">
    <${Problem} error=${publish.error || cancel.error} />
    <div class="actions">
      <a class="button secondary" href=${href(`/courses/${course.id}/edit`)}>Edit details</a>
      ${course.status === "draft" && html`<button type="button" onClick=${() => publish.submit()}
        disabled=${publish.busy}>${publish.busy ? "Publishing…" : "Publish"}</button>`}
      ${!confirming && html`<button type="button" class="danger" onClick=${() => setConfirming(true)}>Cancel the course</button>`}
    </div>
    ${confirming && html`<div class="confirm notice notice-warn" role="group" aria-labelledby="cancel-course-q">
      <p id="cancel-course-q"><strong>Cancel “${course.title}”?</strong> Every booking on it
        ${live ? `(${course.confirmed_count} confirmed, ${course.waitlist_count} waiting)` : ""} is cancelled without a fee,
        and the schools are told. This cannot be undone.</p>
      <div class="actions">
        <button type="button" class="danger" onClick=${() => cancel.submit()} disabled=${cancel.busy}>Yes, cancel the course</button>
        <button type="button" class="secondary" onClick=${() => setConfirming(false)}>No, keep it</button>
      </div>
    </div>`}
  </div>`;
}

function Bookings({ bookings }) {
  const live = bookings.filter((b) => b.status !== "cancelled");
  const waiting = live.filter((b) => b.status === "waitlisted").sort((a, b) => a.waitlist_position - b.waitlist_position);
  const placed = live.filter((b) => b.status !== "waitlisted");
  const columns = [
    ["Participant", (b) => html`${b.participant.name}<br /><small>${b.participant.email}</small>`],
    ["School", (b) => b.school_urn],
    ["Status", (b) => html`<${Status} value=${b.status} />`],
    ["Price", (b) => `${money(b.price_pence)}${b.member_price ? " (member)" : ""}`],
    ["Booked", (b) => when(b.created_at)],
  ];
  const cancelled = bookings.length - live.length;
  return html`<h2>Bookings</h2>
    <${Table} caption="Places: confirmed and completed" rows=${placed} columns=${columns} empty="No places booked yet." />
    <${Table} caption="Waiting list" rows=${waiting} empty="Nobody is waiting."
      columns=${[["Position", (b) => b.waitlist_position], ...columns]} />
    ${cancelled > 0 && html`<p>${cancelled} cancelled booking${cancelled === 1 ? "" : "s"} not shown.</p>`}`;
}

export function CourseBookings({ id }) {
  const [notice, setNotice] = useState(null);
  const state = useLoad(async () => {
    const course = await get(`/courses/${id}`);
    const bookings = course.status === "draft" ? [] : await all(`/courses/${id}/bookings`);
    return { course, bookings };
  }, [id]);
  const changed = (result, message) => { setNotice(message); state.reload(); return result; };
  return html`<${Page} title=${state.data?.course.title || "Course"}>
    <p><a href=${href("/courses")}>Back to courses</a></p>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <${Loaded} state=${state} what="Loading the course">${({ course, bookings }) => html`
      <${Actions} course=${course} changed=${changed} />
      <${Facts} course=${course} />
      ${course.status !== "draft" && html`<${Bookings} bookings=${bookings} />`}
      ${course.status === "published" && html`<${Attendance} course=${course} bookings=${bookings}
        changed=${changed} />`}`}
    </${Loaded}>
  </${Page}>`;
}
