// The server's state: /system, /statistics, /healthz and /readyz; the DICOM peers
// (/modalities, with a C-ECHO button each) and the recent changes (/changes).

import {getJSON, getText, request} from '../api.js';
import {h, clear, errorBox, formatBytes, announce} from '../dom.js';

const RECENT_CHANGES = 20;

export function statusView(root) {
  const body = h('div', {class: 'status'}, h('p', {class: 'muted'}, 'Loading…'));
  const refresh = h('button', {type: 'button', onclick: load}, 'Refresh');
  clear(root).append(h('h1', {}, 'Status'), h('p', {}, refresh), body);

  async function load() {
    const [system, statistics, health, ready, peers, changes] = await Promise.allSettled([
      getJSON('/system'), getJSON('/statistics'), getText('/healthz'), getText('/readyz'),
      getJSON('/modalities?expand'), recentChanges(),
    ]);
    const facts = (title, rows) => h('section', {class: 'card'}, h('h2', {}, title),
      h('dl', {class: 'facts'}, rows.map(([name, value]) => [h('dt', {}, name), h('dd', {}, String(value ?? ''))])));
    const sections = [];
    sections.push(facts('Health', [
      ['Liveness (/healthz)', health.status === 'fulfilled' ? health.value.trim() : `failing: ${health.reason.message}`],
      ['Readiness (/readyz)', ready.status === 'fulfilled' ? ready.value.trim() : `failing: ${ready.reason.message}`],
    ]));
    if (system.status === 'fulfilled') {
      const s = system.value;
      sections.push(facts('Server', [
        ['Name', s.Name], ['Version', s.Version], ['DICOM AE title', s.DicomAet], ['DICOM port', s.DicomPort],
        ['HTTP port', s.HttpPort], ['Index', s.DatabaseBackend], ['Storage', s.StorageBackend],
      ]));
    } else {
      sections.push(errorBox(`/system: ${system.reason.message}`));
    }
    if (statistics.status === 'fulfilled') {
      const s = statistics.value;
      sections.push(facts('Archive', [
        ['Patients', s.CountPatients], ['Studies', s.CountStudies], ['Series', s.CountSeries],
        ['Instances', s.CountInstances], ['Stored size', formatBytes(Number(s.TotalDiskSize))],
      ]));
    } else {
      sections.push(errorBox(`/statistics: ${statistics.reason.message}`));
    }
    sections.push(peers.status === 'fulfilled' ? peersCard(peers.value) : errorBox(`/modalities: ${peers.reason.message}`));
    sections.push(changes.status === 'fulfilled' ? changesCard(changes.value) : errorBox(`/changes: ${changes.reason.message}`));
    clear(body).append(...sections);
    announce('Status loaded');
  }

  load();
  return () => {};
}

/** The configured DICOM peers, each with a button that sends it a C-ECHO. */
function peersCard(peers) {
  const names = Object.keys(peers).sort();
  if (!names.length) {
    return h('section', {class: 'card peers'}, h('h2', {}, 'DICOM peers'),
      h('p', {class: 'muted'}, 'No DICOM peers are configured (the peers setting, APUS_PEERS).'));
  }
  const rows = names.map((name) => {
    const peer = peers[name];
    const result = h('td', {class: 'echo-result', 'aria-live': 'polite'}, '');
    const button = h('button', {type: 'button', class: 'echo needs-admin', 'data-peer': name}, 'Echo');
    button.addEventListener('click', async () => {
      button.disabled = true;
      result.textContent = 'Echoing…';
      result.className = 'echo-result';
      try {
        const response = await request(`/modalities/${encodeURIComponent(name)}/echo`, {method: 'POST', accept: 'application/json'});
        const answer = await response.json();
        result.textContent = answer.Status === '0000'
          ? `Success (${Math.round(answer.Milliseconds)} ms)` : `Status ${answer.Status}`;
        result.classList.add(answer.Status === '0000' ? 'ok' : 'failed');
      } catch (error) {
        result.textContent = `Failed: ${error.message}`;
        result.classList.add('failed');
      } finally {
        button.disabled = false;
        announce(`Echo ${name}: ${result.textContent}`);
      }
    });
    return h('tr', {'data-peer': name},
      h('td', {}, name), h('td', {}, peer.AET), h('td', {}, `${peer.Host}:${peer.Port}`), h('td', {}, button), result);
  });
  return h('section', {class: 'card peers'}, h('h2', {}, 'DICOM peers'),
    h('table', {class: 'peers-table'},
      h('thead', {}, h('tr', {}, ['Name', 'AE title', 'Address', '', 'Result'].map((title) => h('th', {scope: 'col'}, title)))),
      h('tbody', {}, rows)));
}

/** The latest changes, newest first: /changes?last gives where the feed ends. */
async function recentChanges() {
  const {Last: last} = await getJSON('/changes?last');
  if (!last) return [];
  const page = await getJSON(`/changes?since=${Math.max(0, last - RECENT_CHANGES)}&limit=${RECENT_CHANGES}`);
  return page.Changes.slice().reverse();
}

function changesCard(changes) {
  const card = h('section', {class: 'card changes'}, h('h2', {}, 'Recent changes'));
  if (!changes.length) {
    card.append(h('p', {class: 'muted'}, 'Nothing has been stored yet.'));
    return card;
  }
  const when = (date) => date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/, '$1-$2-$3 $4:$5:$6 UTC');
  card.append(h('ol', {class: 'change-list', reversed: true},
    changes.map((change) => h('li', {'data-seq': String(change.Seq)},
      h('span', {class: 'change-type'}, change.ChangeType), ' ',
      h('span', {class: 'muted'}, `${change.ResourceType} ${change.ID ?? ''}`), ' ',
      h('time', {}, when(change.Date))))));
  return card;
}
