// The app's frame: signing in, the header and navigation of the caller's role,
// and each route's guard (a page outside the role is refused, whatever the URL).
import { useEffect, useState } from "preact/hooks";
import { get } from "./api.js";
import { html } from "./html.js";
import { ROLE_NAMES } from "./roles.js";
import { href, match, navigate, useLocation } from "./router.js";
import { ROUTES } from "./routes.js";
import { knowMe, onSessionChange, session, signOut } from "./session.js";
import { Loading, Page, Problem } from "./ui.js";
import { SignIn } from "./pages/sign_in.js";

function useSession() {
  const [state, setState] = useState(session());
  useEffect(() => onSessionChange(setState), []);
  return state;
}

function useUnread(where, signedIn) {
  const [unread, setUnread] = useState(null);
  useEffect(() => {
    if (!signedIn) return;
    get("/notifications", { limit: 1 }).then((feed) => setUnread(feed.unread ?? null), () => setUnread(null));
  }, [where.path, signedIn]);
  return unread;
}

const navigationOf = (role) => ROUTES.filter((r) => r.nav && r.roles.includes(role));

function Header({ me, unread, path }) {
  const role = me.scope.role;
  const links = navigationOf(role);
  return html`<header class="top">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main").focus(); }}>Skip to main content</a>
    <div class="bar">
      <a class="brand" href=${href("/")}>Alliance Network</a>
      <div class="who">
        <span>${me.user.name}</span> <span class="role">${ROLE_NAMES[role]}</span>
        <a class="bell" href=${href("/notifications")} aria-label=${`Notifications${unread ? `, ${unread} unread` : ""}`}>
          Notifications${unread ? html` <span class="badge" aria-hidden="true">${unread}</span>` : ""}
        </a>
        <button type="button" class="link" onClick=${() => { signOut("You have signed out."); navigate("/sign-in"); }}>Sign out</button>
      </div>
    </div>
    <nav aria-label="Main">
      <ul>${links.map((r) => html`<li><a href=${href(r.nav.to || r.path)}
        aria-current=${path === (r.nav.to || r.path) || path.startsWith(`${r.nav.to || r.path}/`) ? "page" : undefined}>${r.nav.label}</a></li>`)}</ul>
    </nav>
  </header>`;
}

function NotAllowed({ route }) {
  return html`<${Page} title="Not available to you">
    <p>The page “${route.title}” is for ${route.roles.map((r) => ROLE_NAMES[r]).join(", ").toLowerCase()} only.</p>
    <p><a href=${href("/")}>Go to your home page</a></p>
  </${Page}>`;
}

const NotFound = () => html`<${Page} title="Page not found">
  <p>There is no such page. <a href=${href("/")}>Go to your home page</a>.</p>
</${Page}>`;

export function App() {
  const current = useSession();
  const where = useLocation();
  const [meError, setMeError] = useState(null);
  const unread = useUnread(where, Boolean(current.me));

  useEffect(() => {
    setMeError(null);
    if (current.token && !current.me) get("/me").then(knowMe, (error) => error.status !== 401 && setMeError(error));
  }, [current.token]);

  if (!current.token) return html`<main id="main" tabindex="-1"><${SignIn} /></main>`;
  if (meError) return html`<main id="main" tabindex="-1"><${Problem} error=${meError} /></main>`;
  if (!current.me) return html`<main id="main" tabindex="-1"><${Loading} what="Signing in" /></main>`;

  // A path may have one view per role (a course is booked by a school, managed by its alliance).
  const role = current.me.scope.role;
  // The most specific paths first: /courses/new is not the course "new", even for a role it is not for.
  let matching = ROUTES.map((r) => [r, match(r.path, where.path)]).filter(([, p]) => p);
  const fewest = Math.min(...matching.map(([, p]) => Object.keys(p).length));
  matching = matching.filter(([, p]) => Object.keys(p).length === fewest);
  const [found, params] = matching.find(([r]) => r.roles.includes(role)) || matching[0] || [null, null];
  let body;
  if (!found) body = html`<${NotFound} />`;
  else if (!found.roles.includes(role)) body = html`<${NotAllowed} route=${found} />`;
  else body = html`<${found.view} ...${params} query=${where.params} me=${current.me} nav=${navigationOf(role)} />`;
  return html`<${Header} me=${current.me} unread=${unread} path=${where.path} />
    <main id="main" tabindex="-1">${body}</main>`;
}
