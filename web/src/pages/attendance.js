// Attendance per session: tick who came. A booking that attended every session is completed.
import { useState } from "preact/hooks";
import { post } from "../api.js";
import { html } from "../html.js";
import { when } from "../format.js";
import { Problem, Select, useSubmit } from "../ui.js";

export function Attendance({ course, bookings, changed }) {
  const placed = bookings.filter((b) => b.status === "confirmed" || b.status === "completed");
  const [session, setSession] = useState("0");
  const [ticked, setTicked] = useState(new Set());
  const toggle = (bookingId) => setTicked((now) => {
    const next = new Set(now);
    if (next.has(bookingId)) next.delete(bookingId); else next.add(bookingId);
    return next;
  });
  const save = useSubmit(async () => {
    const result = await post(`/courses/${course.id}/sessions/${session}/attendance`, { attended: [...ticked] });
    const names = (ids) => ids.map((b) => placed.find((p) => p.id === b)?.participant.name || b).join(", ");
    setTicked(new Set());
    return changed(result, `Attendance saved for session ${Number(session) + 1}: ${result.attended.length} attended.`
      + (result.completed.length ? ` Completed the course: ${names(result.completed)}.` : ""));
  });
  const sessions = course.sessions.map((s) => [String(s.index), `Session ${s.index + 1}: ${when(s.starts_at)}`]);
  return html`<section class="panel attendance" aria-labelledby="attendance-h">
    <h2 id="attendance-h">Attendance</h2>
    <p class="hint">Tick who attended a session and save. Attendance adds to what was saved before; a participant who
      has attended every session has completed the course.</p>
    ${placed.length === 0 ? html`<p class="empty">No confirmed places to record attendance for.</p>` : html`
    <form onSubmit=${(e) => { e.preventDefault(); save.submit(); }}>
      <${Problem} error=${save.error} />
      <${Select} label="Session" name="session" value=${session} onInput=${setSession} options=${sessions} />
      <fieldset>
        <legend>Who attended session ${Number(session) + 1}</legend>
        ${placed.map((b) => html`<div class="field inline" key=${b.id}>
          <input type="checkbox" id=${`attended-${b.id}`} checked=${ticked.has(b.id)} onChange=${() => toggle(b.id)} />
          <label for=${`attended-${b.id}`}>${b.participant.name} (${b.school_urn})${b.status === "completed" ? " — completed" : ""}</label>
        </div>`)}
      </fieldset>
      <button type="submit" disabled=${save.busy}>${save.busy ? "Saving…" : "Save attendance"}</button>
    </form>`}
  </section>`;
}
