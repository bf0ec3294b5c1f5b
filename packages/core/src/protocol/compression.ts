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

/**
 * Most bytes a compressed body may inflate to: 64 MiB, four times the default message limit. A
 * "decompression bomb" (a small body inflating to gigabytes) is refused while inflating, before it
 * is held in memory whole.
 */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/**
 * Undoes {@link compressBody}; accepts zlib and gzip streams (`unzip` detects which).
 *
 * @throws MessageDecodeError when the body is not such a stream, or inflates past `maxBytes`
 *   (default {@link MAX_INFLATED_BYTES}), naming both sizes.
 */
export function decompressBody(bytes: Uint8Array, compression: string, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  if (compression !== GZIP_COMPRESSION) {
    throw new MessageDecodeError(
      `Unsupported compression '${compression}': tq decompresses only ${GZIP_COMPRESSION} (Celery's compression='zlib' or 'gzip')`,
    );
  }
  try {
    return unzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MessageDecodeError(
        `Compressed body of ${bytes.byteLength} bytes inflates past the limit of ${maxBytes} bytes (a decompression bomb?); refused before inflating it whole`,
        { cause: error },
      );
    }
    throw new MessageDecodeError(`Body is not a valid ${GZIP_COMPRESSION} stream: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
