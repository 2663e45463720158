import { useState } from "preact/hooks";
import { post } from "../api.js";
import { html } from "../html.js";
import { navigate } from "../router.js";
import { signedIn, takeNotice, takeReturnTo } from "../session.js";
import { Field, Notice, Page, Problem, useSubmit } from "../ui.js";

export function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [notice] = useState(takeNotice);
  const action = useSubmit(async () => {
    const { access_token: token } = await post("/auth/token", { email, password });
    signedIn(token, null);  // the app asks /me who this is before it shows any page
    navigate(takeReturnTo() || "/");
  });
  return html`<${Page} title="Sign in to Alliance Network">
    ${notice && html`<${Notice} kind="info">${notice}</${Notice}>`}
    <form class="narrow" onSubmit=${(e) => { e.preventDefault(); action.submit(); }} novalidate>
      <${Problem} error=${action.error} />
      <${Field} label="Email address" name="email" type="email" autocomplete="username" required
        value=${email} onInput=${setEmail} error=${action.error} />
      <${Field} label="Password" name="password" type="password" autocomplete="current-password" required
        value=${password} onInput=${setPassword} error=${action.error} />
      <button type="submit" disabled=${action.busy}>${action.busy ? "Signing in…" : "Sign in"}</button>
    </form>
  </${Page}>`;
}
