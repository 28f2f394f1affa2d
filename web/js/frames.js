// Frames fetched with WADO-RS and decoded once; the viewer and the thumbnails share them.

import {frame, ApiError} from './api.js';
import {checkDisplayable, decodeFrame, UNCOMPRESSED, CompressedImageError} from './pixels.js';

const cache = new Map();
const LIMIT = 400;

/** The decoded frame `number` (1-based) of an instance whose image module is `image`. */
export function loadFrame(study, series, instance, number, image) {
  const key = `${instance}/${number}`;
  let promise = cache.get(key);
  if (promise) {
    // Most recently used last, so that the oldest leave first.
    cache.delete(key);
    cache.set(key, promise);
    return promise;
  }
  promise = (async () => {
    checkDisplayable(image);
    const {bytes, transferSyntax} = await frame(study, series, instance, number).catch((error) => {
      // 406: the server holds the frame in a syntax it can't send uncompressed.
      if (error instanceof ApiError && error.status === 406) {
        throw new CompressedImageError(image.transferSyntax || 'of the stored instance');
      }
      throw error;
    });
    if (!UNCOMPRESSED.has(transferSyntax)) throw new CompressedImageError(transferSyntax);
    return decodeFrame(bytes, image);
  })();
  promise.catch(() => cache.delete(key));
  cache.set(key, promise);
  while (cache.size > LIMIT) cache.delete(cache.keys().next().value);
  return promise;
}

/** Runs `tasks` (functions returning promises), at most `width` at a time. */
export async function limited(tasks, width) {
  const results = [];
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]().catch((error) => error);
    }
  }
  await Promise.all(Array.from({length: Math.min(width, tasks.length)}, worker));
  return results;
}
