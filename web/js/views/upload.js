// Upload: files and folders dropped or chosen, sent with STOW-RS in batches, with a result for
// each file from the response's ReferencedSOPSequence and FailedSOPSequence (PS3.18 §10.5).
// ZIP archives go whole to /tools/import-zip, which answers for each file inside them.

import {stow, importZip} from '../api.js';
import {Tag, values, text, number} from '../dicom-json.js';
import {h, clear, announce, formatBytes} from '../dom.js';
import {sopInstanceUID} from '../part10.js';

const BATCH_FILES = 50;
const BATCH_BYTES = 64 * 1024 * 1024;

/** PS3.18 Table 10.5.3-2 / PS3.4 status codes a STOW-RS response may carry, as words. */
export const REASONS = {
  0x0110: 'processing failure',
  0x0111: 'duplicate SOP instance',
  0x0112: 'no such object instance',
  0x0122: 'SOP class not supported',
  0x0124: 'not authorized',
  0xa700: 'out of resources',
  0xa770: 'out of resources: cannot store',
  0xa900: 'data set does not match the SOP class',
  0xb000: 'coercion of data elements',
  0xb006: 'elements discarded',
  0xb007: 'data set does not match the SOP class',
  0xc000: 'cannot understand',
  0xc122: 'transfer syntax not supported',
};

export function reason(code) {
  const hex = `0x${Number(code).toString(16).toUpperCase().padStart(4, '0')}`;
  return REASONS[code] ? `${REASONS[code]} (${hex})` : hex;
}

/**
 * Results by SOP Instance UID from a STOW-RS response body: {result, detail}. `warnings` are
 * the response's Warning header values (PS3.18 §8.3.5.1), where Apus says why each failed.
 */
export function stowResults(body, warnings = '') {
  const details = new Map();
  for (const match of warnings.matchAll(/"([0-9.]+): failure 0x[0-9A-Fa-f]+: ([^"]*)"/g)) details.set(match[1], match[2]);
  const response = Array.isArray(body) ? body[0] ?? {} : body ?? {};
  const results = new Map();
  for (const item of values(response, Tag.ReferencedSOPSequence)) {
    const warning = number(item, Tag.WarningReason);
    // Apus answers an instance it already holds (duplicate policy `keep`) with 0xB000: the
    // stored copy stays (README, STOW-RS).
    results.set(text(item, Tag.ReferencedSOPInstanceUID), warning === undefined
      ? {result: 'stored', detail: ''}
      : warning === 0xb000
        ? {result: 'duplicate', detail: `already in the archive, the stored copy was kept (${reason(warning)})`}
        : {result: 'stored', detail: `warning: ${reason(warning)}`});
  }
  for (const item of values(response, Tag.FailedSOPSequence)) {
    const failure = number(item, Tag.FailureReason);
    const uid = text(item, Tag.ReferencedSOPInstanceUID);
    const why = details.get(uid);
    results.set(uid, failure === 0x0111
      ? {result: 'duplicate', detail: 'already in the archive'}
      : {result: 'refused', detail: [failure === undefined ? 'no reason given' : reason(failure), why].filter(Boolean).join(': ')});
  }
  const warning = number(response, Tag.WarningReason);
  return {results, warning: warning === undefined ? '' : reason(warning)};
}

