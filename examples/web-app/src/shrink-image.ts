/** An image in memory: `width × height` pixels, 4 bytes each (red, green, blue, alpha), row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

/**
 * Scales `source` down to `width` pixels wide (the height keeps the aspect ratio) by averaging each
 * box of source pixels that lands on one thumbnail pixel: every source pixel is read once, so a
 * photo costs real CPU time, which is why the thumbnail task runs in a thread pool.
 * `onProgress(percent)` is awaited after each quarter of the rows, so a task can report progress.
 */
export async function shrinkImage(source: RgbaImage, width: number, onProgress: (percent: number) => Promise<void>): Promise<RgbaImage> {
  if (!(Number.isInteger(width) && width > 0 && width <= source.width))
    throw new RangeError(`thumbnail width must be a whole number from 1 to ${source.width} (the photo's width), got ${width}`);
  const height = Math.max(1, Math.round((source.height * width) / source.width));
  const pixels = new Uint8ClampedArray(width * height * 4);
  const quarter = Math.ceil(height / 4);
  for (let y = 0; y < height; y++) {
    shrinkRow(source, width, height, y, pixels);
    if ((y + 1) % quarter === 0 || y + 1 === height) await onProgress(Math.round(((y + 1) / height) * 100));
  }
  return { width, height, pixels };
}

/** Thumbnail row `y`: each pixel is the mean of the source box it covers. */
function shrinkRow(source: RgbaImage, width: number, height: number, y: number, into: Uint8ClampedArray): void {
  const top = Math.floor((y * source.height) / height);
  const bottom = Math.max(top + 1, Math.floor(((y + 1) * source.height) / height));
  for (let x = 0; x < width; x++) {
    const left = Math.floor((x * source.width) / width);
    const right = Math.max(left + 1, Math.floor(((x + 1) * source.width) / width));
    let red = 0;
    let green = 0;
    let blue = 0;
    let alpha = 0;
    for (let row = top; row < bottom; row++) {
      let offset = (row * source.width + left) * 4;
      for (let column = left; column < right; column++, offset += 4) {
        red += source.pixels[offset] as number;
        green += source.pixels[offset + 1] as number;
        blue += source.pixels[offset + 2] as number;
        alpha += source.pixels[offset + 3] as number;
      }
    }
    const count = (bottom - top) * (right - left);
    into.set([red / count, green / count, blue / count, alpha / count], (y * width + x) * 4);
  }
}
