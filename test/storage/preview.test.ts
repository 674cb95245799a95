import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePreviewOptions, renderPreview, type PreviewOptions } from '../../src/storage/preview.ts';
import { appwriteError } from '../validation/appwrite-error-matcher.ts';

let dir: string;

const RED = { r: 255, g: 0, b: 0, alpha: 1 };
const BLUE = { r: 0, g: 0, b: 255, alpha: 1 };
const solid = (width: number, height: number, background: typeof RED) => sharp({ create: { width, height, channels: 4, background } });

/** Writes the image and returns it as renderPreview's source. */
async function stored(name: string, mimeType: string, bytes: Buffer | Promise<Buffer>) {
  const path = join(dir, name);
  await writeFile(path, await bytes);
  return { path, mimeType, name };
}

type FileName =
  | 'photo' | 'noisy' | 'halves' | 'opaqueAlpha' | 'clear' | 'rotated' | 'animated' | 'drawing' | 'hostile'
  | 'tiff' | 'webp' | 'sliver' | 'huge' | 'hugeDrawing' | 'broken' | 'pdf' | 'text';
const files = {} as Record<FileName, { path: string; mimeType: string; name: string }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preview-test-'));
  const halves = solid(200, 100, RED).composite([{ input: await solid(100, 100, BLUE).png().toBuffer(), left: 100, top: 0 }]);
  const external = join(dir, 'secret.png');
  await writeFile(external, await solid(10, 10, { r: 0, g: 255, b: 0, alpha: 1 }).png().toBuffer());
  Object.assign(files, {
    photo: await stored('photo.jpg', 'image/jpeg', solid(200, 100, RED).jpeg().toBuffer()),
    noisy: await stored(
      'noisy.jpg',
      'image/jpeg',
      sharp({ create: { width: 200, height: 200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .jpeg({ quality: 100 })
        .toBuffer(),
    ),
    halves: await stored('halves.png', 'image/png', halves.png().toBuffer()),
    opaqueAlpha: await stored('opaque.png', 'image/png', solid(40, 40, RED).png().toBuffer()),
    clear: await stored('clear.png', 'image/png', solid(40, 40, { r: 0, g: 0, b: 0, alpha: 0 }).png().toBuffer()),
    // Stored 200x100 with EXIF orientation 6: displayed rotated, 100x200.
    rotated: await stored('rotated.jpg', 'image/jpeg', solid(200, 100, RED).jpeg().withMetadata({ orientation: 6 }).toBuffer()),
    animated: await stored(
      'animated.gif',
      'image/gif',
      sharp([await solid(30, 20, RED).png().toBuffer(), await solid(30, 20, BLUE).png().toBuffer()], { join: { animated: true } }).gif().toBuffer(),
    ),
    drawing: await stored(
      'drawing.svg',
      'image/svg+xml',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" fill="#0000ff"/></svg>'),
    ),
    hostile: await stored(
      'hostile.svg',
      'image/svg+xml',
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">` +
          `<rect width="10" height="10" fill="#ff0000"/><image width="10" height="10" xlink:href="file://${external}"/></svg>`,
      ),
    ),
    tiff: await stored('scan.tiff', 'image/tiff', solid(20, 10, RED).tiff().toBuffer()),
    webp: await stored('pic.webp', 'image/webp', solid(20, 10, RED).webp().toBuffer()),
    sliver: await stored('sliver.png', 'image/png', solid(2, 200, RED).png().toBuffer()),
    // Just over the 40-megapixel bound; uniform, so it compresses to ~150 kB.
    hugeDrawing: await stored('huge.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10000" height="10000"/>')),
    huge: await stored('huge.png', 'image/png', sharp({ create: { width: 8000, height: 5001, channels: 3, background: '#ffffff' } }).png().toBuffer()),
    broken: await stored('broken.png', 'image/png', Buffer.from('not an image at all')),
    pdf: await stored('report.pdf', 'application/pdf', Buffer.from('%PDF-1.7\n')),
    text: await stored('notes.txt', 'text/plain', Buffer.from('hello')),
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (query: Record<string, string> = {}): PreviewOptions => parsePreviewOptions(new URLSearchParams(query));
const render = (file: keyof typeof files, query: Record<string, string> = {}) => renderPreview(files[file], options(query));

/** The RGBA value of one pixel of encoded image bytes. */
async function pixel(body: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(body).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * 4;
  return [...data.subarray(at, at + 4)];
}

/** Within a JPEG's tolerance of `expected` (chroma subsampling bleeds neighbouring colours a little). */
function near(actual: number[], expected: number[]): void {
  expect(actual.every((channel, i) => Math.abs(channel - (expected[i] ?? 0)) <= 32), `${actual} ≈ ${expected}`).toBe(true);
}

describe('parsePreviewOptions', () => {
  it("has Appwrite's defaults", () => {
    expect(options()).toEqual({
      width: 0,
      height: 0,
      gravity: 'center',
      quality: -1,
      borderWidth: 0,
      borderColor: '',
      borderRadius: 0,
      opacity: 1,
      rotation: 0,
      background: '',
      output: null,
    });
  });

  it('reads every parameter', () => {
    const query = {
      width: '4000',
      height: '1',
      gravity: 'bottom-right',
      quality: '0',
      borderWidth: '100',
      borderColor: 'A0b',
      borderRadius: '4000',
      opacity: '0.25',
      rotation: '-360',
      background: '00ff00',
      output: 'webp',
    };
    expect(options(query)).toEqual({ ...query, width: 4000, height: 1, quality: 0, borderWidth: 100, borderRadius: 4000, opacity: 0.25, rotation: -360 });
  });

  it.each([
    ['width', ' 12 ', 12],
    ['width', '007', 7],
    ['rotation', '-0', 0],
    ['opacity', '.5', 0.5],
    ['opacity', '5e-1', 0.5],
    ['opacity', '0', 0],
    ['opacity', '1.', 1],
  ])('accepts PHP numeric strings: %s=%j', (name, value, expected) => {
    expect(options({ [name]: value })[name as keyof PreviewOptions]).toBe(expected);
  });

  it('takes the last of repeated values, and an empty one as absent', () => {
    expect(parsePreviewOptions(new URLSearchParams('width=10&width=20&height=&output=')).width).toBe(20);
    expect(parsePreviewOptions(new URLSearchParams('height=&output=&borderColor=')).height).toBe(0);
  });

  it('matches gravity case-insensitively, output exactly', () => {
    expect(options({ gravity: 'TOP-Left' }).gravity).toBe('top-left');
    expect(() => options({ output: 'PNG' })).toThrow(appwriteError('general_argument_invalid'));
  });

  const range = (min: string, max: string) => `Value must be a valid range between ${min} and ${max}`;
  const GRAVITY_RULE = 'Value must be one of (center, top-left, top, top-right, left, right, bottom-left, bottom, bottom-right)';
  const OUTPUT_RULE = 'Value must be one of (jpg, jpeg, gif, png, webp, heic, avif)';
  const HEX_RULE = 'Value must be a valid Hex color code';

  it.each([
    ...['-1', '4001', 'abc', '1.5', '1e3', '0x10', '10px', '99999999999999999999'].map((value) => ['width', value, range('0', '4,000')]),
    ...['-1', '4001', 'twelve'].map((value) => ['height', value, range('0', '4,000')]),
    ['gravity', 'middle', GRAVITY_RULE],
    ['gravity', 'north', GRAVITY_RULE],
    ...['-2', '101', '50.5'].map((value) => ['quality', value, range('-1', '100')]),
    ...['-1', '101'].map((value) => ['borderWidth', value, range('0', '100')]),
    ...['#ffffff', 'ggg', 'ffff', '12345', 'red', ' fff'].map((value) => ['borderColor', value, HEX_RULE]),
    ...['-1', '4001'].map((value) => ['borderRadius', value, range('0', '4,000')]),
    ...['1.1', '-0.1', 'half', '1e999', 'NaN', 'Infinity'].map((value) => ['opacity', value, range('0', '1')]),
    ...['361', '-361', '90.5'].map((value) => ['rotation', value, range('-360', '360')]),
    ...['#000000', 'blue', '00000g'].map((value) => ['background', value, HEX_RULE]),
    ...['bmp', 'tiff', 'svg', 'JPG'].map((value) => ['output', value, OUTPUT_RULE]),
  ])('refuses %s=%j', (name, value, rule) => {
    expect(() => options({ [name]: value })).toThrow(appwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${rule}`));
  });

  it("refuses heic, which sharp's prebuilt binary cannot encode (it has no HEVC encoder)", () => {
    expect(() => options({ output: 'heic' })).toThrow(
      appwriteError(
        'general_argument_invalid',
        'Invalid `output` param: heic cannot be encoded by this server (no HEVC encoder); Value must be one of (jpg, jpeg, gif, png, webp, avif)',
      ),
    );
  });
});

describe('renderPreview: size and format', () => {
  it('keeps the size and format by default', async () => {
    const jpeg = await render('photo');
    expect(jpeg.contentType).toBe('image/jpeg');
    expect(await sharp(jpeg.body).metadata()).toMatchObject({ format: 'jpeg', width: 200, height: 100 });

    const png = await render('halves');
    expect(png.contentType).toBe('image/png');
    expect(await sharp(png.body).metadata()).toMatchObject({ format: 'png', width: 200, height: 100 });

    const webp = await render('webp');
    expect(webp.contentType).toBe('image/webp');
    expect(await sharp(webp.body).metadata()).toMatchObject({ format: 'webp', width: 20, height: 10 });
  });

  it('answers PNG for sources that are not an output format (TIFF, SVG)', async () => {
    const tiff = await render('tiff');
    expect(tiff.contentType).toBe('image/png');
    expect(await sharp(tiff.body).metadata()).toMatchObject({ format: 'png', width: 20, height: 10 });

    const svg = await render('drawing');
    expect(svg.contentType).toBe('image/png');
    expect(await sharp(svg.body).metadata()).toMatchObject({ format: 'png', width: 60, height: 30 });
    expect(await pixel(svg.body, 30, 15)).toEqual([0, 0, 255, 255]);
  });

  it('keeps the aspect ratio when one side is given', async () => {
    expect(await sharp((await render('photo', { width: '50' })).body).metadata()).toMatchObject({ width: 50, height: 25 });
    expect(await sharp((await render('photo', { height: '50' })).body).metadata()).toMatchObject({ width: 100, height: 50 });
    expect(await sharp((await render('photo', { width: '400' })).body).metadata()).toMatchObject({ width: 400, height: 200 });
  });

  it('crops to exactly both sides', async () => {
    expect(await sharp((await render('photo', { width: '80', height: '80' })).body).metadata()).toMatchObject({ width: 80, height: 80 });
    expect(await sharp((await render('photo', { width: '30', height: '90' })).body).metadata()).toMatchObject({ width: 30, height: 90 });
  });

  it('keeps the part of the image gravity anchors', async () => {
    // Left half red, right half blue; a 50x100 crop keeps 50 of the 200 columns.
    const at = async (gravity: string) => pixel((await render('halves', { width: '50', height: '100', gravity })).body, 25, 50);
    for (const gravity of ['left', 'top-left', 'bottom-left']) expect(await at(gravity)).toEqual([255, 0, 0, 255]);
    for (const gravity of ['right', 'top-right', 'bottom-right']) expect(await at(gravity)).toEqual([0, 0, 255, 255]);
    // Centred: columns 75..125, so the crop's left part is red and its right part blue.
    const centred = (await render('halves', { width: '50', height: '100' })).body;
    expect(await pixel(centred, 10, 50)).toEqual([255, 0, 0, 255]);
    expect(await pixel(centred, 40, 50)).toEqual([0, 0, 255, 255]);
  });

  it('orients by EXIF', async () => {
    expect(await sharp((await render('rotated')).body).metadata()).toMatchObject({ width: 100, height: 200 });
  });

  it('renders the first frame of an animated GIF', async () => {
    const { body, contentType } = await render('animated', { output: 'png' });
    expect(contentType).toBe('image/png');
    expect(await sharp(body).metadata()).toMatchObject({ width: 30, height: 20 });
    expect(await pixel(body, 15, 10)).toEqual([255, 0, 0, 255]);
  });

  it('lowers JPEG size with quality', async () => {
    const low = await render('noisy', { quality: '10' });
    const high = await render('noisy', { quality: '95' });
    expect(low.body.length).toBeLessThan(high.body.length / 2);
    expect(await sharp(low.body).metadata()).toMatchObject({ format: 'jpeg', width: 200, height: 200 });
  });

  const magic = (bytes: Buffer) => bytes.subarray(0, 12);
  it.each([
    ['jpg', 'image/jpeg', 'jpeg', (bytes: Buffer) => expect([...magic(bytes).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])],
    ['jpeg', 'image/jpeg', 'jpeg', (bytes: Buffer) => expect([...magic(bytes).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])],
    ['png', 'image/png', 'png', (bytes: Buffer) => expect([...magic(bytes).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['gif', 'image/gif', 'gif', (bytes: Buffer) => expect(magic(bytes).toString('latin1', 0, 6)).toBe('GIF89a')],
    ['webp', 'image/webp', 'webp', (bytes: Buffer) => expect(magic(bytes).toString('latin1', 0, 4) + magic(bytes).toString('latin1', 8, 12)).toBe('RIFFWEBP')],
    ['avif', 'image/avif', 'heif', (bytes: Buffer) => expect(magic(bytes).toString('latin1', 4, 12)).toBe('ftypavif')],
  ])('encodes output=%s as %s', async (output, contentType, format, checkMagic) => {
    const preview = await render('halves', { output, width: '40' });
    expect(preview.contentType).toBe(contentType);
    checkMagic(preview.body);
    expect(await sharp(preview.body).metadata()).toMatchObject({ format, width: 40, height: 20 });
  });
});

describe('renderPreview: effects', () => {
  it('rotates clockwise, swapping the sides at 90 degrees', async () => {
    const quarter = await render('halves', { rotation: '90' });
    expect(await sharp(quarter.body).metadata()).toMatchObject({ width: 100, height: 200 });
    // Clockwise: the left (red) half ends on top.
    expect(await pixel(quarter.body, 50, 20)).toEqual([255, 0, 0, 255]);
    expect(await pixel(quarter.body, 50, 180)).toEqual([0, 0, 255, 255]);

    expect(await sharp((await render('halves', { rotation: '-90' })).body).metadata()).toMatchObject({ width: 100, height: 200 });
    expect(await sharp((await render('halves', { rotation: '360' })).body).metadata()).toMatchObject({ width: 200, height: 100 });
  });

  it('widens the canvas for other angles, transparent in the corners', async () => {
    const { body } = await render('opaqueAlpha', { rotation: '45' });
    const { width, height } = await sharp(body).metadata();
    expect(width).toBeGreaterThanOrEqual(56);
    expect(height).toBe(width);
    expect((await pixel(body, 0, 0))[3]).toBe(0);
  });

  it('grows the image by twice the border width, in the border colour', async () => {
    const { body } = await render('halves', { borderWidth: '10', borderColor: '00ff00' });
    expect(await sharp(body).metadata()).toMatchObject({ width: 220, height: 120 });
    for (const [x, y] of [[0, 0], [5, 60], [219, 119], [110, 0], [110, 9]] as const) expect(await pixel(body, x, y)).toEqual([0, 255, 0, 255]);
    expect(await pixel(body, 10, 60)).toEqual([255, 0, 0, 255]);
    expect(await pixel(body, 209, 60)).toEqual([0, 0, 255, 255]);
  });

  it('draws a black border when no colour is given', async () => {
    const { body } = await render('halves', { borderWidth: '3' });
    expect(await pixel(body, 1, 1)).toEqual([0, 0, 0, 255]);
  });

  it('rounds the corners, transparent outside them in PNG', async () => {
    const { body } = await render('halves', { borderRadius: '30' });
    expect(await sharp(body).metadata()).toMatchObject({ width: 200, height: 100, hasAlpha: true });
    expect((await pixel(body, 0, 0))[3]).toBe(0);
    expect((await pixel(body, 199, 99))[3]).toBe(0);
    expect(await pixel(body, 30, 50)).toEqual([255, 0, 0, 255]);
    expect(await pixel(body, 100, 0)).toEqual([0, 0, 255, 255]);
  });

  it('rounds the border with the image', async () => {
    const { body } = await render('halves', { borderRadius: '30', borderWidth: '10', borderColor: '00ff00' });
    expect(await sharp(body).metadata()).toMatchObject({ width: 220, height: 120 });
    expect((await pixel(body, 0, 0))[3]).toBe(0);
    expect(await pixel(body, 110, 4)).toEqual([0, 255, 0, 255]);
    // The border's inner corner is rounded too: the image's own corner is under the border.
    expect(await pixel(body, 11, 11)).toEqual([0, 255, 0, 255]);
  });

  it('fills what is outside the rounded corners with the background (or white) in JPEG', async () => {
    near(await pixel((await render('halves', { borderRadius: '30', output: 'jpg', background: '00ff00' })).body, 0, 0), [0, 255, 0, 255]);
    near(await pixel((await render('halves', { borderRadius: '30', output: 'jpg' })).body, 0, 0), [255, 255, 255, 255]);
  });

  it('fills transparent areas with the background', async () => {
    const jpeg = await render('clear', { background: '0000ff', output: 'jpg' });
    expect(jpeg.contentType).toBe('image/jpeg');
    near(await pixel(jpeg.body, 20, 20), [0, 0, 255, 255]);
    expect(await pixel((await render('clear', { background: 'f00' })).body, 20, 20)).toEqual([255, 0, 0, 255]);
  });

  it('scales the alpha of images that have one by the opacity', async () => {
    const half = await render('opaqueAlpha', { opacity: '0.5' });
    const [r, g, b, alpha] = await pixel(half.body, 20, 20);
    expect([r, g, b]).toEqual([255, 0, 0]);
    expect(alpha).toBeGreaterThanOrEqual(127);
    expect(alpha).toBeLessThanOrEqual(128);
    expect((await pixel((await render('opaqueAlpha', { opacity: '0' })).body, 20, 20))[3]).toBe(0);
  });

  it('leaves images without alpha opaque whatever the opacity', async () => {
    const { body } = await render('photo', { opacity: '0.5', output: 'png' });
    expect(await sharp(body).metadata()).toMatchObject({ hasAlpha: false });
  });
});

describe('renderPreview: other files', () => {
  it.each(['pdf', 'text'] as const)('draws a placeholder for a %s file, 150x150 PNG by default', async (file) => {
    const { body, contentType } = await render(file);
    expect(contentType).toBe('image/png');
    expect(await sharp(body).metadata()).toMatchObject({ format: 'png', width: 150, height: 150 });
    expect(await pixel(body, 2, 2)).toEqual([0xec, 0xef, 0xf1, 255]);
    // The label: some pixels are the ink colour, not the tile's.
    const { channels } = await sharp(body).stats();
    expect(channels[0]?.min).toBeLessThan(0xa0);
  });

  it('draws the placeholder at the requested size and format', async () => {
    const jpeg = await render('pdf', { width: '300', height: '100', output: 'jpg' });
    expect(jpeg.contentType).toBe('image/jpeg');
    expect(await sharp(jpeg.body).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 100 });

    expect(await sharp((await render('pdf', { width: '64' })).body).metadata()).toMatchObject({ width: 64, height: 64 });
    const webp = await render('text', { height: '80', output: 'webp' });
    expect(webp.contentType).toBe('image/webp');
    expect(await sharp(webp.body).metadata()).toMatchObject({ format: 'webp', width: 80, height: 80 });
  });

  it('applies the effects to the placeholder too', async () => {
    const { body } = await render('pdf', { width: '100', height: '50', borderWidth: '5', borderColor: 'ff0000', background: '00ff00', rotation: '90' });
    expect(await sharp(body).metadata()).toMatchObject({ width: 60, height: 110 });
    expect(await pixel(body, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(await pixel(body, 10, 10)).toEqual([0, 255, 0, 255]);
  });

  it('escapes the extension it shows', async () => {
    const { body } = await renderPreview({ path: files.pdf.path, mimeType: 'application/octet-stream', name: `x.<&>"'\u0001` }, options());
    expect(await sharp(body).metadata()).toMatchObject({ width: 150, height: 150 });
  });

  it('does not let an SVG load other files', async () => {
    const { body } = await render('hostile');
    expect(await pixel(body, 5, 5)).toEqual([255, 0, 0, 255]);
  });
});

describe('renderPreview: refusals', () => {
  it('refuses images over 40 megapixels, SVGs by the size they declare', async () => {
    await expect(render('huge', { width: '100' })).rejects.toThrow(appwriteError('storage_image_resolution_exceeded'));
    await expect(render('hugeDrawing', { width: '100' })).rejects.toThrow(appwriteError('storage_image_resolution_exceeded'));
  });

  it('refuses a requested size over 40 megapixels (one side following a narrow aspect ratio)', async () => {
    expect(await sharp((await render('sliver', { width: '20' })).body).metadata()).toMatchObject({ width: 20, height: 2000 });
    await expect(render('sliver', { width: '4000' })).rejects.toThrow(appwriteError('storage_image_resolution_exceeded'));
  });

  it('refuses an image file sharp cannot decode', async () => {
    await expect(render('broken')).rejects.toThrow(appwriteError('storage_file_type_unsupported'));
  });
});
