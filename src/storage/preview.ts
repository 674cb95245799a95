import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type Metadata, type OverlayOptions, type Sharp } from 'sharp';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { invalidParam } from '../validation/params.ts';

/**
 * Appwrite's file preview (GET /v1/storage/buckets/{bucketId}/files/{fileId}/preview): the query parameters with
 * Appwrite's names, ranges and defaults, and the rendering of a stored file with sharp.
 *
 * What bounds the work: sharp decodes and encodes on libuv's thread pool (4 jobs at once by default), not the
 * event loop. Sources over MAX_SOURCE_BYTES are not decoded, nor images (or requested sizes) over MAX_PIXELS; a
 * requested side is at most 4,000 px. So every raster is at most 40 MP before the border (≤ 100 px a side) and a
 * rotation (≤ 2× the area).
 */

const GRAVITIES = ['center', 'top-left', 'top', 'top-right', 'left', 'right', 'bottom-left', 'bottom', 'bottom-right'] as const;
export type Gravity = (typeof GRAVITIES)[number];

// Appwrite's storage outputs, in its order (heic is commented out there; here it is refused when unencodable).
const OUTPUTS = ['jpg', 'jpeg', 'gif', 'png', 'webp', 'heic', 'avif'] as const;
export type PreviewOutput = (typeof OUTPUTS)[number];

export interface PreviewOptions {
  width: number;
  height: number;
  gravity: Gravity;
  quality: number;
  borderWidth: number;
  borderColor: string;
  borderRadius: number;
  opacity: number;
  rotation: number;
  background: string;
  /** null: the source's format when it is an output format, else png. */
  output: PreviewOutput | null;
}

const MAX_SIDE = 4000;
const MAX_PIXELS = 40_000_000;
// Appwrite's default _APP_STORAGE_PREVIEW_LIMIT: larger images get a placeholder instead of being decoded.
const MAX_SOURCE_BYTES = 20_000_000;
const PLACEHOLDER_SIDE = 150;
const PLACEHOLDER_BACKGROUND = 'eceff1';
const PLACEHOLDER_INK = '546e7a';
const BORDER_COLOR = '000000';
// What transparent pixels become in formats without alpha (JPEG), when no background is asked for.
const OPAQUE_BACKGROUND = 'ffffff';
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

// The prebuilt libvips encodes HEIF with AV1 only; HEIC needs HEVC. Probed once, so parsing can refuse it up front.
const HEIC_ENCODABLE = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
  .heif({ compression: 'hevc' })
  .toBuffer()
  .then(
    () => true,
    () => false,
  );

/** Parses and validates the query parameters (Appwrite's names, ranges and defaults). */
export function parsePreviewOptions(query: URLSearchParams): PreviewOptions {
  const output = choiceParam(query, 'output', OUTPUTS, true);
  if (output === 'heic' && !HEIC_ENCODABLE) {
    const encodable = OUTPUTS.filter((format) => format !== 'heic').join(', ');
    throw invalidParam('output', `heic cannot be encoded by this server (no HEVC encoder); Value must be one of (${encodable})`);
  }
  return {
    width: integerParam(query, 'width', 0, MAX_SIDE, 0),
    height: integerParam(query, 'height', 0, MAX_SIDE, 0),
    // Appwrite's gravity whitelist is case-insensitive, its output whitelist strict.
    gravity: choiceParam(query, 'gravity', GRAVITIES, false) ?? 'center',
    quality: integerParam(query, 'quality', -1, 100, -1),
    borderWidth: integerParam(query, 'borderWidth', 0, 100, 0),
    borderColor: colorParam(query, 'borderColor'),
    borderRadius: integerParam(query, 'borderRadius', 0, MAX_SIDE, 0),
    opacity: floatParam(query, 'opacity', 0, 1, 1),
    rotation: integerParam(query, 'rotation', -360, 360, 0),
    background: colorParam(query, 'background'),
    output,
  };
}

