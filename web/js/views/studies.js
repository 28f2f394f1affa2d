// The study list: QIDO-RS search as you type, sorting, paging with limit and offset, and a
// selection of studies (kept across pages) downloaded together as one ZIP archive, or deleted
// by an administrator.

import {qido, studiesZipURL, deleteStudy} from '../api.js';
import {Tag, text, number, formatDate, toDA} from '../dicom-json.js';
import {h, clear, debounce, announce, errorBox} from '../dom.js';

const INCLUDE = [
  Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.StudyDate, Tag.StudyTime, Tag.StudyDescription,
  Tag.AccessionNumber, Tag.ModalitiesInStudy, Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances,
];

const COLUMNS = [
  {key: 'name', label: 'Patient', value: (s) => text(s, Tag.PatientName)},
  {key: 'id', label: 'Patient ID', value: (s) => text(s, Tag.PatientID)},
  {key: 'date', label: 'Study date', value: (s) => text(s, Tag.StudyDate), show: formatDate},
  {key: 'description', label: 'Description', value: (s) => text(s, Tag.StudyDescription)},
  {key: 'accession', label: 'Accession', value: (s) => text(s, Tag.AccessionNumber)},
  {key: 'modalities', label: 'Modalities', value: (s) => (s?.[Tag.ModalitiesInStudy]?.Value ?? []).join(', ')},
  {key: 'series', label: 'Series', value: (s) => number(s, Tag.NumberOfStudyRelatedSeries, 0), numeric: true},
  {key: 'instances', label: 'Instances', value: (s) => number(s, Tag.NumberOfStudyRelatedInstances, 0), numeric: true},
];

// Kept across visits, so that coming back from a study shows the same list.
const state = {
  fields: {name: '', id: '', accession: '', from: '', to: '', modality: '', description: ''},
  limit: 25,
  offset: 0,
  sort: {key: 'date', descending: true},
  // Study Instance UID → patient name, for the selection's summary.
  selected: new Map(),
};

/** A value typed in a search box as a QIDO-RS matching key: prefix match unless it has wildcards. */
export function wildcard(value, {contains = false} = {}) {
  const trimmed = value.trim();
  if (!trimmed) return '';
  if (/[*?]/.test(trimmed)) return trimmed;
  return contains ? `*${trimmed}*` : `${trimmed}*`;
}

export function searchParameters(fields, limit, offset) {
  const from = toDA(fields.from);
  const to = toDA(fields.to);
  return {
    PatientName: wildcard(fields.name),
    PatientID: wildcard(fields.id),
    AccessionNumber: wildcard(fields.accession),
    StudyDate: from || to ? (from === to ? from : `${from}-${to}`) : '',
    ModalitiesInStudy: fields.modality,
    StudyDescription: wildcard(fields.description, {contains: true}),
    includefield: INCLUDE,
    limit: limit + 1, // one more than shown tells whether there is a next page
    offset,
  };
}

