// Every published architecture at its FULL published stack (cells, channels, widths, auxiliary
// head as its preset says) and its published input size (224x224 for the ImageNet presets, 32x32
// for CIFAR): one training-mode forward and backward pass at batch 1. Every registered space's
// presets are taken from the registry, plus the unregistered 24-layer ENAS macro space's.
// Batch 1 at full size costs about 5 s for all presets on one thread, so no input is shrunk.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { F, manualSeed, randint, randn, setNumThreads, tidy, undisposedTensors, type Tensor } from '../../src/torch/index.js';
import { SPACES, type AnySearchSpace, type SpaceNetwork } from '../../src/spaces/index.js';
import { createEnasMacroSpace } from '../../src/spaces/enas/index.js';

setNumThreads(Number(process.env.NASFORGE_THREADS ?? 1));

type WithAux = SpaceNetwork & { forwardWithAux(x: Tensor): { logits: Tensor; aux: Tensor | null } };
const hasAux = (net: SpaceNetwork): net is WithAux => typeof (net as unknown as Partial<WithAux>).forwardWithAux === 'function';

/** Parameters whose gradient is missing or not finite after backward. */
function badGradients(net: SpaceNetwork): string[] {
  return [...net.namedParameters()].flatMap(([name, p]) => {
    const g = p.grad;
    if (g === null) return [`${name} (none)`];
    const finite = tidy(() => Number.isFinite(g.abs().sum().item())); // NaN and ±Inf survive a sum
    g.dispose();
    return finite ? [] : [`${name} (not finite)`];
  });
}

const spaces: AnySearchSpace[] = [...SPACES, createEnasMacroSpace({ layers: 24 }) as unknown as AnySearchSpace];

for (const space of spaces) {
  const presets = Object.entries(space.presets);
  if (presets.length === 0) continue;
  describe(`${space.name}: presets at their published stack, forward and backward`, () => {
    for (const [name, preset] of presets) {
      const input = { ...space.defaultInput, ...preset.input };
      test(`${name} on ${input.size}x${input.size}`, () => {
        manualSeed(7);
        const net = space.build(preset.genotype, preset.stack);
        const classes = (preset.stack as { classes?: number } | undefined)?.classes ?? (space.defaultStack as { classes?: number }).classes;
        const live = undisposedTensors();
        try {
          net.train();
          let auxSeen = false;
          tidy(() => {
            const x = randn([1, input.channels, input.size, input.size]);
            const { logits, aux } = hasAux(net) ? net.forwardWithAux(x) : { logits: net.forward(x), aux: null };
            assert.deepEqual(logits.shape, [1, classes]);
            assert.ok(logits.toArray().every(Number.isFinite), 'finite logits');
            const y = randint(0, classes!, [1]);
            let loss = F.crossEntropy(logits, y);
            if (aux) {
              auxSeen = true;
              loss = loss.add(F.crossEntropy(aux, y).mul(0.4)); // the papers' auxiliary weight
            }
            loss.backward();
          });
          assert.deepEqual(badGradients(net), [], 'every parameter, auxiliary head included, gets a finite gradient');
          const auxHead = [...net.namedParameters()].some(([n]) => /aux/.test(n));
          assert.equal(auxSeen, auxHead, 'a network with an auxiliary head returns its logits in training');
          net.zeroGrad();
          assert.equal(undisposedTensors(), live, 'the step frees what it creates');
        } finally {
          net.dispose();
        }
      });
    }
  });
}
