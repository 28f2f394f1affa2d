// A study: patient and study details, its series with thumbnails, a series' instances, and
// the tags of an instance.

import {qido, metadata, instancePath, seriesPath, studyPath, retrieve, zipURL, thumbnail as thumbnailImage, ApiError} from '../api.js';
import {Tag, text, number, formatDate, formatTime} from '../dicom-json.js';
import {h, clear, announce, errorBox} from '../dom.js';
import {limited} from '../frames.js';
import {parseMultipart} from '../multipart.js';
import {tagTree} from './tags.js';

const THUMBNAIL = 128;

export function studyView(root, {study}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const details = h('section', {class: 'details', 'aria-labelledby': 'study-title'}, h('p', {class: 'muted'}, 'Loading…'));
  const seriesSection = h('section', {'aria-labelledby': 'series-title'},
    h('h2', {id: 'series-title'}, 'Series'), h('p', {class: 'muted'}, 'Loading…'));
  const instancesSection = h('section', {class: 'instances', 'aria-live': 'polite'});
  const tagsSection = h('section', {class: 'tags'});
  clear(root).append(
    h('p', {class: 'crumbs'}, h('a', {href: '#/studies'}, '← Studies')),
    details, seriesSection, instancesSection, tagsSection);

  (async () => {
    try {
      const [studies, series] = await Promise.all([
        qido.studies({StudyInstanceUID: study, includefield: 'all'}, signal),
        qido.series(study, {includefield: 'all'}, signal),
      ]);
      const found = studies[0];
      if (!found) {
        clear(details).append(errorBox(`No study ${study} in the archive.`));
        clear(seriesSection);
        return;
      }
      showDetails(found);
      showSeries(series);
    } catch (error) {
      if (error.name !== 'AbortError') clear(details).append(errorBox(`The study could not be loaded: ${error.message}`));
    }
  })();

  function showDetails(found) {
    const rows = [
      ['Patient', text(found, Tag.PatientName)],
      ['Patient ID', text(found, Tag.PatientID)],
      ['Birth date', formatDate(text(found, Tag.PatientBirthDate))],
      ['Sex', text(found, Tag.PatientSex)],
      ['Study date', `${formatDate(text(found, Tag.StudyDate))} ${formatTime(text(found, Tag.StudyTime))}`.trim()],
      ['Description', text(found, Tag.StudyDescription)],
      ['Accession', text(found, Tag.AccessionNumber)],
      ['Study ID', text(found, Tag.StudyID)],
      ['Referring physician', text(found, Tag.ReferringPhysicianName)],
      ['Modalities', (found?.[Tag.ModalitiesInStudy]?.Value ?? []).join(', ')],
      ['Study Instance UID', study],
    ].filter(([, value]) => value);
    clear(details).append(
      h('h1', {id: 'study-title'}, text(found, Tag.StudyDescription) || 'Study'),
      h('dl', {class: 'facts'}, rows.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
      h('p', {class: 'buttons'}, zipLink('Download ZIP', studyPath(study), 'Download the study as ZIP'), ' ',
        downloadButton('Download study', studyPath(study), `study-${study}.multipart`,
          'Download the study as multipart')));
    document.title = `${text(found, Tag.PatientName) || 'Study'} — Apus`;
  }

  function showSeries(series) {
    series.sort((a, b) => number(a, Tag.SeriesNumber, 0) - number(b, Tag.SeriesNumber, 0));
    const cards = series.map((s) => {
      const uid = text(s, Tag.SeriesInstanceUID);
      const label = `Series ${text(s, Tag.SeriesNumber)} ${text(s, Tag.SeriesDescription)}`.trim();
      const thumb = h('div', {class: 'thumb', role: 'img', 'aria-label': `Thumbnail of ${label}`},
        h('span', {class: 'muted'}, '…'));
      const card = h('li', {class: 'series-card', dataset: {series: uid}},
        thumb,
        h('div', {class: 'series-text'},
          h('strong', {}, label),
          h('span', {}, `${text(s, Tag.Modality)} · ${number(s, Tag.NumberOfSeriesRelatedInstances, 0)} instances`)),
        h('div', {class: 'buttons'},
          h('a', {class: 'button', href: `#/viewer/${encodeURIComponent(study)}/${encodeURIComponent(uid)}`,
            'aria-label': `View ${label}`}, 'View'),
          h('button', {type: 'button', class: 'secondary', 'aria-label': `Instances of ${label}`,
            onclick: () => showInstances(uid, label)}, 'Instances'),
          zipLink('ZIP', seriesPath(study, uid), `Download ${label} as ZIP`),
          downloadButton('Download', seriesPath(study, uid), `series-${uid}.multipart`, `Download ${label}`)));
      return {uid, thumb, card};
    });
    clear(seriesSection).append(h('h2', {id: 'series-title'}, `Series (${series.length})`),
      h('ul', {class: 'series-grid'}, cards.map((c) => c.card)));
    limited(cards.map((c) => () => thumbnail(c.uid, c.thumb)), 3);
  }

  // The server renders each series' thumbnail (its middle instance, by Instance Number); the
  // object URLs live as long as the page.
  const thumbnailURLs = [];
  signal.addEventListener('abort', () => thumbnailURLs.forEach((url) => URL.revokeObjectURL(url)));

  async function thumbnail(series, container) {
    try {
      const blob = await thumbnailImage(seriesPath(study, series), THUMBNAIL, signal);
      const url = URL.createObjectURL(blob);
      thumbnailURLs.push(url);
      const image = h('img', {src: url, alt: '', class: 'loaded'});
      await image.decode();
      clear(container).append(image);
      container.dataset.loaded = 'true';
    } catch (error) {
      if (error.name === 'AbortError') return;
      container.dataset.loaded = 'error';
      // 406: the server cannot render this series (compressed pixel data, no image); its reason
      // goes in the tooltip, the box says it briefly.
      const text = error instanceof ApiError && error.status === 406 ? 'No preview' : error.message;
      clear(container).append(h('span', {class: 'thumb-error', title: error.message}, text));
    }
  }

  async function showInstances(series, label) {
    clear(instancesSection).append(h('h2', {id: 'instances-title', tabindex: '-1'}, `Instances of ${label}`),
      h('p', {class: 'muted'}, 'Loading…'));
    instancesSection.querySelector('h2').focus();
    try {
      const instances = await qido.instances(study, series, {includefield: 'all'}, signal);
      instances.sort((a, b) => number(a, Tag.InstanceNumber, 0) - number(b, Tag.InstanceNumber, 0));
      const rows = instances.map((i) => {
        const uid = text(i, Tag.SOPInstanceUID);
        const n = text(i, Tag.InstanceNumber);
        return h('tr', {dataset: {instance: uid}},
          h('td', {class: 'numeric'}, n),
          h('td', {class: 'uid'}, uid),
          h('td', {class: 'buttons'},
            h('a', {class: 'button', href: `#/viewer/${encodeURIComponent(study)}/${encodeURIComponent(series)}?instance=${encodeURIComponent(uid)}`,
              'aria-label': `View instance ${n}`}, 'View'),
            h('button', {type: 'button', class: 'secondary', 'aria-label': `Tags of instance ${n}`,
              onclick: () => showTags(series, uid, n)}, 'Tags'),
            h('button', {type: 'button', class: 'secondary', 'aria-label': `Download instance ${n}`,
              onclick: (event) => downloadInstance(event.currentTarget, series, uid)}, 'Download')));
      });
      clear(instancesSection).append(h('h2', {id: 'instances-title', tabindex: '-1'}, `Instances of ${label} (${instances.length})`),
        h('div', {class: 'table-wrap'}, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {scope: 'col', class: 'numeric'}, 'Number'),
            h('th', {scope: 'col'}, 'SOP Instance UID'), h('th', {scope: 'col'}, h('span', {class: 'visually-hidden'}, 'Actions')))),
          h('tbody', {}, rows))));
    } catch (error) {
      if (error.name !== 'AbortError') instancesSection.append(errorBox(error.message));
    }
  }

  async function showTags(series, instance, n) {
    clear(tagsSection).append(h('h2', {id: 'tags-title', tabindex: '-1'}, `Tags of instance ${n}`), h('p', {class: 'muted'}, 'Loading…'));
    tagsSection.querySelector('h2').focus();
    try {
      const [meta] = await metadata(instancePath(study, series, instance), signal);
      tagsSection.lastChild.replaceWith(await tagTree(meta ?? {}));
    } catch (error) {
      if (error.name !== 'AbortError') tagsSection.lastChild.replaceWith(errorBox(error.message));
    }
  }

  async function downloadInstance(button, series, instance) {
    await busy(button, async () => {
      const {buffer, contentType} = await retrieve(instancePath(study, series, instance), signal);
      const [part] = parseMultipart(buffer, contentType);
      if (!part) throw new Error('the server sent no part');
      save(new Blob([part.body], {type: 'application/dicom'}), `${instance}.dcm`);
    });
  }

  // A plain link: the browser saves the server's stream as it comes (Content-Disposition
  // names the file), so a study of any size never passes through the page's memory.
  function zipLink(label, path, ariaLabel) {
    return h('a', {class: 'button secondary', href: zipURL(path), download: '', 'aria-label': ariaLabel}, label);
  }

  function downloadButton(label, path, filename, ariaLabel) {
    return h('button', {type: 'button', class: 'secondary', 'aria-label': ariaLabel ?? label, onclick: (event) =>
      busy(event.currentTarget, async () => {
        const {buffer, contentType} = await retrieve(path, signal);
        save(new Blob([buffer], {type: contentType}), filename);
      })}, label);
  }

  return () => controller.abort();
}

async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
    announce('Download ready');
  } catch (error) {
    if (error.name !== 'AbortError') {
      button.after(errorBox(`The download failed: ${error.message}`));
    }
  } finally {
    button.disabled = false;
  }
}

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', {href: url, download: filename});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
