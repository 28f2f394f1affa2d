// The HTTP APIs the UI uses: DICOMweb (QIDO-RS, WADO-RS, STOW-RS) and Apus's REST routes.
// Every request carries the page's credentials (auth.js); a 401 is announced with an
// `apus:unauthorized` event, which leads to the login view.

import {parseMultipart, buildMultipart} from './multipart.js';
import {credentialHeaders} from './auth.js';

export const DICOMWEB = '/dicom-web';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function request(path, {accept, method = 'GET', body, headers = {}, signal} = {}) {
  const response = await fetch(path, {
    method,
    body,
    signal,
    headers: {...credentialHeaders(), ...(accept ? {Accept: accept} : {}), ...headers},
  });
  if (response.status === 401) window.dispatchEvent(new CustomEvent('apus:unauthorized'));
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).trim().slice(0, 300);
    throw new ApiError(response.status, `${method} ${path}: ${response.status} ${response.statusText}${detail ? ` — ${detail}` : ''}`);
  }
  return response;
}

export async function getJSON(path, options = {}) {
  const response = await request(path, {accept: 'application/json', ...options});
  // QIDO-RS answers 204 No Content when nothing matches.
  if (response.status === 204) return [];
  const body = await response.text();
  return body ? JSON.parse(body) : [];
}

export async function getText(path, options = {}) {
  return (await request(path, options)).text();
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

export const qido = {
  studies: (params, signal) => getJSON(`${DICOMWEB}/studies${query(params)}`, {signal}),
  series: (study, params = {}, signal) => getJSON(`${DICOMWEB}/studies/${enc(study)}/series${query(params)}`, {signal}),
  instances: (study, series, params = {}, signal) =>
    getJSON(`${DICOMWEB}/studies/${enc(study)}/series/${enc(series)}/instances${query(params)}`, {signal}),
};

export function instancePath(study, series, instance) {
  return `${DICOMWEB}/studies/${enc(study)}/series/${enc(series)}/instances/${enc(instance)}`;
}

export function seriesPath(study, series) {
  return `${DICOMWEB}/studies/${enc(study)}/series/${enc(series)}`;
}

export function studyPath(study) {
  return `${DICOMWEB}/studies/${enc(study)}`;
}

/** WADO-RS metadata of a study, series or instance path: an array of DICOM JSON data sets. */
export const metadata = (path, signal) => getJSON(`${path}/metadata`, {signal});

/**
 * One frame's pixel data, uncompressed (WADO-RS frames, application/octet-stream in
 * Explicit VR Little Endian, the standard's default): {bytes, transferSyntax}.
 */
export async function frame(study, series, instance, number, signal) {
  const response = await request(`${instancePath(study, series, instance)}/frames/${number}`, {
    accept: 'multipart/related; type="application/octet-stream"',
    signal,
  });
  const contentType = response.headers.get('Content-Type') ?? '';
  const parts = parseMultipart(await response.arrayBuffer(), contentType);
  if (parts.length === 0) throw new Error(`frame ${number}: the response has no part`);
  const partType = parts[0].headers['content-type'] ?? '';
  const syntax = /transfer-syntax=("?)([0-9.]+)\1/i.exec(partType)?.[2] ?? /transfer-syntax=("?)([0-9.]+)\1/i.exec(contentType)?.[2];
  return {bytes: parts[0].body, contentType: partType, transferSyntax: syntax ?? '1.2.840.10008.1.2.1'};
}

/**
 * A WADO-RS thumbnail of a study, series or instance path (PS3.18 10.4.1.1.4), rendered by the
 * server to fit `size`×`size` pixels: a JPEG Blob.
 */
export async function thumbnail(path, size, signal) {
  const response = await request(`${path}/thumbnail?viewport=${size},${size}`, {accept: 'image/jpeg', signal});
  return response.blob();
}

/** A WADO-RS retrieve, as the server sent it (a multipart of application/dicom parts). */
export async function retrieve(path, signal) {
  const response = await request(path, {accept: 'multipart/related; type="application/dicom"', signal});
  return {contentType: response.headers.get('Content-Type') ?? '', buffer: await response.arrayBuffer()};
}

/**
 * A link that downloads a study, series or instance as one ZIP archive (WADO-RS with the
 * `accept` query parameter of PS3.18 §8.3.3.1, since a link cannot send an Accept header):
 * the browser streams it to disk, nothing is held in the page.
 */
export function zipURL(path) {
  return `${path}?accept=${enc('application/zip')}`;
}

/**
 * Deletes a study from the archive (admin role): its REST id from `POST /tools/lookup`, then
 * `DELETE /studies/{id}`. Resolves to false when no such study exists any more.
 */
export async function deleteStudy(uid) {
  const found = await (await request('/tools/lookup', {method: 'POST', accept: 'application/json', body: uid})).json();
  const study = found.find((item) => item.Type === 'Study');
  if (!study) return false;
  await request(study.Path, {method: 'DELETE', accept: 'application/json'});
  return true;
}

/** A link that downloads several studies as one ZIP archive (`GET /tools/export-zip`). */
export function studiesZipURL(studies) {
  return `/tools/export-zip${query({study: studies})}`;
}

/**
 * A ZIP archive of DICOM files to `POST /tools/import-zip`; `onProgress(sentBytes, totalBytes)`
 * while uploading. Resolves to {status, body, text}: body is {files: [{name, status, reason}],
 * stored, duplicates, refused, skipped} when the archive was read, null when it was refused
 * as a whole (then `text` says why).
 */
export function importZip(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/tools/import-zip');
    for (const [name, value] of Object.entries(credentialHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', 'application/zip');
    xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded, event.total));
    xhr.addEventListener('load', () => {
      if (xhr.status === 401) window.dispatchEvent(new CustomEvent('apus:unauthorized'));
      let json = null;
      try {
        json = xhr.responseText && xhr.status < 400 ? JSON.parse(xhr.responseText) : null;
      } catch {
        json = null;
      }
      resolve({status: xhr.status, body: json, text: xhr.responseText});
    });
    xhr.addEventListener('error', () => reject(new Error('the upload failed: network error')));
    xhr.send(file);
  });
}

/**
 * STOW-RS of `files` in one request; `onProgress(sentBytes, totalBytes)` while uploading.
 * Resolves to {status, body}: the DICOM JSON response (null when there is none).
 */
export function stow(files, onProgress) {
  const {body, contentType} = buildMultipart(files, 'application/dicom');
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${DICOMWEB}/studies`);
    for (const [name, value] of Object.entries(credentialHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/dicom+json');
    xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded, event.total));
    xhr.addEventListener('load', () => {
      if (xhr.status === 401) window.dispatchEvent(new CustomEvent('apus:unauthorized'));
      let json = null;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        json = null;
      }
      resolve({status: xhr.status, body: json, text: xhr.responseText, warnings: xhr.getResponseHeader('Warning') ?? ''});
    });
    xhr.addEventListener('error', () => reject(new Error('the upload failed: network error')));
    xhr.send(body);
  });
}
