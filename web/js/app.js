// The page: a hash router that shows one view at a time in <main>. A view is a function
// (root, params) that fills `root` and returns what to do when it is left. Before the first
// view, the page learns who it acts as (finishing an OpenID Connect sign-in if the address
// holds the provider's answer); a 401 (`apus:unauthorized` from api.js) leads to the login view.

import {studiesView} from './views/studies.js';
import {studyView} from './views/study.js';
import {viewerView} from './views/viewer.js';
import {uploadView} from './views/upload.js';
import {statusView} from './views/status.js';
import {loginView} from './views/login.js';
import {finishOIDC, loginOptions, whoIs, adopt, signOut, session, authorization, may} from './auth.js';
import {h, clear, errorBox} from './dom.js';

const routes = [
  {pattern: /^\/studies$/, nav: 'studies', title: 'Studies', view: studiesView},
  {pattern: /^\/study\/([^/]+)$/, nav: 'studies', title: 'Study', view: studyView, names: ['study']},
  {pattern: /^\/viewer\/([^/]+)\/([^/]+)$/, nav: 'studies', title: 'Viewer', view: viewerView, names: ['study', 'series']},
  {pattern: /^\/upload$/, nav: 'upload', title: 'Upload', view: uploadView, needs: 'write'},
  {pattern: /^\/status$/, nav: 'status', title: 'Status', view: statusView},
  {pattern: /^\/login$/, nav: 'login', title: 'Sign in', view: loginView},
];

let leave = null;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/studies';
  const [path, search = ''] = hash.split('?');
  const main = document.getElementById('main');
  leave?.();
  leave = null;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params = {query: new URLSearchParams(search)};
    (candidate.names ?? []).forEach((name, index) => { params[name] = decodeURIComponent(match[index + 1]); });
    for (const link of document.querySelectorAll('[data-nav]')) {
      if (link.dataset.nav === candidate.nav) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${candidate.title} — Apus`;
    if (candidate.needs && !may(candidate.needs)) {
      clear(main).append(h('h1', {}, candidate.title),
        h('p', {}, `Your role (${session.role}) can't do this; it needs the ${candidate.needs} role.`));
      return;
    }
    leave = candidate.view(main, params) ?? null;
    return;
  }
  clear(main).append(h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/studies'}, 'Go to the study list')));
}

window.addEventListener('hashchange', () => {
  route();
  document.getElementById('main')?.focus({preventScroll: true});
});

function loginHash(next, message) {
  const target = next && !next.startsWith('#/login') ? next : '#/studies';
  return `#/login?next=${encodeURIComponent(target)}${message ? `&message=${encodeURIComponent(message)}` : ''}`;
}

/** The user and a sign-out button in the header, when the server asks for credentials. */
function showUser() {
  const box = document.getElementById('user');
  if (!box) return;
  clear(box);
  if (!session.required || !authorization()) return;
  box.append(h('span', {id: 'user-name'}, `${session.name} (${session.role})`),
    h('button', {type: 'button', class: 'secondary', id: 'sign-out', onclick: () => {
      signOut();
      adopt({Name: 'anonymous', Role: 'read', Method: 'none'}, true);
      showUser();
      location.hash = loginHash('#/studies');
    }}, 'Sign out'));
}

window.addEventListener('apus:unauthorized', () => {
  if (location.hash.startsWith('#/login')) return;
  const expired = authorization() !== null;
  signOut();
  showUser();
  location.hash = loginHash(location.hash, expired ? 'Your sign-in has ended; sign in again.' : null);
});
window.addEventListener('apus:signed-in', showUser);

async function start() {
  let failure = null;
  try {
    await finishOIDC();
  } catch (error) {
    failure = `The sign-in failed: ${error.message}`;
  }
  try {
    const options = await loginOptions();
    const me = await whoIs();
    if (me) {
      adopt(me, options.AuthenticationRequired);
    } else {
      adopt({Name: 'anonymous', Role: 'read', Method: 'none'}, true);
      if (!location.hash.startsWith('#/login')) history.replaceState(null, '', loginHash(location.hash, failure));
    }
  } catch (error) {
    clear(document.getElementById('main')).append(h('h1', {}, 'Apus'), errorBox(`The server can't be reached: ${error.message}`));
    return;
  }
  showUser();
  route();
}
start();
