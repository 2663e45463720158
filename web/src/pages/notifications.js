import { useState } from "preact/hooks";
import { get, post, put } from "../api.js";
import { when } from "../format.js";
import { html } from "../html.js";
import { EVERYONE } from "../roles.js";
import { href } from "../router.js";
import { Loaded, More, Notice, Page, Problem, useLoad, usePages, useSubmit } from "../ui.js";

// A notification's link names an API resource; the app has a page for most of them.
function appLink(link) {
  const found = /^\/api\/v1\/(courses|bookings|referrals)\/([^/?#]+)/.exec(link || "");
  return found ? href(`/${found[1]}/${found[2]}`) : null;
}

function Feed() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const pages = usePages("/notifications", { unread: unreadOnly ? "true" : undefined });
  const readAll = useSubmit(async () => { await post("/notifications/read-all"); pages.reload(); });
  const read = useSubmit(async (id) => { await post(`/notifications/${id}/read`); pages.reload(); });
  const unread = pages.extra?.unread ?? 0;
  return html`<${Page} title="Notifications" actions=${html`
      <a href=${href("/notifications/preferences")}>Email preferences</a>
      <button type="button" class="secondary" onClick=${() => readAll.submit()} disabled=${readAll.busy || !unread}>Mark all read</button>`}>
    <p class="summary" aria-live="polite"><strong>${unread}</strong> unread</p>
    <div class="field inline">
      <input id="unread-only" type="checkbox" checked=${unreadOnly} onChange=${(e) => setUnreadOnly(e.target.checked)} />
      <label for="unread-only">Only unread</label>
    </div>
    <${Problem} error=${readAll.error || read.error} />
    <ol class="feed">
      ${pages.items.map((n) => html`<li key=${n.id} class=${n.read_at ? "read" : "unread"}>
        <div class="feed-head">
          <strong>${n.title}</strong>
          <time datetime=${n.created_at}>${when(n.created_at)}</time>
        </div>
        <p>${n.body}</p>
        <div class="feed-actions">
          ${appLink(n.link) && html`<a href=${appLink(n.link)}>Open</a>`}
          ${!n.read_at && html`<button type="button" class="link" onClick=${() => read.submit(n.id)}>Mark read<span class="visually-hidden">: ${n.title}</span></button>`}
        </div>
      </li>`)}
    </ol>
    ${!pages.loading && !pages.items.length && html`<p class="empty">No notifications${unreadOnly ? " unread" : ""}.</p>`}
    <${More} pages=${pages} />
  </${Page}>`;
}

const CHOICES = [
  ["immediate", "As things happen", "News such as new courses is gathered over a few minutes into one email."],
  ["daily_digest", "One email a day", "A summary each morning of what happened the day before."],
  ["off", "No email", "Everything still appears in your notifications here."],
];

function Preferences() {
  const state = useLoad(() => get("/notification-preferences"));
  const [choice, setChoice] = useState(null);
  const save = useSubmit((email) => put("/notification-preferences", { email }));
  return html`<${Page} title="Email preferences">
    <${Loaded} state=${state} what="Loading your preferences">${(prefs) => {
      const current = choice ?? prefs.email;
      return html`<form class="narrow" onSubmit=${(e) => { e.preventDefault(); save.submit(current); }}>
        <${Problem} error=${save.error} />
        ${save.done && html`<${Notice}>Saved: ${CHOICES.find(([v]) => v === save.done.email)?.[1]}.</${Notice}>`}
        <fieldset>
          <legend>How should we email you?</legend>
          ${CHOICES.map(([value, text, hint]) => html`<div class="choice">
            <input type="radio" id=${`email-${value}`} name="email" value=${value} checked=${current === value}
              onChange=${() => setChoice(value)} aria-describedby=${`email-${value}-hint`} />
            <label for=${`email-${value}`}>${text}</label>
            <p class="hint" id=${`email-${value}-hint`}>${hint}</p>
          </div>`)}
        </fieldset>
        <button type="submit" disabled=${save.busy}>${save.busy ? "Saving…" : "Save"}</button>
      </form>`;
    }}</${Loaded}>
  </${Page}>`;
}

export const routes = [
  { path: "/notifications", title: "Notifications", roles: EVERYONE, view: Feed },
  { path: "/notifications/preferences", title: "Email preferences", roles: EVERYONE, view: Preferences },
];