export function studiesView(root) {
  let controller = null;
  const results = h('div', {class: 'results', 'aria-live': 'polite', 'aria-busy': 'false'});

  function field(key, label, attributes = {}) {
    const id = `search-${key}`;
    const input = h('input', {id, name: key, value: state.fields[key], autocomplete: 'off', ...attributes});
    input.addEventListener('input', () => {
      state.fields[key] = input.value;
      state.offset = 0;
      scheduled();
    });
    return h('div', {class: 'field'}, h('label', {for: id}, label), input);
  }

  const modality = h('select', {id: 'search-modality', name: 'modality'},
    ['', 'CT', 'MR', 'CR', 'DX', 'US', 'NM', 'PT', 'XA', 'MG', 'OT', 'SC', 'RTPLAN', 'SR'].map((m) =>
      h('option', {value: m, selected: state.fields.modality === m}, m || 'Any')));
  modality.addEventListener('change', () => {
    state.fields.modality = modality.value;
    state.offset = 0;
    search();
  });

  const limit = h('select', {id: 'search-limit'}, [10, 25, 50, 100].map((n) =>
    h('option', {value: n, selected: state.limit === n}, String(n))));
  limit.addEventListener('change', () => {
    state.limit = Number(limit.value);
    state.offset = 0;
    search();
  });

  const form = h('form', {class: 'search', role: 'search', 'aria-label': 'Search studies', onsubmit: (event) => {
    event.preventDefault();
    search();
  }},
  field('name', 'Patient name', {type: 'search', placeholder: 'DOE^J'}),
  field('id', 'Patient ID', {type: 'search'}),
  field('accession', 'Accession number', {type: 'search'}),
  field('description', 'Description', {type: 'search'}),
  field('from', 'Study date from', {type: 'date'}),
  field('to', 'Study date to', {type: 'date'}),
  h('div', {class: 'field'}, h('label', {for: 'search-modality'}, 'Modality'), modality),
  h('div', {class: 'field'}, h('label', {for: 'search-limit'}, 'Per page'), limit),
  h('div', {class: 'field actions'},
    h('button', {type: 'submit'}, 'Search'),
    h('button', {type: 'button', class: 'secondary', onclick: () => {
      for (const key of Object.keys(state.fields)) state.fields[key] = '';
      for (const input of form.querySelectorAll('input')) input.value = '';
      modality.value = '';
      state.offset = 0;
      search();
    }}, 'Clear')));

  clear(root).append(h('h1', {}, 'Studies'), form, results);

  const scheduled = debounce(search, 300);

  async function search() {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    results.setAttribute('aria-busy', 'true');
    try {
      const studies = await qido.studies(searchParameters(state.fields, state.limit, state.offset), signal);
      if (signal.aborted) return;
      show(studies);
    } catch (error) {
      if (error.name === 'AbortError') return;
      clear(results).append(errorBox(`The search failed: ${error.message}`));
    } finally {
      if (!signal.aborted) results.setAttribute('aria-busy', 'false');
    }
  }

  const selectionText = h('span', {id: 'selection-count', role: 'status'});
  const selectionLink = h('a', {class: 'button', id: 'selection-zip', download: ''}, 'Download selected as ZIP');
  const selectionClear = h('button', {type: 'button', class: 'secondary', onclick: () => {
    state.selected.clear();
    for (const box of results.querySelectorAll('td.select input, th.select input')) box.checked = false;
    updateSelection();
  }}, 'Clear selection');
  const selectionDelete = h('button', {type: 'button', class: 'danger needs-admin', id: 'selection-delete',
    onclick: () => deleteSelected()}, 'Delete selected');
  const selectionErrors = h('div', {id: 'selection-errors'});
  const selection = h('div', {class: 'selection'}, selectionText, selectionLink, selectionClear, selectionDelete, selectionErrors);

  async function deleteSelected() {
    const uids = [...state.selected.keys()];
    if (!uids.length) return;
    const what = uids.length === 1 ? `the study of ${state.selected.get(uids[0]) || 'this patient'}` : `${uids.length} studies`;
    if (!window.confirm(`Delete ${what} from the archive? This can't be undone.`)) return;
    selectionDelete.disabled = true;
    clear(selectionErrors);
    const failures = [];
    for (const uid of uids) {
      try {
        await deleteStudy(uid);
        state.selected.delete(uid);
      } catch (error) {
        failures.push(`${state.selected.get(uid) || uid}: ${error.message}`);
      }
    }
    announce(`${uids.length - failures.length} of ${uids.length} deleted`);
    await search();
    selectionDelete.disabled = false;
    if (failures.length) selectionErrors.append(errorBox(`Not deleted — ${failures.join('; ')}`));
  }

  function updateSelection() {
    const count = state.selected.size;
    selectionText.textContent = count === 0 ? 'No study selected' : `${count} stud${count === 1 ? 'y' : 'ies'} selected`;
    if (count === 0) {
      selectionLink.removeAttribute('href');
      selectionLink.setAttribute('aria-disabled', 'true');
    } else {
      selectionLink.href = studiesZipURL([...state.selected.keys()]);
      selectionLink.removeAttribute('aria-disabled');
    }
    selectionClear.disabled = count === 0;
    selectionDelete.disabled = count === 0;
  }

  function selectBox(uid, name) {
    const box = h('input', {type: 'checkbox', checked: state.selected.has(uid), 'aria-label': `Select ${name || 'study'}`});
    box.addEventListener('change', () => {
      if (box.checked) state.selected.set(uid, name);
      else state.selected.delete(uid);
      updateSelection();
    });
    return box;
  }

  function show(studies) {
    const more = studies.length > state.limit;
    const page = studies.slice(0, state.limit);
    const column = COLUMNS.find((c) => c.key === state.sort.key) ?? COLUMNS[2];
    page.sort((a, b) => compare(column.value(a), column.value(b)) * (state.sort.descending ? -1 : 1));

    const first = page.length ? state.offset + 1 : 0;
    const summary = page.length ? `Studies ${first}–${state.offset + page.length}${more ? '' : ' (end)'}` : 'No study matches.';
    announce(summary);

    const header = h('tr', {}, COLUMNS.map((c) => {
      const active = c.key === state.sort.key;
      return h('th', {scope: 'col', 'aria-sort': active ? (state.sort.descending ? 'descending' : 'ascending') : 'none',
        class: c.numeric ? 'numeric' : ''},
      h('button', {type: 'button', class: 'sort', onclick: () => {
        state.sort = {key: c.key, descending: active ? !state.sort.descending : false};
        show(studies);
      }}, c.label, h('span', {'aria-hidden': 'true'}, active ? (state.sort.descending ? ' ▼' : ' ▲') : '')));
    }));
    const pageBoxes = [];
    const all = h('input', {type: 'checkbox', 'aria-label': 'Select every study of this page'});
    all.addEventListener('change', () => {
      for (const box of pageBoxes) {
        if (box.checked !== all.checked) {
          box.checked = all.checked;
          box.dispatchEvent(new Event('change'));
        }
      }
    });
    header.append(h('th', {scope: 'col', class: 'select'}, all));
    const rows = page.map((study) => {
      const uid = text(study, Tag.StudyInstanceUID);
      const box = selectBox(uid, text(study, Tag.PatientName));
      pageBoxes.push(box);
      return h('tr', {dataset: {study: uid}}, COLUMNS.map((c, index) => {
        const value = c.value(study);
        const shown = c.show ? c.show(value) : value;
        return h('td', {class: c.numeric ? 'numeric' : ''},
          index === 0 ? h('a', {href: `#/study/${encodeURIComponent(uid)}`}, shown || '(no name)') : shown);
      }), h('td', {class: 'select'}, box));
    });
    all.checked = pageBoxes.length > 0 && pageBoxes.every((box) => box.checked);
    const pager = h('nav', {class: 'pager', 'aria-label': 'Pages'},
      h('button', {type: 'button', disabled: state.offset === 0, onclick: () => {
        state.offset = Math.max(0, state.offset - state.limit);
        search();
      }}, '← Previous'),
      h('span', {class: 'summary'}, summary),
      h('button', {type: 'button', disabled: !more, onclick: () => {
        state.offset += state.limit;
        search();
      }}, 'Next →'));
    clear(results).append(
      h('div', {class: 'table-wrap'},
        h('table', {class: 'studies'},
          h('caption', {class: 'visually-hidden'}, 'Matching studies; activate a column header to sort this page'),
          h('thead', {}, header), h('tbody', {}, rows))),
      pager, selection);
    updateSelection();
  }

  search();
  return () => controller?.abort();
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, {sensitivity: 'base', numeric: true});
}
