// Sign-in when the server asks for credentials: a form for the users of its users file
// (HTTP Basic) and a button for its OpenID Connect provider, whichever it offers.

import {loginOptions, basicAuthorization, whoIs, signIn, adopt, startOIDC} from '../auth.js';
import {h, clear, errorBox, announce} from '../dom.js';

export function loginView(root, params) {
  const next = params.query.get('next') || '#/studies';
  const message = params.query.get('message');
  clear(root).append(h('h1', {}, 'Sign in'), h('p', {class: 'muted'}, 'Loading…'));
  let left = false;
  (async () => {
    let options;
    try {
      options = await loginOptions();
    } catch (error) {
      if (!left) clear(root).append(h('h1', {}, 'Sign in'), errorBox(`The server can't be reached: ${error.message}`));
      return;
    }
    if (left) return;
    const status = h('div', {id: 'login-status', 'aria-live': 'assertive'});
    const parts = [h('h1', {}, 'Sign in'), message ? errorBox(message) : null, status];
    if (options.Basic) parts.push(basicForm(status, next, options));
    if (options.OIDC) {
      parts.push(h('div', {class: 'login-oidc'},
        options.Basic ? h('p', {class: 'muted'}, 'or') : null,
        h('button', {type: 'button', id: 'login-oidc', onclick: () => startOIDC(options.OIDC, next)},
          `Sign in with ${new URL(options.OIDC.AuthorizationEndpoint).host}`)));
    }
    if (!options.Basic && !options.OIDC) parts.push(h('p', {}, 'This server asks for no credentials.'), h('a', {href: next}, 'Go on'));
    clear(root).append(...parts.filter(Boolean));
    root.querySelector('input')?.focus();
  })();
  return () => { left = true; };
}

function basicForm(status, next, options) {
  const user = h('input', {id: 'login-user', name: 'username', autocomplete: 'username', required: true});
  const password = h('input', {id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const submit = h('button', {type: 'submit', id: 'login-submit'}, 'Sign in');
  const form = h('form', {class: 'login', 'aria-label': 'Sign in with a user name and password', onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clear(status);
    try {
      const value = basicAuthorization(user.value, password.value);
      const me = await whoIs(value);
      if (!me) {
        status.append(errorBox('Wrong user name or password.'));
        password.value = '';
        password.focus();
        return;
      }
      signIn(value);
      adopt(me, options.AuthenticationRequired);
      announce(`Signed in as ${me.Name}`);
      window.dispatchEvent(new CustomEvent('apus:signed-in'));
      location.hash = next;
    } catch (error) {
      status.append(errorBox(`The sign-in failed: ${error.message}`));
    } finally {
      submit.disabled = false;
    }
  }},
  h('div', {class: 'field'}, h('label', {for: 'login-user'}, 'User name'), user),
  h('div', {class: 'field'}, h('label', {for: 'login-password'}, 'Password'), password),
  h('div', {class: 'field actions'}, submit));
  return form;
}
