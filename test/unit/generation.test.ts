/**
 * The generation settings a candidate is made with: the run's, else the model's (its manifest), with
 * guidance switched off for models trained without it and at least one UNet step whenever strength > 0
 * (diffusers runs int(steps·strength) of them), each correction said as a note.
 */
import { describe, expect, it } from 'vitest';
import { tiTokensByClass, withClassToken } from '../../src/pipeline/ti-classes.ts';
import { resolveGeneration, unetSteps } from '../../src/stages/img2img/generation.ts';

const TURBO = { steps: 1, guidance: 0, strength: 0.5, cfg: false };
const SD15 = { steps: 50, guidance: 7.5, strength: 0.5 };

describe('resolveGeneration', () => {
  it("takes the model's defaults where the run sets none", () => {
    expect(resolveGeneration({}, SD15)).toEqual({ steps: 50, guidance: 7.5, strength: 0.5, notes: [] });
    expect(resolveGeneration({ steps: 20, strength: 0.3 }, SD15)).toEqual({
      steps: 20,
      guidance: 7.5,
      strength: 0.3,
      notes: [],
    });
    // a manifest that names nothing: the paper's strength and guidance, diffusers' 50 steps
    expect(resolveGeneration({}, {})).toMatchObject({ steps: 50, guidance: 7.5, strength: 0.5 });
  });

  it('never runs zero UNet steps when strength > 0: steps are raised, with a note', () => {
    const g = resolveGeneration({}, TURBO, 'sd-turbo');
    expect(g).toMatchObject({ steps: 2, guidance: 0, strength: 0.5 });
    expect(unetSteps(g.steps, g.strength)).toBe(1);
    expect(g.notes).toEqual([expect.stringMatching(/^steps raised from 1 to 2: with strength 0\.5/)]);
    // every strength in (0, 1] at every small step count ends with ≥ 1 step, and the fewest such steps
    for (let s = 0.01; s <= 1; s += 0.01) {
      for (const steps of [1, 2, 3, 5]) {
        const r = resolveGeneration({ steps, strength: s }, {});
        expect(unetSteps(r.steps, s), `${steps} @ ${s}`).toBeGreaterThanOrEqual(1);
        if (unetSteps(steps, s) >= 1) expect(r.steps).toBe(steps);
        else expect(unetSteps(r.steps - 1, s)).toBe(0);
      }
    }
    // strength 0 means "no edit": nothing to raise
    expect(resolveGeneration({ strength: 0 }, TURBO)).toMatchObject({ steps: 1, notes: [] });
  });

  it('switches guidance off for a model trained without it, with a note only when the user asked', () => {
    expect(resolveGeneration({ steps: 2 }, TURBO).notes).toEqual([]);
    const g = resolveGeneration({ steps: 2, guidance: 7.5 }, TURBO, 'sd-turbo');
    expect(g.guidance).toBe(0);
    expect(g.notes).toEqual([
      'guidance 7.5 ignored: sd-turbo was trained without classifier-free guidance (it would double every UNet call)',
    ]);
    expect(resolveGeneration({ guidance: 3 }, SD15).guidance).toBe(3);
  });

  it('refuses settings no model can run', () => {
    expect(() => resolveGeneration({ strength: 1.5 }, SD15)).toThrow(/strength must be in \[0, 1\]/);
    expect(() => resolveGeneration({ steps: 0 }, SD15)).toThrow(/steps must be an integer >= 1/);
    expect(() => resolveGeneration({ guidance: -1 }, SD15)).toThrow(/guidance must be >= 0/);
  });
});

describe('textual-inversion tokens and classes', () => {
  const classes = ['ankle boot', 'T-shirt/top', 'cat'];
  it('match a token to its class whatever its case, spaces, _ or -', () => {
    const m = tiTokensByClass(
      [
        { token: '<Ankle_Boot>', file: 'a.safetensors' },
        { token: 'cat', file: 'b.json' },
      ],
      classes,
    );
    expect([...m]).toEqual([
      [0, '<Ankle_Boot>'],
      [2, 'cat'],
    ]);
  });

  it('refuse a token that names no class, or two tokens for one class, naming the file', () => {
    expect(() => tiTokensByClass([{ token: '<dog>', file: 'dog.safetensors' }], classes)).toThrow(
      /^dog\.safetensors: the textual-inversion token '<dog>' names no class/,
    );
    expect(() =>
      tiTokensByClass(
        [
          { token: '<cat>', file: 'x.json' },
          { token: '<CAT>', file: 'y.json' },
        ],
        classes,
      ),
    ).toThrow(/^y\.json: class 'cat' has two textual-inversion tokens/);
  });

  it('put the token where the prompt names the class, by the rules of r(k, y)', () => {
    expect(withClassToken('a photo of an ankle boot which is black', 'ankle boot', '<ankle_boot>')).toBe(
      'a photo of a <ankle_boot> which is black',
    );
    expect(withClassToken('A cat on a mat, cats', 'cat', '<cat>')).toBe('A <cat> on a mat, cats');
    expect(withClassToken('a photo of a cat', 'cat', undefined)).toBe('a photo of a cat');
  });
});
