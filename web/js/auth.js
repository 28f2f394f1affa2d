// Who the page acts as. The `Authorization` value lives in sessionStorage (gone with the tab)
// and in a SameSite=Strict cookie that the server honours for GET and HEAD only, so that
// links the page can't add a header to (ZIP downloads) carry it too. Sign-in through OpenID
// Connect is the authorization code flow with PKCE; the server trades the code for the token.

const KEY = 'apus.authorization';
const FLOW = 'apus.oidc';
const COOKIE = 'apus_authorization';
const ROLES = ['read', 'write', 'admin'];

export const session = {name: 'anonymous', role: 'admin', method: 'none', required: false};

export function authorization() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${COOKIE}=${encodeURIComponent(value)}; path=/; SameSite=Strict${secure}`;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  document.cookie = `${COOKIE}=; path=/; SameSite=Strict; max-age=0`;
}

/** The headers of every request the page sends: its credentials, and the mark of a script
 *  (the server then leaves Basic out of its challenge, so the browser opens no login dialog). */
export function credentialHeaders() {
  const value = authorization();
  return {'X-Requested-With': 'XMLHttpRequest', ...(value ? {Authorization: value} : {})};
}

export function basicAuthorization(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Whether the signed-in user's role includes `needed` (read < write < admin). */
export function may(needed) {
  return ROLES.indexOf(session.role) >= ROLES.indexOf(needed);
}

/** The server's ways in: {AuthenticationRequired, Basic, OIDC: {AuthorizationEndpoint, ClientID, Scope} | null}. */
export async function loginOptions() {
  const response = await fetch('/auth/config', {headers: {Accept: 'application/json'}});
  if (!response.ok) throw new Error(`GET /auth/config: ${response.status}`);
  return response.json();
}

/** Who the server takes the page for with `value` (or the stored credentials): {Name, Role, Method},
 *  null on a 401. */
export async function whoIs(value = authorization()) {
  const headers = {'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json', ...(value ? {Authorization: value} : {})};
  const response = await fetch('/auth/me', {headers});
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`GET /auth/me: ${response.status}`);
  return response.json();
}

export function adopt(me, required) {
  Object.assign(session, {name: me.Name, role: me.Role, method: me.Method, required});
  document.documentElement.dataset.role = me.Role;
}

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes) {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function redirectURI() {
  return `${location.origin}/ui/`;
}

/** Sends the browser to the provider; it comes back to /ui/?code=…&state=…. */
export async function startOIDC(oidc, next) {
  const verifier = randomText();
  // S256 needs crypto.subtle, which browsers offer on HTTPS and localhost only.
  const challenge = crypto.subtle
    ? base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
    : verifier;
  const flow = {state: randomText(16), nonce: randomText(16), verifier, next};
  sessionStorage.setItem(FLOW, JSON.stringify(flow));
  const url = new URL(oidc.AuthorizationEndpoint);
  const params = {
    response_type: 'code', client_id: oidc.ClientID, redirect_uri: redirectURI(), scope: oidc.Scope,
    state: flow.state, nonce: flow.nonce, code_challenge: challenge,
    code_challenge_method: crypto.subtle ? 'S256' : 'plain',
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  location.assign(url.toString());
}

/** The provider's answer in this page's address, if there is one: signs in, or throws why not.
 *  Returns the hash to go on to, null when the address holds no answer. */
export async function finishOIDC() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const flow = JSON.parse(sessionStorage.getItem(FLOW) ?? 'null');
  sessionStorage.removeItem(FLOW);
  history.replaceState(null, '', `/ui/${flow?.next ?? '#/studies'}`);
  if (params.has('error')) throw new Error(`the identity provider said ${params.get('error')}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}`);
  if (!flow || flow.state !== params.get('state')) throw new Error('this sign-in was not started here (its state does not match); try again');
  const response = await fetch('/auth/oidc/token', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest'},
    body: JSON.stringify({code: params.get('code'), codeVerifier: flow.verifier, redirectUri: redirectURI(), nonce: flow.nonce}),
  });
  if (!response.ok) throw new Error(`the sign-in was refused: ${(await response.text()).trim().slice(0, 300)}`);
  const answer = await response.json();
  signIn(`Bearer ${answer.Token}`);
  return flow.next ?? '#/studies';
}
