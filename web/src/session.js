// The signed-in user's token, kept for this browser tab's session, and who they are.
const TOKEN = "alliance.token";
const RETURN_TO = "alliance.returnTo";
const NOTICE = "alliance.notice";

let state = { token: sessionStorage.getItem(TOKEN), me: null };
const listeners = new Set();
let expiryTimer = null;

export function session() {
  return state;
}

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish() {
  for (const listener of listeners) listener(state);
}

function expiresAt(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.exp === "number" ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

function watchExpiry(token) {
  clearTimeout(expiryTimer);
  const at = expiresAt(token);
  if (at !== null) {
    expiryTimer = setTimeout(() => expire(), Math.max(0, at - Date.now()));
  }
}

export function signedIn(token, me) {
  sessionStorage.setItem(TOKEN, token);
  state = { token, me };
  watchExpiry(token);
  publish();
}

export function knowMe(me) {
  state = { ...state, me };
  if (state.token) watchExpiry(state.token);
  publish();
}

export function signOut(notice = "") {
  sessionStorage.removeItem(TOKEN);
  clearTimeout(expiryTimer);
  if (notice) sessionStorage.setItem(NOTICE, notice);
  state = { token: null, me: null };
  publish();
}

// The token ran out (or the gateway refused it): remember where the person was.
export function expire() {
  if (!state.token) return;
  const here = location.hash.slice(1);
  if (here && !here.startsWith("/sign-in")) sessionStorage.setItem(RETURN_TO, here);
  signOut("You were signed out because your session ended. Sign in again to carry on where you were.");
}

export function takeNotice() {
  const notice = sessionStorage.getItem(NOTICE) || "";
  sessionStorage.removeItem(NOTICE);
  return notice;
}

export function takeReturnTo() {
  const to = sessionStorage.getItem(RETURN_TO);
  sessionStorage.removeItem(RETURN_TO);
  return to && to.startsWith("/") ? to : null;
}

export const role = () => state.me?.scope?.role ?? null;
export const scope = () => state.me?.scope ?? {};