/** The last value given for `name` (PHP keeps the last); empty counts as absent, as Utopia gives it the default. */
function rawParam(query: URLSearchParams, name: string): string | null {
  const value = query.getAll(name).at(-1);
  return value === undefined || value === '' ? null : value;
}

const GROUPED = new Intl.NumberFormat('en-US');
const rangeRule = (min: number, max: number) => `Value must be a valid range between ${GROUPED.format(min)} and ${GROUPED.format(max)}`;

// PHP's numeric strings (is_numeric): surrounding whitespace allowed; Utopia's integer Range also wants no fraction.
const PHP_INTEGER = /^[ \t\n\r\v\f]*[+-]?\d+[ \t\n\r\v\f]*$/;
const PHP_NUMBER = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

function integerParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  return numberParam(query, name, PHP_INTEGER, min, max, fallback);
}

function floatParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  return numberParam(query, name, PHP_NUMBER, min, max, fallback);
}

function numberParam(query: URLSearchParams, name: string, syntax: RegExp, min: number, max: number, fallback: number): number {
  const raw = rawParam(query, name);
  if (raw === null) return fallback;
  const value = syntax.test(raw) ? Number(raw) : NaN;
  // Utopia's Range describes every failure, malformed or out of range, by the range.
  if (!(value >= min && value <= max)) throw invalidParam(name, rangeRule(min, max));
  return value === 0 ? 0 : value; // not -0
}

const HEX_COLOR = /^([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;

/** A hex colour without '#', or '' when absent. */
function colorParam(query: URLSearchParams, name: string): string {
  const raw = rawParam(query, name);
  if (raw === null) return '';
  if (!HEX_COLOR.test(raw)) throw invalidParam(name, 'Value must be a valid Hex color code');
  return raw;
}

function choiceParam<T extends string>(query: URLSearchParams, name: string, choices: readonly T[], strict: boolean): T | null {
  const raw = rawParam(query, name);
  if (raw === null) return null;
  const found = choices.find((choice) => (strict ? choice === raw : choice === raw.toLowerCase()));
  if (found === undefined) throw invalidParam(name, `Value must be one of (${choices.join(', ')})`);
  return found;
}

/** What sharp's prebuilt binary decodes; anything else gets a placeholder, as Appwrite gives it a logo. */
const DECODABLE_TYPES = new Set([
  'image/jpeg',
  'image/jpg',
  'image/pjpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
  'image/svg+xml',
]);

/** A source ready for the effects: resized (images) or drawn at the requested size (placeholders). */
interface Source {
  image: Sharp;
  hasAlpha: boolean;
  /** The output when none is asked for. */
  format: PreviewOutput;
  /** Errors of its first pass mean the stored bytes are not a valid image. */
  stored: boolean;
}

/** Renders the preview of a stored file. */
export async function renderPreview(
  source: { path: string; mimeType: string; name: string },
  options: PreviewOptions,
): Promise<{ body: Buffer; contentType: string }> {
  const loaded = await loadSource(source, options);
  const output = options.output ?? loaded.format;
  const firstPass = <T>(work: Promise<T>) => (loaded.stored ? decoding(work) : work);
  const image = needsEffects(options, loaded.hasAlpha)
    ? pixels(await applyEffects(await firstPass(rasterize(loaded.image)), options, loaded.hasAlpha))
    : loaded.image;
  return { body: await firstPass(encode(image, output, options).toBuffer()), contentType: CONTENT_TYPES[output] };
}

async function loadSource(source: { path: string; mimeType: string; name: string }, options: PreviewOptions): Promise<Source> {
  const bytes = DECODABLE_TYPES.has(source.mimeType.toLowerCase()) ? await readBounded(source.path) : null;
  if (bytes === null) return placeholder(extname(source.name), options);

  // A buffer, never the path: librsvg then has no base URL, so an SVG cannot pull in other files. Every source is
  // read this way because sharp sniffs the content, whatever the declared type.
  const image = sharp(bytes, { limitInputPixels: MAX_PIXELS, autoOrient: true });
  const metadata = await decoding(image.metadata());
  // limitInputPixels refuses sources over MAX_PIXELS (metadata() already); a size following one side can be larger.
  const target = targetSize(metadata.autoOrient, options);
  if (target.width * target.height > MAX_PIXELS) throw resolutionExceeded();
  return { image: fit(image, options), hasAlpha: metadata.hasAlpha, format: outputOf(metadata), stored: true };
}

/** The file's bytes, or null when it is too large to preview. */
async function readBounded(path: string): Promise<Buffer | null> {
  const file = await open(path);
  try {
    return (await file.stat()).size > MAX_SOURCE_BYTES ? null : await file.readFile();
  } finally {
    await file.close();
  }
}

/** Sharp's errors reading stored bytes as Appwrite's: over the pixel limit, or not a (valid) image. */
async function decoding<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const { message } = error as Error;
    if (message.includes('exceeds pixel limit')) throw resolutionExceeded();
    throw new AppwriteError('storage_file_type_unsupported', `The file could not be read as an image: ${message}`);
  }
}

