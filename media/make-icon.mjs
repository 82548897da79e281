// Draws media/icon.png (128×128): a lens over three lines of configuration, the
// one under the lens lit up. Shapes are signed distance functions, sampled 4×4
// per pixel for smooth edges; the PNG is written with node:zlib, so no image
// library is needed. Run: node media/make-icon.mjs
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SAMPLES = 4;

const BACKGROUND_TOP = [0x1e, 0x3a, 0x5f];
const BACKGROUND_BOTTOM = [0x2c, 0x5f, 0x8f];
const LINE = [0xc9, 0xd8, 0xe8];
const LINE_LIT = [0xff, 0xff, 0xff];
const KEY = [0x7f, 0xc8, 0xf8];
const LENS = [0xf6, 0xad, 0x3c];

// Distances are in pixels; negative inside.
const roundedRect = (x, y, cx, cy, halfW, halfH, r) => {
  const qx = Math.abs(x - cx) - halfW + r;
  const qy = Math.abs(y - cy) - halfH + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const ring = (x, y, cx, cy, r, width) => Math.abs(circle(x, y, cx, cy, r)) - width / 2;
const capsule = (x, y, ax, ay, bx, by, r) => {
  const [px, py, dx, dy] = [x - ax, y - ay, bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - r;
};

const LENS_X = 78;
const LENS_Y = 62;
const LENS_R = 26;

/** The layers, bottom first: each gives a distance and a colour at a point. */
const layers = [
  { shape: (x, y) => roundedRect(x, y, 64, 64, 60, 60, 22), colour: (x, y) => mix(BACKGROUND_TOP, BACKGROUND_BOTTOM, y / SIZE) },
  // Three lines of a config file: a key, then a value.
  ...[38, 62, 86].flatMap((lineY) => [
    { shape: (x, y) => capsule(x, y, 24, lineY, 40, lineY, 5), colour: (x, y) => (insideLens(x, y) ? LINE_LIT : KEY) },
    { shape: (x, y) => capsule(x, y, 52, lineY, lineY === 62 ? 92 : 80, lineY, 5), colour: (x, y) => (insideLens(x, y) ? LINE_LIT : LINE) },
  ]),
  // The lens: a tinted glass, its rim and its handle.
  { shape: (x, y) => circle(x, y, LENS_X, LENS_Y, LENS_R), colour: () => [0xff, 0xff, 0xff], alpha: 0.16 },
  { shape: (x, y) => ring(x, y, LENS_X, LENS_Y, LENS_R, 8), colour: () => LENS },
  { shape: (x, y) => capsule(x, y, LENS_X + 21, LENS_Y + 21, 110, 104, 7), colour: () => LENS },
];

function insideLens(x, y) {
  return circle(x, y, LENS_X, LENS_Y, LENS_R - 4) < 0;
}

function mix(a, b, t) {
  return a.map((v, i) => v + (b[i] - v) * t);
}

/** Premultiplied RGBA of one pixel: every layer composited over the ones below, averaged over the samples. */
function pixel(px, py) {
  const sum = [0, 0, 0, 0];
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const x = px + (sx + 0.5) / SAMPLES;
      const y = py + (sy + 0.5) / SAMPLES;
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const layer of layers) {
        if (layer.shape(x, y) > 0) continue;
        const [cr, cg, cb] = layer.colour(x, y);
        const ca = layer.alpha ?? 1;
        [r, g, b, a] = [cr * ca + r * (1 - ca), cg * ca + g * (1 - ca), cb * ca + b * (1 - ca), ca + a * (1 - ca)];
      }
      sum[0] += r;
      sum[1] += g;
      sum[2] += b;
      sum[3] += a;
    }
  }
  const n = SAMPLES * SAMPLES;
  const alpha = sum[3] / n;
  if (alpha === 0) return [0, 0, 0, 0];
  return [sum[0] / n / alpha, sum[1] / n / alpha, sum[2] / n / alpha, alpha * 255].map((v) => Math.round(Math.min(255, Math.max(0, v))));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG: each scanline starts with filter type 0 (none). */
export function encodePng(width, height, rgbaAt) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) raw.set(rgbaAt(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');
  fs.writeFileSync(out, encodePng(SIZE, SIZE, pixel));
  console.log(`wrote ${out}`);
}
