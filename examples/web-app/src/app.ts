import { createApp, currentTask } from '@tq/core';
import { type RgbaImage, shrinkImage } from './shrink-image.js';

// memory:// runs everything in this one process. Point both URLs at Redis (with @tq/redis
// installed) and the same code runs across machines.
export const app = createApp({
  broker: process.env.TQ_BROKER_URL ?? 'memory://',
  backend: process.env.TQ_RESULT_BACKEND ?? 'memory://',
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A flaky email provider: the first attempt for each address times out. */
const attemptsByAddress = new Map<string, number>();
class ProviderTimeout extends Error {
  override name = 'ProviderTimeout';
}

export const sendWelcomeEmail = app.task(
  'emails.send_welcome',
  { queue: 'emails', retry: { max: 3, backoff: 'exponential', baseMs: 200, maxMs: 2000, jitter: false, on: [ProviderTimeout] } },
  async (to: string, name: string) => {
    await pause(150);
    const attempt = (attemptsByAddress.get(to) ?? 0) + 1;
    attemptsByAddress.set(to, attempt);
    if (attempt === 1) throw new ProviderTimeout(`SMTP provider timed out for ${to}`);
    return { messageId: `<${currentTask().id.slice(0, 8)}@mail.example>`, subject: `Welcome, ${name}!` };
  },
);

// CPU-bound: it runs in a worker thread (`pool: 'threads'`), so the worker's event loop keeps
// serving the emails and reports while thumbnails are computed on the other cores.
export const makeThumbnail = app.task(
  'images.thumbnail',
  { queue: 'images', pool: 'threads', timeLimitMs: 5000 },
  async (imageId: string, width: number) => {
    if (imageId.endsWith('.txt')) throw new TypeError(`${imageId} is not an image`);
    const thumbnail = await shrinkImage(uploadedPhoto(imageId), width, (done) => currentTask().progress({ imageId, width, done }));
    return { url: `https://cdn.example/${imageId}-${width}w.jpg`, width, height: thumbnail.height };
  },
);

/** Stands in for reading the upload from storage: a 12-megapixel photo, its pattern seeded by the id. */
function uploadedPhoto(imageId: string): RgbaImage {
  const width = 4000;
  const height = 3000;
  const seed = [...imageId].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0, offset = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      pixels[offset++] = (x + seed) & 255;
      pixels[offset++] = (y + seed) & 255;
      pixels[offset++] = (x ^ y) & 255;
      pixels[offset++] = 255;
    }
  }
  return { width, height, pixels };
}

export const salesForRegion = app.task('reports.sales_for_region', async (region: string) => {
  await pause(100 + region.length * 20);
  return { region, total: region.length * 1000 };
});

export const buildReport = app.task('reports.build', async (sections: { region: string; total: number }[]) => {
  const total = sections.reduce((sum, section) => sum + section.total, 0);
  return { regions: sections.length, total, bestRegion: [...sections].sort((a, b) => b.total - a.total)[0]?.region };
});

// Periodic: every second, each tick sent once however many schedulers run (`npx tq beat --app ./dist/app.js`).
export const refreshCache = app.task('cache.refresh', async () => ({ refreshedAt: new Date().toISOString() }));
app.schedule('cache.refresh', { everyMs: 1000 }, refreshCache.s());
