/**
 * The few protobuf wire-format primitives our ONNX graph edits need (no protobuf library in the app
 * bundle): list a message's fields with their byte ranges, read varints and strings, and build
 * length-delimited fields to splice back. Unknown fields are skipped by range, so an edit keeps every
 * byte it does not mean to change.
 */
import { ConfigError } from '../../core/errors.ts';

export interface Field {
  no: number;
  wire: number;
  /** Whole field (tag included) and, for length-delimited fields, the payload. */
  start: number;
  end: number;
  body: number;
}

export function varint(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (p >= b.length) throw new ConfigError('ONNX edit: the model file is truncated.');
    const x = b[p++];
    v += (x & 0x7f) * mul;
    if (x < 0x80) return [v, p];
    mul *= 128;
  }
}

export function putVarint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export function fields(b: Uint8Array, from = 0, to = b.length): Field[] {
  const out: Field[] = [];
  let p = from;
  while (p < to) {
    const start = p;
    let tag: number;
    [tag, p] = varint(b, p);
    const wire = tag & 7;
    let body = p;
    if (wire === 0) [, p] = varint(b, p);
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      let len: number;
      [len, body] = varint(b, p);
      p = body + len;
    } else throw new ConfigError(`ONNX edit: unsupported protobuf wire type ${wire}.`);
    out.push({ no: Math.floor(tag / 8), wire, start, end: p, body });
  }
  return out;
}

/** The fields inside a length-delimited field. */
export const inner = (b: Uint8Array, f: Field): Field[] => fields(b, f.body, f.end);

/** A length-delimited field's payload as UTF-8 text. */
export const text = (b: Uint8Array, f: Field): string => new TextDecoder().decode(b.subarray(f.body, f.end));

/** A packed repeated varint field's values. */
export function packedUints(b: Uint8Array, f: Field): number[] {
  const out: number[] = [];
  let p = f.body;
  while (p < f.end) {
    let v: number;
    [v, p] = varint(b, p);
    out.push(v);
  }
  return out;
}

/** A varint field's value. */
export const uint = (b: Uint8Array, f: Field): number => varint(b, f.body)[0];

export function lenField(no: number, payload: Uint8Array): Uint8Array {
  const head = [...putVarint(no * 8 + 2), ...putVarint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

export const strField = (no: number, s: string): Uint8Array => lenField(no, new TextEncoder().encode(s));

export const uintField = (no: number, v: number): Uint8Array =>
  Uint8Array.from([...putVarint(no * 8), ...putVarint(v)]);

export function splice(b: Uint8Array, start: number, end: number, mid: Uint8Array): Uint8Array {
  const out = new Uint8Array(start + mid.length + (b.length - end));
  out.set(b.subarray(0, start));
  out.set(mid, start);
  out.set(b.subarray(end), start + mid.length);
  return out;
}
