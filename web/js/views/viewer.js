// The viewer: a series frame by frame in a canvas. Frames are raw WADO-RS frames decoded in
// the browser (pixels.js); the next ones are fetched ahead so that scrolling stays smooth.

import {metadata, seriesPath} from '../api.js';
import {Tag, text, number, formatDate} from '../dicom-json.js';
import {h, clear, errorBox} from '../dom.js';
import {loadFrame} from '../frames.js';
import {imageModule, defaultWindow, render, PRESETS, CompressedImageError} from '../pixels.js';

const PREFETCH_AHEAD = 8;
const PREFETCH_BEHIND = 2;

export function viewerView(root, {study, series, query}) {
  const controller = new AbortController();
  const state = {stack: [], index: 0, window: null, zoom: 1, pan: {x: 0, y: 0}, fit: true, tool: 'window', decoded: null};
  let disposed = false;

  const canvas = h('canvas', {id: 'viewer-canvas', 'aria-hidden': 'true'});
  const overlay = {
    patient: h('div', {class: 'corner top-left', id: 'overlay-patient'}),
    study: h('div', {class: 'corner top-right', id: 'overlay-study'}),
    instance: h('div', {class: 'corner bottom-left', id: 'overlay-instance'}),
    window: h('div', {class: 'corner bottom-right', id: 'overlay-window'}),
  };
  const message = h('div', {class: 'viewer-message', role: 'status', 'aria-live': 'polite'}, 'Loading the series…');
  const viewport = h('div', {class: 'viewport', tabindex: '0', role: 'application',
    'aria-label': 'Image viewer: mouse wheel or arrow keys change the image, drag to adjust window and level, + and − zoom, F fits',
    'aria-describedby': 'overlay-instance overlay-window'},
  canvas, Object.values(overlay), message);

  const slider = h('input', {type: 'range', id: 'viewer-slider', min: 1, max: 1, value: 1});
  slider.addEventListener('input', () => show(Number(slider.value) - 1));
  const preset = h('select', {id: 'viewer-preset'},
    h('option', {value: ''}, 'Instance default'),
    Object.keys(PRESETS).map((name) => h('option', {value: name}, name)));
  preset.addEventListener('change', () => {
    state.window = preset.value ? {...PRESETS[preset.value]} : null;
    draw();
  });
  const tools = h('fieldset', {class: 'tools'}, h('legend', {}, 'Mouse drag'),
    [['window', 'Window/level'], ['pan', 'Pan'], ['zoom', 'Zoom']].map(([value, label]) =>
      h('label', {}, h('input', {type: 'radio', name: 'viewer-tool', value, checked: value === state.tool,
        onchange: () => { state.tool = value; }}), ` ${label}`)));

  clear(root).append(
    h('h1', {class: 'visually-hidden'}, 'Viewer'),
    h('div', {class: 'viewer-bar'},
      h('a', {href: `#/study/${encodeURIComponent(study)}`}, '← Study'),
      tools,
      h('div', {class: 'field inline'}, h('label', {for: 'viewer-preset'}, 'Window preset'), preset),
      h('button', {type: 'button', onclick: () => { state.fit = true; draw(); }}, 'Fit'),
      h('button', {type: 'button', class: 'secondary', onclick: () => {
        state.window = null;
        preset.value = '';
        draw();
      }}, 'Reset W/L'),
      h('div', {class: 'field inline grow'}, h('label', {for: 'viewer-slider'}, 'Image'), slider)),
    viewport);
  root.classList.add('wide');

  viewport.addEventListener('wheel', (event) => {
    event.preventDefault();
    if (event.ctrlKey) zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1);
    else show(state.index + Math.sign(event.deltaY || event.deltaX));
  }, {passive: false});
  viewport.addEventListener('keydown', (event) => {
    const steps = {ArrowDown: 1, ArrowRight: 1, PageDown: 10, ArrowUp: -1, ArrowLeft: -1, PageUp: -10};
    if (event.key in steps) show(state.index + steps[event.key]);
    else if (event.key === 'Home') show(0);
    else if (event.key === 'End') show(state.stack.length - 1);
    else if (event.key === '+' || event.key === '=') zoomBy(1.25);
    else if (event.key === '-') zoomBy(0.8);
    else if (event.key === 'f' || event.key === 'F') { state.fit = true; draw(); }
    else return;
    event.preventDefault();
  });

  let drag = null;
  viewport.addEventListener('pointerdown', (event) => {
    viewport.focus();
    viewport.setPointerCapture(event.pointerId);
    const tool = event.button === 2 || event.shiftKey ? 'pan' : event.button === 1 || event.ctrlKey ? 'zoom' : state.tool;
    drag = {x: event.clientX, y: event.clientY, tool};
  });
  viewport.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    drag.x = event.clientX;
    drag.y = event.clientY;
    if (drag.tool === 'window' && state.decoded?.kind === 'mono') {
      const current = currentWindow();
      const range = Math.max(1, state.decoded.max - state.decoded.min);
      const k = Math.max(0.1, range / 500);
      state.window = {center: current.center + dy * k, width: Math.max(1, current.width + dx * k)};
      preset.value = '';
    } else if (drag.tool === 'pan') {
      state.fit = false;
      state.pan.x += dx;
      state.pan.y += dy;
    } else if (drag.tool === 'zoom') {
      zoomBy(Math.exp(-dy / 200));
      return;
    }
    draw();
  });
  const end = () => { drag = null; };
  viewport.addEventListener('pointerup', end);
  viewport.addEventListener('pointercancel', end);
  viewport.addEventListener('contextmenu', (event) => event.preventDefault());
  const resize = new ResizeObserver(() => draw());
  resize.observe(viewport);

  function zoomBy(factor) {
    if (state.fit) state.zoom = fitScale();
    state.fit = false;
    state.zoom = Math.min(40, Math.max(0.05, state.zoom * factor));
    draw();
  }

  function fitScale() {
    const item = state.stack[state.index];
    if (!item) return 1;
    return Math.min(viewport.clientWidth / item.image.columns, viewport.clientHeight / item.image.rows);
  }

  function currentWindow() {
    const item = state.stack[state.index];
    return state.window ?? (state.decoded ? defaultWindow(item.image, state.decoded) : {center: 0, width: 1});
  }

  (async () => {
    try {
      const instances = await metadata(seriesPath(study, series), controller.signal);
      instances.sort((a, b) => number(a, Tag.InstanceNumber, 0) - number(b, Tag.InstanceNumber, 0));
      for (const meta of instances) {
        const image = imageModule(meta);
        for (let frame = 1; frame <= Math.max(1, image.frames); frame++) {
          state.stack.push({meta, image, frame, uid: text(meta, Tag.SOPInstanceUID), number: text(meta, Tag.InstanceNumber)});
        }
      }
      if (state.stack.length === 0) throw new Error('the series has no instance');
      slider.max = String(state.stack.length);
      const first = state.stack[0].meta;
      overlay.patient.replaceChildren(text(first, Tag.PatientName), h('br'), text(first, Tag.PatientID));
      overlay.study.replaceChildren(formatDate(text(first, Tag.StudyDate)), h('br'),
        `Series ${text(first, Tag.SeriesNumber)} ${text(first, Tag.SeriesDescription)}`.trim());
      const wanted = state.stack.findIndex((item) => item.uid === query.get('instance'));
      show(Math.max(0, wanted));
    } catch (error) {
      if (error.name !== 'AbortError') message.replaceChildren(errorBox(`The series could not be loaded: ${error.message}`));
    }
  })();

  let shown = 0;
  async function show(index) {
    if (state.stack.length === 0) return;
    state.index = Math.min(state.stack.length - 1, Math.max(0, index));
    slider.value = String(state.index + 1);
    const item = state.stack[state.index];
    const multiframe = item.image.frames > 1 ? `, frame ${item.frame}` : '';
    overlay.instance.textContent = `Instance ${item.number}${multiframe} (${state.index + 1}/${state.stack.length})`;
    viewport.dataset.instanceNumber = item.number;
    const ticket = ++shown;
    try {
      const decoded = await loadFrame(study, series, item.uid, item.frame, item.image);
      if (ticket !== shown || disposed) return;
      state.decoded = decoded;
      message.hidden = true;
      message.replaceChildren();
      draw();
    } catch (error) {
      if (ticket !== shown || disposed) return;
      state.decoded = null;
      draw();
      message.hidden = false;
      const text = error instanceof CompressedImageError ? error.message : `This image can't be shown: ${error.message}`;
      message.replaceChildren(h('p', {class: 'error', role: 'alert'}, text));
    }
    prefetch(state.index);
  }

  async function prefetch(from) {
    const order = [];
    for (let i = 1; i <= PREFETCH_AHEAD; i++) order.push(from + i);
    for (let i = 1; i <= PREFETCH_BEHIND; i++) order.push(from - i);
    for (const index of order) {
      if (disposed || state.index !== from) return;
      const item = state.stack[index];
      if (item) await loadFrame(study, series, item.uid, item.frame, item.image).catch(() => null);
    }
  }

  const frameCanvas = document.createElement('canvas');
  function draw() {
    const width = Math.max(1, viewport.clientWidth);
    const height = Math.max(1, viewport.clientHeight);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const context = canvas.getContext('2d');
    context.fillStyle = '#000';
    context.fillRect(0, 0, width, height);
    const item = state.stack[state.index];
    if (!item || !state.decoded) return;
    const window = currentWindow();
    const {columns, rows} = item.image;
    frameCanvas.width = columns;
    frameCanvas.height = rows;
    const frameContext = frameCanvas.getContext('2d');
    frameContext.putImageData(render(state.decoded, item.image, window, frameContext.createImageData(columns, rows)), 0, 0);
    const scale = state.fit ? fitScale() : state.zoom;
    if (state.fit) {
      state.zoom = scale;
      state.pan = {x: 0, y: 0};
    }
    context.imageSmoothingEnabled = scale < 1;
    const x = (width - columns * scale) / 2 + state.pan.x;
    const y = (height - rows * scale) / 2 + state.pan.y;
    context.drawImage(frameCanvas, x, y, columns * scale, rows * scale);
    const wl = state.decoded.kind === 'mono' ? `W ${Math.round(window.width)} L ${Math.round(window.center)}` : 'RGB';
    overlay.window.textContent = `${wl} · ${Math.round(scale * 100)}%`;
    viewport.dataset.window = `${window.center},${window.width}`;
  }

  return () => {
    disposed = true;
    controller.abort();
    resize.disconnect();
    root.classList.remove('wide');
  };
}
