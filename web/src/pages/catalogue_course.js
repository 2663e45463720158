// One course as the catalogue shows it: its details, sessions and price; a school books a participant.
import { useState } from "preact/hooks";
import { get, post } from "../api.js";
import { day, money, when } from "../format.js";
import { html } from "../html.js";
import { COORDINATOR, PLATFORM_ADMIN, SCHOOL_USER } from "../roles.js";
import { href } from "../router.js";
import { Field, Loaded, Notice, Page, Problem, Table, useLoad, useSubmit } from "../ui.js";
import { areaName, bothPrices, fillRate, placesText, priceKind, programmeName } from "./catalogue_terms.js";

const SESSION_COLUMNS = [
  ["Session", (s) => s.index + 1],
  ["Starts", (s) => html`<time datetime=${s.starts_at}>${when(s.starts_at)}</time>`],
  ["Ends", (s) => html`<time datetime=${s.ends_at}>${when(s.ends_at)}</time>`],
  ["Venue", (s) => s.venue || "—"],
];

function freeUntil(course) {
  const first = new Date(course.starts_at);
  const deadline = new Date(first.getTime() - course.cancellation_deadline_days * 86400000);
  return course.cancellation_deadline_days
    ? `Free until ${when(deadline.toISOString())} (${course.cancellation_deadline_days} days before the first session); the full price after that.`
    : "Free until the first session starts.";
}

function Facts({ course, school }) {
  return html`<dl class="facts panel">
    <dt>Alliance</dt><dd>${course.alliance_name || "—"}</dd>
    <dt>Programme</dt><dd>${programmeName(course.programme)}</dd>
    <dt>Area</dt><dd>${areaName(course.area)}</dd>
    <dt>First session</dt><dd><time datetime=${course.starts_at}>${when(course.starts_at)}</time></dd>
    ${school
      ? html`<dt>Your price</dt><dd><strong>${money(course.your_price_pence)}</strong> a place (${priceKind(course)})</dd>`
      : html`<dt>Prices</dt><dd>${bothPrices(course)}</dd>`}
    <dt>Places</dt><dd>${placesText(course, school)}</dd>
    ${!school && html`<dt>Fill rate</dt><dd>${fillRate(course)}% (${course.confirmed_count} of ${course.capacity} confirmed)</dd>
      <dt>Waitlist</dt><dd>${course.waitlist_count}</dd>`}
    <dt>Bookings close</dt><dd>${course.booking_closes_at ? when(course.booking_closes_at) : "When the first session starts"}</dd>
    <dt>Cancelling</dt><dd>${freeUntil(course)}</dd>
    ${course.status !== "published" && html`<dt>Status</dt><dd>${course.status}</dd>`}
  </dl>`;
}

function Booked({ booking, course }) {
  const who = booking.participant.name;
  const price = `${money(booking.price_pence)} (${booking.member_price ? "member price" : "non-member price"})`;
  return html`<${Notice} kind=${booking.status === "confirmed" ? "success" : "warn"}>
    ${booking.status === "confirmed"
      ? html`<strong>Booked: ${who}'s place is confirmed</strong> on ${course.title} at ${price}.`
      : html`<strong>${who} is on the waitlist at position ${booking.waitlist_position}</strong>. They get the place,
          at ${price}, when one comes free.`}
    ${" "}<a href=${href(`/bookings/${booking.id}`)}>See the booking</a>
  </${Notice}>`;
}

const EMPTY = { name: "", email: "", role: "" };

function BookingForm({ course, me, onBooked }) {
  const [form, setForm] = useState(EMPTY);
  const set = (key) => (value) => setForm((f) => ({ ...f, [key]: value }));
  const book = useSubmit(async () => {
    const participant = { name: form.name.trim(), email: form.email.trim(), role: form.role.trim() || null };
    const booking = await post(`/courses/${course.id}/bookings`, { school_urn: me.scope.school_urn, participant },
      { idempotent: true });
    setForm(EMPTY);
    onBooked();
    return booking;
  });
  const closed = course.status !== "published";
  return html`<section class="panel" aria-labelledby="book-heading">
    <h2 id="book-heading">Book a participant</h2>
    ${book.done && html`<${Booked} booking=${book.done} course=${course} />`}
    ${closed ? html`<p>This course is ${course.status}: it takes no bookings.</p>` : html`
    <p>${course.places_left > 0
      ? `${money(course.your_price_pence)} a place (${priceKind(course)}); ${course.places_left} left.`
      : "The course is full: a new booking joins the waitlist and is confirmed when a place comes free."}</p>
    <form class="narrow" novalidate onSubmit=${(e) => { e.preventDefault(); book.submit(); }}>
      <${Problem} error=${book.error} />
      <${Field} label="Participant name" name="participant.name" required autocomplete="name"
        value=${form.name} onInput=${set("name")} error=${book.error} />
      <${Field} label="Participant email" name="participant.email" type="email" required autocomplete="email"
        value=${form.email} onInput=${set("email")} error=${book.error} />
      <${Field} label="Participant role" name="participant.role" hint="For example: class teacher, SENCO"
        value=${form.role} onInput=${set("role")} error=${book.error} />
      <button type="submit" disabled=${book.busy}>${book.busy ? "Booking…" : course.places_left > 0 ? "Book a place" : "Join the waitlist"}</button>
    </form>`}
  </section>`;
}

function Course({ id, me }) {
  const state = useLoad(() => get(`/courses/${encodeURIComponent(id)}`), [id]);
  const school = me.scope.role === SCHOOL_USER;
  const heading = state.data?.title || "Course";
  return html`<${Page} title=${heading} actions=${html`<a href=${href("/courses")}>All courses</a>`}>
    <${Loaded} state=${state} what="Loading the course">${(course) => html`
      <${Facts} course=${course} school=${school} />
      ${course.description && html`<h2>About the course</h2><p class="prose">${course.description}</p>`}
      <h2>Sessions</h2>
      <p class="hint">${course.sessions.length} session${course.sessions.length === 1 ? "" : "s"} from ${day(course.starts_at)}; times are UK time.</p>
      <${Table} caption="Sessions of the course" columns=${SESSION_COLUMNS}
        rows=${course.sessions.map((s) => ({ ...s, id: s.index }))} />
      ${school && html`<${BookingForm} course=${course} me=${me} onBooked=${state.reload} />`}
    `}</${Loaded}>
  </${Page}>`;
}

export const routes = [
  { path: "/courses/:id", title: "Course", roles: [SCHOOL_USER, COORDINATOR, PLATFORM_ADMIN], view: Course },
];
