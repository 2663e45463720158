import { html } from "../html.js";
import { EVERYONE, ROLE_NAMES } from "../roles.js";
import { href } from "../router.js";
import { Page } from "../ui.js";

// Each role's starting point: its tasks, in the order of the navigation.
function Home({ me, nav }) {
  const role = me.scope.role;
  const tasks = nav.filter((r) => r.path !== "/");
  return html`<${Page} title=${`Welcome, ${me.user.name}`}>
    <p>You are signed in as ${ROLE_NAMES[role].toLowerCase()} (${me.user.email}).</p>
    <ul class="cards">
      ${tasks.map((r) => html`<li><a class="card" href=${href(r.nav.to || r.path)}>
        <strong>${r.nav.label}</strong><span>${r.nav.hint || r.title}</span></a></li>`)}
    </ul>
  </${Page}>`;
}

export const routes = [{ path: "/", title: "Home", roles: EVERYONE, view: Home }];
