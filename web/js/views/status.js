// The server's state: /system, /statistics, /healthz and /readyz.

import {getJSON, getText} from '../api.js';
import {h, clear, errorBox, formatBytes, announce} from '../dom.js';

export function statusView(root) {
  const body = h('div', {class: 'status'}, h('p', {class: 'muted'}, 'Loading…'));
  const refresh = h('button', {type: 'button', onclick: load}, 'Refresh');
  clear(root).append(h('h1', {}, 'Status'), h('p', {}, refresh), body);

  async function load() {
    const [system, statistics, health, ready] = await Promise.allSettled([
      getJSON('/system'), getJSON('/statistics'), getText('/healthz'), getText('/readyz'),
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
    clear(body).append(...sections);
    announce('Status loaded');
  }

  load();
  return () => {};
}
