// All the tags of an instance (its WADO-RS metadata) as a tree: sequences fold, a filter
// keeps the rows whose tag, keyword or value contains the text, and opens what holds them.

import {h} from '../dom.js';
import {personName} from '../dicom-json.js';

let keywordsPromise = null;
function keywords() {
  keywordsPromise ??= import('../dictionary.js').then((module) => module.keywords);
  return keywordsPromise;
}

export async function tagTree(dataSet) {
  const names = await keywords();
  const filter = h('input', {type: 'search', id: 'tag-filter', placeholder: 'PatientName, 0010,0020, CT…', autocomplete: 'off'});
  const tree = h('ul', {class: 'tag-tree', role: 'tree', 'aria-label': 'Tags'}, items(dataSet, names, 0));
  filter.addEventListener('input', () => apply(tree, filter.value.trim().toLowerCase()));
  return h('div', {class: 'tag-view'},
    h('div', {class: 'field'}, h('label', {for: 'tag-filter'}, 'Filter tags'), filter),
    tree);
}

function items(dataSet, names, depth) {
  return Object.keys(dataSet).sort().map((tag) => {
    const element = dataSet[tag] ?? {};
    const label = `(${tag.slice(0, 4)},${tag.slice(4)})`;
    const keyword = names.get(tag.toUpperCase()) ?? (parseInt(tag.slice(0, 4), 16) % 2 ? 'private' : 'unknown');
    const head = [h('span', {class: 'tag'}, label), ' ', h('span', {class: 'keyword'}, keyword), ' ',
      h('span', {class: 'vr'}, element.vr ?? '')];
    if (element.vr === 'SQ') {
      const sequenceItems = element.Value ?? [];
      return h('li', {role: 'treeitem', 'aria-level': depth + 1, dataset: {text: `${label} ${keyword}`.toLowerCase()}},
        h('details', {},
          h('summary', {}, head, h('span', {class: 'value muted'}, ` ${sequenceItems.length} item${sequenceItems.length === 1 ? '' : 's'}`)),
          h('ul', {role: 'group'}, sequenceItems.map((item, index) =>
            h('li', {role: 'treeitem', 'aria-level': depth + 2, dataset: {text: `item ${index + 1}`}},
              h('details', {}, h('summary', {}, `Item ${index + 1}`),
                h('ul', {role: 'group'}, items(item ?? {}, names, depth + 2))))))));
    }
    const shown = show(element);
    return h('li', {role: 'treeitem', 'aria-level': depth + 1, dataset: {text: `${label} ${tag} ${keyword} ${shown}`.toLowerCase()}},
      head, ' ', h('span', {class: 'value'}, shown));
  });
}

function show(element) {
  if (element.BulkDataURI) return `bulk data: ${element.BulkDataURI}`;
  if (element.InlineBinary) return `${Math.floor(element.InlineBinary.length * 3 / 4)} bytes (inline binary)`;
  const values = element.Value ?? [];
  // Person names as encoded (DOE^JOHN), which is what people search tags for.
  const text = values.map((v) => (v && typeof v === 'object' ? v.Alphabetic ?? personName(v) : String(v))).join('\\');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Hides rows that neither match nor contain a match; opens sequences holding one. */
function apply(tree, needle) {
  function visit(li) {
    const own = !needle || li.dataset.text.includes(needle.replace(/[()]/g, ''))
      || li.dataset.text.replace(/[(),]/g, '').includes(needle.replace(/[(),]/g, ''));
    let inside = false;
    const details = li.querySelector(':scope > details');
    if (details) {
      for (const child of details.querySelectorAll(':scope > ul > li')) inside = visit(child) || inside;
      if (needle) details.open = inside;
    }
    const visible = own || inside;
    li.hidden = !visible;
    if (own && details && needle) {
      for (const child of details.querySelectorAll('li')) child.hidden = false;
    }
    return visible;
  }
  for (const li of tree.querySelectorAll(':scope > li')) visit(li);
}