function resolutionExceeded(): AppwriteError {
  return new AppwriteError('storage_image_resolution_exceeded', `The image is larger than ${GROUPED.format(MAX_PIXELS)} pixels.`);
}

/** The size `fit` produces (one side given: the other keeps the aspect ratio, as sharp rounds it). */
function targetSize(size: { width: number; height: number }, { width, height }: PreviewOptions): { width: number; height: number } {
  if (width > 0 && height > 0) return { width, height };
  if (width > 0) return { width, height: Math.max(1, Math.round((size.height * width) / size.width)) };
  if (height > 0) return { width: Math.max(1, Math.round((size.width * height) / size.height)), height };
  return size;
}

const SHARP_GRAVITY: Record<Gravity, string> = {
  center: 'centre',
  'top-left': 'northwest',
  top: 'north',
  'top-right': 'northeast',
  left: 'west',
  right: 'east',
  'bottom-left': 'southwest',
  bottom: 'south',
  'bottom-right': 'southeast',
};

/** Both sides: cropped to fill them, anchored by gravity. One side: resized keeping the aspect ratio. */
function fit(image: Sharp, { width, height, gravity }: PreviewOptions): Sharp {
  if (width > 0 && height > 0) return image.resize(width, height, { fit: 'cover', position: SHARP_GRAVITY[gravity] });
  if (width > 0 || height > 0) return image.resize(width || null, height || null);
  return image;
}

/** The source's own format when it is an output format (AVIF is HEIF with AV1), else png. */
function outputOf(metadata: Metadata): PreviewOutput {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : 'png';
  return (['jpeg', 'png', 'webp', 'gif'] as const).find((format) => format === metadata.format) ?? 'png';
}

/** A neutral tile showing the file's extension, at the requested size (one side given: a square). */
function placeholder(extension: string, options: PreviewOptions): Source {
  const width = options.width || options.height || PLACEHOLDER_SIDE;
  const height = options.height || options.width || PLACEHOLDER_SIDE;
  // Printable characters only (XML forbids most control characters even escaped), short enough to fit the tile.
  const label = Array.from(extension.slice(1).toUpperCase().replace(/[^\p{L}\p{N}\p{P}\p{S}]/gu, '')).slice(0, 5).join('') || 'FILE';
  const fontSize = Math.max(1, Math.round(Math.min(width, height) * 0.2));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#${options.background || PLACEHOLDER_BACKGROUND}"/>` +
    `<text x="50%" y="50%" text-anchor="middle" dominant-baseline="central" font-family="sans-serif" font-weight="bold" ` +
    `font-size="${fontSize}" fill="#${PLACEHOLDER_INK}">${escapeXml(label)}</text></svg>`;
  return { image: sharp(Buffer.from(svg)), hasAlpha: false, format: 'png', stored: false };
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);

/** Decoded RGBA pixels between passes: sharp orders a pipeline's operations itself, Appwrite's order needs passes. */
interface Raster {
  data: Buffer;
  width: number;
  height: number;
}

