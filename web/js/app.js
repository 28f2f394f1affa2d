// The page: a hash router that shows one view at a time in <main>. A view is a function
// (root, params) that fills `root` and returns what to do when it is left. A login view
// registers here like the others; api.js raises `apus:unauthorized` when one is needed.

import {studiesView} from './views/studies.js';
import {studyView} from './views/study.js';
import {viewerView} from './views/viewer.js';
import {uploadView} from './views/upload.js';
import {statusView} from './views/status.js';
import {h, clear} from './dom.js';

const routes = [
  {pattern: /^\/studies$/, nav: 'studies', title: 'Studies', view: studiesView},
  {pattern: /^\/study\/([^/]+)$/, nav: 'studies', title: 'Study', view: studyView, names: ['study']},
  {pattern: /^\/viewer\/([^/]+)\/([^/]+)$/, nav: 'studies', title: 'Viewer', view: viewerView, names: ['study', 'series']},
  {pattern: /^\/upload$/, nav: 'upload', title: 'Upload', view: uploadView},
  {pattern: /^\/status$/, nav: 'status', title: 'Status', view: statusView},
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
    leave = candidate.view(main, params) ?? null;
    return;
  }
  clear(main).append(h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/studies'}, 'Go to the study list')));
}

window.addEventListener('hashchange', () => {
  route();
  document.getElementById('main')?.focus({preventScroll: true});
});
route();
