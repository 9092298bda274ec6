import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { encodePng } from './png.js';

/**
 * The app icons, drawn in code: a person (head and shoulders) with a check mark, the product's "user, done".
 * color.png: 192×192, white glyph on the accent colour. outline.png: 32×32, white glyph on transparent (Teams'
 * rule for outline icons). `node dist/manifest/teams/icons.js <folder>` writes both.
 */
export const ACCENT = { r: 0x2f, g: 0x55, b: 0x97 } as const;

/** Whether the point (x, y), in unit coordinates, is inside the glyph. */
function insideGlyph(x: number, y: number): boolean {
  const head = (x - 0.36) ** 2 + (y - 0.32) ** 2 <= 0.15 ** 2;
  // Shoulders: the upper half of an ellipse.
  const shoulders = y <= 0.84 && ((x - 0.36) / 0.3) ** 2 + ((y - 0.84) / 0.3) ** 2 <= 1;
  return head || shoulders || onCheckMark(x, y);
}

function distanceToSegment(x: number, y: number, [ax, ay, bx, by]: readonly number[]): number {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = [ax, ay, bx, by];
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

function onCheckMark(x: number, y: number): boolean {
  const strokes = [
    [0.72, 0.6, 0.8, 0.69],
    [0.8, 0.69, 0.96, 0.46],
  ];
  return strokes.some((stroke) => distanceToSegment(x, y, stroke) <= 0.045);
}

/** Glyph coverage of each pixel, 4×4 supersampled so edges are smooth. */
function coverage(size: number, margin: number): Float64Array {
  const result = new Float64Array(size * size);
  const samples = 4;
  for (let py = 0; py < size; py += 1)
    for (let px = 0; px < size; px += 1) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy += 1)
        for (let sx = 0; sx < samples; sx += 1) {
          const u = ((px + (sx + 0.5) / samples) / size - margin) / (1 - 2 * margin);
          const v = ((py + (sy + 0.5) / samples) / size - margin) / (1 - 2 * margin);
          if (insideGlyph(u, v)) hits += 1;
        }
      result[py * size + px] = hits / samples ** 2;
    }
  return result;
}

export function colorIcon(): Buffer {
  const size = 192;
  const cover = coverage(size, 0.12);
  const rgba = new Uint8Array(size * size * 4);
  cover.forEach((amount, index) => {
    rgba[index * 4] = Math.round(ACCENT.r + (255 - ACCENT.r) * amount);
    rgba[index * 4 + 1] = Math.round(ACCENT.g + (255 - ACCENT.g) * amount);
    rgba[index * 4 + 2] = Math.round(ACCENT.b + (255 - ACCENT.b) * amount);
    rgba[index * 4 + 3] = 255;
  });
  return encodePng(size, size, rgba);
}

export function outlineIcon(): Buffer {
  const size = 32;
  const cover = coverage(size, 0.02);
  const rgba = new Uint8Array(size * size * 4);
  cover.forEach((amount, index) => {
    rgba.fill(255, index * 4, index * 4 + 3);
    rgba[index * 4 + 3] = Math.round(255 * amount);
  });
  return encodePng(size, size, rgba);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const folder = process.argv[2] ?? '.';
  writeFileSync(`${folder}/color.png`, colorIcon());
  writeFileSync(`${folder}/outline.png`, outlineIcon());
}
