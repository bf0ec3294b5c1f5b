import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressBody, GZIP_COMPRESSION } from '../../src/protocol/compression.js';

describe('decompressBody', () => {
  it('inflates a body within the limit', () => {
    const body = Buffer.from('[[1, 2], {}, {}]');
    expect(Buffer.from(decompressBody(deflateSync(body), GZIP_COMPRESSION)).toString()).toBe(body.toString());
  });

  it('refuses a decompression bomb while inflating, naming both sizes', () => {
    // 200 MB of zeros compresses to about 200 KB.
    const bomb = deflateSync(Buffer.alloc(200 * 1024 * 1024));
    const before = process.memoryUsage().arrayBuffers;
    expect(() => decompressBody(bomb, GZIP_COMPRESSION)).toThrow(
      new RegExp(`Compressed body of ${bomb.byteLength} bytes inflates past the limit of ${64 * 1024 * 1024} bytes`),
    );
    // Never held whole: far less than the 200 MB it would inflate to stays allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * 1024 * 1024);
  });
});
