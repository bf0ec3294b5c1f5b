import { deflateSync, unzipSync } from 'node:zlib';
import { MessageDecodeError } from '../errors/message-decode-error.js';

/** The `compression` header kombu writes for `compression='zlib'` (a zlib stream, despite the name). */
export const GZIP_COMPRESSION = 'application/x-gzip';

/** Compresses serialized body bytes for a `compression` header; only {@link GZIP_COMPRESSION}. */
export function compressBody(bytes: Uint8Array, compression: string): Uint8Array {
  if (compression !== GZIP_COMPRESSION) {
    throw new TypeError(`Unsupported compression '${compression}': tq compresses only with ${GZIP_COMPRESSION}`);
  }
  return deflateSync(bytes);
}

/** Undoes {@link compressBody}; accepts zlib and gzip streams (`unzip` detects which). */
export function decompressBody(bytes: Uint8Array, compression: string): Uint8Array {
  if (compression !== GZIP_COMPRESSION) {
    throw new MessageDecodeError(
      `Unsupported compression '${compression}': tq decompresses only ${GZIP_COMPRESSION} (Celery's compression='zlib' or 'gzip')`,
    );
  }
  try {
    return unzipSync(bytes);
  } catch (error) {
    throw new MessageDecodeError(`Body is not a valid ${GZIP_COMPRESSION} stream: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