export function uploadView(root) {
  const input = h('input', {type: 'file', id: 'upload-files', multiple: true});
  const folder = h('input', {type: 'file', id: 'upload-folder', webkitdirectory: true, multiple: true});
  const progress = h('progress', {id: 'upload-progress', max: 1, value: 0, 'aria-label': 'Upload progress'});
  const progressText = h('span', {id: 'upload-progress-text'}, '');
  const summary = h('p', {id: 'upload-summary', role: 'status', 'aria-live': 'polite'});
  const tbody = h('tbody');
  const drop = h('div', {class: 'dropzone', id: 'upload-drop', tabindex: '0', role: 'button',
    'aria-label': 'Drop DICOM files or folders here, or press Enter to choose files'},
  h('p', {}, 'Drop DICOM files or folders here'),
  h('p', {class: 'muted'}, 'They are sent with STOW-RS to /dicom-web/studies; ZIP archives are unpacked by the server'));
  drop.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    send(await droppedFiles(event.dataTransfer));
  });
  input.addEventListener('change', () => send([...input.files]));
  folder.addEventListener('change', () => send([...folder.files]));

  clear(root).append(
    h('h1', {}, 'Upload'),
    drop,
    h('div', {class: 'upload-pickers'},
      h('div', {class: 'field'}, h('label', {for: 'upload-files'}, 'Choose files'), input),
      h('div', {class: 'field'}, h('label', {for: 'upload-folder'}, 'Choose a folder'), folder)),
    h('div', {class: 'progress'}, progress, ' ', progressText),
    summary,
    h('div', {class: 'table-wrap'}, h('table', {id: 'upload-results'},
      h('caption', {class: 'visually-hidden'}, 'Result of each file'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'File'), h('th', {scope: 'col', class: 'numeric'}, 'Size'),
        h('th', {scope: 'col'}, 'Result'), h('th', {scope: 'col'}, 'Detail'))),
      tbody)));

  let running = Promise.resolve();
  function send(files) {
    running = running.then(() => upload(files));
  }

  async function upload(files) {
    if (files.length === 0) return;
    const entries = files.map((file) => {
      const result = h('td', {class: 'result'}, 'waiting');
      const detail = h('td', {}, '');
      const row = h('tr', {dataset: {result: 'waiting'}},
        h('td', {class: 'file'}, file.webkitRelativePath || file.relativePath || file.name),
        h('td', {class: 'numeric'}, formatBytes(file.size)), result, detail);
      tbody.append(row);
      return {file, row, set(value, text = '') {
        row.dataset.result = value;
        result.textContent = value;
        detail.textContent = text;
      }};
    });
    const total = files.reduce((sum, file) => sum + file.size, 0);
    let done = 0;
    const counts = {stored: 0, duplicate: 0, refused: 0};
    const update = (sent) => {
      progress.max = Math.max(1, total);
      progress.value = Math.min(total, done + sent);
      progressText.textContent = `${formatBytes(done + sent)} of ${formatBytes(total)}`;
    };
    update(0);

    const ready = [];
    for (const entry of entries) {
      if (isZip(entry.file)) {
        await sendZip(entry, (sent) => update(sent), counts);
        done += entry.file.size;
        update(0);
        continue;
      }
      const uid = await sopInstanceUID(entry.file).catch(() => null);
      if (uid) {
        entry.uid = uid;
        ready.push(entry);
      } else {
        entry.set('refused', 'not a DICOM Part 10 file (no DICM prefix and file meta information)');
        counts.refused += 1;
        done += entry.file.size;
      }
    }
    for (const batch of batches(ready)) {
      for (const entry of batch) entry.set('sending');
      try {
        const response = await stow(batch.map((e) => e.file), (sent) => update(sent));
        const {results, warning} = stowResults(response.body, response.warnings);
        for (const entry of batch) {
          const outcome = results.get(entry.uid);
          if (outcome) {
            entry.set(outcome.result, outcome.detail || (warning && outcome.result === 'stored' ? `warning: ${warning}` : ''));
          } else {
            entry.set('refused', response.status >= 300
              ? `HTTP ${response.status}: ${(response.text || '').slice(0, 200)}`
              : 'the response does not mention this instance');
          }
          counts[entry.row.dataset.result] = (counts[entry.row.dataset.result] ?? 0) + 1;
        }
      } catch (error) {
        for (const entry of batch) {
          entry.set('refused', error.message);
          counts.refused += 1;
        }
      }
      done += batch.reduce((sum, e) => sum + e.file.size, 0);
      update(0);
    }
    const inside = counts.inArchives ? ` (${counts.inArchives} in ZIP archives)` : '';
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
    const text = `${files.length} file${files.length === 1 ? '' : 's'}${inside}: ${counts.stored} stored, ${counts.duplicate} duplicate, ${counts.refused} refused${skipped}`;
    summary.textContent = text;
    announce(text);
  }

  /** One ZIP archive: its row says how it went as a whole, a row follows for each file in it. */
  async function sendZip(entry, progressed, counts) {
    entry.row.classList.add('archive');
    entry.set('sending');
    let response;
    try {
      response = await importZip(entry.file, progressed);
    } catch (error) {
      entry.set('refused', error.message);
      counts.refused += 1;
      return;
    }
    if (!response.body) {
      entry.set('refused', `HTTP ${response.status}: ${(response.text || '').trim().slice(0, 300)}`);
      counts.refused += 1;
      return;
    }
    const {files, stored, duplicates, refused, skipped} = response.body;
    entry.set('archive', `${files.length} files: ${stored} stored, ${duplicates} duplicate, ${refused} refused, ${skipped} skipped`);
    let after = entry.row;
    for (const file of files) {
      const result = file.status === 'overwritten' ? 'stored' : file.status;
      const detail = file.status === 'duplicate'
        ? 'already in the archive, the stored copy was kept'
        : file.status === 'overwritten' ? 'replaced the stored copy' : file.reason ?? '';
      const row = h('tr', {dataset: {result, archive: entry.file.name}},
        h('td', {class: 'file'}, `${entry.file.name} › ${file.name}`), h('td', {class: 'numeric'}, ''),
        h('td', {class: 'result'}, result), h('td', {}, detail));
      after.after(row);
      after = row;
      counts[result] = (counts[result] ?? 0) + 1;
      counts.inArchives = (counts.inArchives ?? 0) + 1;
    }
  }

  return () => {};
}

function isZip(file) {
  return /\.zip$/i.test(file.name) || file.type === 'application/zip' || file.type === 'application/x-zip-compressed';
}

function batches(entries) {
  const out = [];
  let current = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length && (current.length >= BATCH_FILES || bytes + entry.file.size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.file.size;
  }
  if (current.length) out.push(current);
  return out;
}

/** The files of a drop, folders walked recursively (File System Entry API). */
async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length === 0) return [...dataTransfer.files];
  const files = [];
  async function walk(entry, path) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      file.relativePath = path + file.name;
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  }
  for (const entry of entries) await walk(entry, '');
  return files;
}
