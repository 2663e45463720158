// Alliance staff and admins: their alliance's courses, drafts and cancelled ones included.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { money, when } from "../format.js";
import { ALLIANCE } from "../roles.js";
import { href } from "../router.js";
import { More, Page, Select, Status, Table, usePages } from "../ui.js";
import { CourseBookings } from "./course_bookings.js";
import { DraftCourse, EditCourse, programmeName } from "./course_form.js";

const STATUSES = [["all", "Every status"], ["draft", "Drafts"], ["published", "Published"], ["cancelled", "Cancelled"]];

function AllianceCourses({ me }) {
  const [status, setStatus] = useState("all");
  const pages = usePages("/courses", { status, alliance_id: me.scope.alliance_id });
  return html`<${Page} title="Courses" actions=${html`<a class="button" href=${href("/courses/new")}>Draft a course</a>`}>
    <p>Your alliance's courses: drafts are seen only by your alliance until you publish them.</p>
    <div class="filters">
      <${Select} label="Status" name="status" value=${status} onInput=${setStatus} options=${STATUSES} />
    </div>
    <${Table} caption="Your alliance's courses" empty="No courses with this status."
      rows=${pages.items} columns=${[
        ["Course", (c) => html`<a href=${href(`/courses/${c.id}`)}>${c.title}</a>`],
        ["Status", (c) => html`<${Status} value=${c.status} />`],
        ["Starts", (c) => when(c.starts_at)],
        ["Programme", (c) => programmeName(c.programme)],
        ["Sessions", (c) => c.sessions.length],
        ["Places", (c) => `${c.confirmed_count} of ${c.capacity} taken${c.waitlist_count ? `, ${c.waitlist_count} waiting` : ""}`],
        ["Price", (c) => `${money(c.price_member_pence)} members, ${money(c.price_non_member_pence)} others`],
      ]} />
    <${More} pages=${pages} />
  </${Page}>`;
}

export const routes = [
  { path: "/courses", title: "Courses", roles: ALLIANCE, view: AllianceCourses,
    nav: { label: "Courses", hint: "Draft, publish and run your alliance's courses" } },
  { path: "/courses/new", title: "Draft a course", roles: ALLIANCE, view: DraftCourse },
  { path: "/courses/:id/edit", title: "Edit a course", roles: ALLIANCE, view: EditCourse },
  { path: "/courses/:id", title: "Course", roles: ALLIANCE, view: CourseBookings },
];