async function rasterize(image: Sharp): Promise<Raster> {
  const { data, info } = await image.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function pixels(raster: Raster): Sharp {
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } });
}

const opacityApplies = (options: PreviewOptions, hasAlpha: boolean) => hasAlpha && options.opacity < 1;
const normalizedRotation = (rotation: number) => ((rotation % 360) + 360) % 360;

function needsEffects(options: PreviewOptions, hasAlpha: boolean): boolean {
  return (
    opacityApplies(options, hasAlpha) ||
    options.background !== '' ||
    options.borderWidth > 0 ||
    options.borderRadius > 0 ||
    normalizedRotation(options.rotation) !== 0
  );
}

/** Appwrite's order: opacity, background, border, border radius, rotation. */
async function applyEffects(raster: Raster, options: PreviewOptions, hasAlpha: boolean): Promise<Raster> {
  let result = raster;
  if (opacityApplies(options, hasAlpha)) result = await rasterize(pixels(result).linear([1, 1, 1, options.opacity], [0, 0, 0, 0]));
  if (options.background !== '') result = await rasterize(pixels(result).flatten({ background: `#${options.background}` }));
  if (options.borderWidth > 0 || options.borderRadius > 0) result = await rasterize(frame(result, options));
  const rotation = normalizedRotation(options.rotation);
  if (rotation !== 0) result = await rasterize(pixels(result).rotate(rotation, { background: TRANSPARENT }));
  return result;
}

/**
 * The border around the image (it grows by twice its width) and the rounded corners, as CSS draws them: the outer
 * corners have the radius, the border's inner ones the radius less the border width.
 */
function frame(raster: Raster, { borderWidth, borderColor, borderRadius }: PreviewOptions): Sharp {
  const width = raster.width + 2 * borderWidth;
  const height = raster.height + 2 * borderWidth;
  const svg = (shape: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shape}</svg>`);
  const layers: OverlayOptions[] = [];
  if (borderWidth > 0) {
    // A stroke is centred on its path: inset by half the width, it covers exactly the border band.
    const half = borderWidth / 2;
    const radius = Math.max(0, borderRadius - half);
    layers.push({
      input: svg(
        `<rect x="${half}" y="${half}" width="${width - borderWidth}" height="${height - borderWidth}" rx="${radius}" ` +
          `fill="none" stroke="#${borderColor || BORDER_COLOR}" stroke-width="${borderWidth}"/>`,
      ),
    });
  }
  if (borderRadius > 0) {
    layers.push({ input: svg(`<rect width="${width}" height="${height}" rx="${borderRadius}"/>`), blend: 'dest-in' });
  }
  return pixels(raster)
    .extend({ top: borderWidth, bottom: borderWidth, left: borderWidth, right: borderWidth, background: TRANSPARENT })
    .composite(layers);
}

const CONTENT_TYPES: Record<PreviewOutput, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  avif: 'image/avif',
};

/**
 * Quality -1 keeps the encoder's default; 0 is raised to the encoders' minimum of 1. It does not apply to PNG
 * (lossless) nor GIF (its loss is the palette).
 */
function encode(image: Sharp, output: PreviewOutput, { quality, background }: PreviewOptions): Sharp {
  const lossy = quality < 0 ? {} : { quality: Math.max(1, quality) };
  switch (output) {
    case 'jpg':
    case 'jpeg':
      return image.flatten({ background: `#${background || OPAQUE_BACKGROUND}` }).jpeg(lossy);
    case 'png':
      return image.png();
    case 'gif':
      // Palette search at the default effort takes over a minute on a noisy 4000x4000 image, at effort 1 about 6 s.
      return image.gif({ effort: 1 });
    case 'webp':
      return image.webp(lossy);
    case 'avif':
      // AV1 encoding at the default effort takes over a minute on a noisy 4000x4000 image, at effort 0 about 2 s.
      return image.avif({ ...lossy, effort: 0 });
    case 'heic':
      return image.heif({ compression: 'hevc', ...lossy });
  }
}
