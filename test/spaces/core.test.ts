// The SearchSpace contract, checked on every registered space (a new space is tested by
// registering it), and the core's helpers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { F, undisposedTensors, manualSeed, randint, randn, rngState, setNumThreads, tidy, type Tensor } from '../../src/torch/index.js';
import { traceMacs } from '../../src/nn/index.js';
import { SPACES, getSpace, spaceNames, SpaceError, findPreset, type AnySearchSpace } from '../../src/spaces/index.js';
import { checkDecisionValues, mutateDecisionValues, oneHot, oneHotLength, sampleDecisionValues } from '../../src/spaces/core/index.js';
import { Rng, canonicalJson, didYouMean, jsonRoundTrip, nearestNames } from '../../src/util/index.js';

setNumThreads(1);

const KNOWN_NAMES = ['nasnet', 'darts', 'enas-micro', 'enas-macro', 'nas-bench-macro', 'nas-bench-201', 'mnasnet', 'fbnet', 'proxylessnas', 'mobilenetv3'];

function samples(space: AnySearchSpace, n: number, seed: number): object[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => space.sample(rng));
}

function sameTensorBytes(a: Tensor, b: Tensor): boolean {
  return a.toArray().every((v, i) => v === b.toArray()[i]);
}

test('the registry: unique names from the documented list, found by name', () => {
  const names = spaceNames();
  assert.ok(names.length >= 1);
  assert.equal(new Set(names).size, names.length, `duplicate space names in ${names}`);
  for (const n of names) {
    assert.ok(KNOWN_NAMES.includes(n), `'${n}' is not one of the documented space names`);
    assert.equal(getSpace(n).name, n);
  }
});

test('an unknown space name is a SpaceError that suggests the nearest name', () => {
  assert.throws(
    () => getSpace('nas-bench-makro'),
    (e: unknown) => {
      assert.ok(e instanceof SpaceError);
      assert.equal(e.code, 'unknown-space');
      assert.match(e.message, /did you mean 'nas-bench-macro'\?/i);
      return true;
    },
  );
  assert.throws(
    () => getSpace('zzzzzzzzzzzzzz'),
    (e: unknown) => e instanceof SpaceError && !/did you mean/i.test(e.message) && /Known spaces: /.test(e.message),
  );
});

for (const space of SPACES) {
  describe(`space '${space.name}' keeps the SearchSpace contract`, () => {
    const decisions = space.decisions();

    test('decisions: a fixed, non-empty list of named choices', () => {
      assert.ok(decisions.length > 0);
      assert.equal(new Set(decisions.map((d) => d.name)).size, decisions.length, 'decision names are unique');
      for (const d of decisions) assert.ok(d.choices.length >= 1, `${d.name} has choices`);
      assert.deepEqual(space.decisions(), decisions);
      assert.ok(space.description.length > 0);
    });

    test('sampling is seeded: the same seed gives the same genotypes, another seed others', () => {
      const a = samples(space, 20, 7).map((g) => canonicalJson(g));
      const b = samples(space, 20, 7).map((g) => canonicalJson(g));
      const c = samples(space, 20, 8).map((g) => canonicalJson(g));
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
    });

    test('sampling is uniform over each decision (chi-square over 4,000 samples)', () => {
      const n = 4000;
      const counts = decisions.map((d) => new Array<number>(d.choices.length).fill(0));
      for (const g of samples(space, n, 11))
        space.toDecisions(g).forEach((v, i) => {
          counts[i]![v]!++;
        });
      decisions.forEach((d, i) => {
        const k = d.choices.length;
        if (k < 2) return;
        const expected = n / k;
        const chi2 = counts[i]!.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
        // mean k-1, sd sqrt(2(k-1)): 6 sd above the mean is far beyond chance (and the seed is fixed)
        assert.ok(chi2 < k - 1 + 6 * Math.sqrt(2 * (k - 1)), `${d.name}: chi-square ${chi2.toFixed(1)} over ${k} choices, counts ${counts[i]}`);
      });
    });

    test('decision vectors round-trip, and bad vectors are refused with the position', () => {
      for (const g of samples(space, 50, 3)) {
        const v = space.toDecisions(g);
        assert.equal(v.length, decisions.length);
        assert.deepEqual(space.toDecisions(space.fromDecisions(v)), v);
        assert.equal(space.key(space.fromDecisions(v)), space.key(g));
      }
      const zeros = decisions.map(() => 0);
      assert.throws(
        () => space.fromDecisions(zeros.slice(1)),
        (e: unknown) => e instanceof SpaceError && e.code === 'invalid-decisions',
      );
      const bad = [...zeros];
      bad[decisions.length - 1] = decisions[decisions.length - 1]!.choices.length;
      assert.throws(
        () => space.fromDecisions(bad),
        (e: unknown) => e instanceof SpaceError && e.path === `[${decisions.length - 1}]`,
      );
    });

    test('mutate changes exactly one decision, leaves its input alone and stays valid', () => {
      const rng = new Rng(5);
      for (const g of samples(space, 300, 4)) {
        const before = canonicalJson(g);
        const m = space.mutate(g, rng);
        assert.equal(canonicalJson(g), before, 'mutate must not change its input');
        space.validate(jsonRoundTrip(m));
        const [a, b] = [space.toDecisions(g), space.toDecisions(m)];
        assert.equal(a.filter((x, i) => x !== b[i]).length, 1, `${canonicalJson(g)} → ${canonicalJson(m)}`);
      }
    });

    test('keys and genotypes survive a JSON round trip; encode has one fixed length', () => {
      const len = space.encode(space.sample(new Rng(0))).length;
      assert.ok(len > 0);
      for (const g of samples(space, 100, 9)) {
        const back = space.validate(jsonRoundTrip(g));
        assert.deepEqual(back, jsonRoundTrip(g));
        assert.equal(space.key(back), space.key(g));
        assert.equal(typeof space.key(g), 'string');
        const e = space.encode(g);
        assert.equal(e.length, len);
        assert.ok(e.every((x) => Number.isFinite(x)));
      }
    });

    test('validate refuses what is not a genotype with a SpaceError', () => {
      for (const bad of [null, 3, 'x', [], {}, { nonsense: true }]) {
        assert.throws(
          () => space.validate(bad),
          (e: unknown) => e instanceof SpaceError && e.code === 'invalid-genotype',
          JSON.stringify(bad),
        );
      }
      const g = space.sample(new Rng(1)) as Record<string, unknown>;
      assert.throws(
        () => space.validate({ ...g, extra: () => 1 }),
        (e: unknown) => e instanceof SpaceError,
      );
    });

    test('sampled and mutated genotypes build and train a step at the tiny stack', () => {
      manualSeed(0);
      const { stack, input } = space.tiny;
      const g0 = space.sample(new Rng(21));
      for (const g of [g0, space.mutate(g0, new Rng(22))]) {
        const net = space.build(g, stack);
        const live = undisposedTensors();
        tidy(() => {
          const x = randn([2, input.channels, input.size, input.size]);
          const logits = net.forward(x);
          assert.equal(logits.shape.length, 2);
          assert.equal(logits.shape[0], 2);
          const classes = logits.shape[1]!;
          const loss = F.crossEntropy(logits, randint(0, classes, [2]));
          assert.ok(Number.isFinite(loss.item()));
          loss.backward();
          const withGrad = net.parameters().filter((p) => p.grad !== null).length;
          assert.ok(withGrad > 0, 'backward reached the parameters');
          // the dry run sees the same output shape without computing
          assert.deepEqual(traceMacs(() => net.forward(x)).value.shape, logits.shape);
        });
        net.zeroGrad();
        assert.equal(undisposedTensors(), live, 'the training step left no tensors behind');
        net.dispose();
      }
    });

    test('cost: counted from the built network, deterministic, no random draws, no leaks', () => {
      const g = space.sample(new Rng(31));
      const { stack, input } = space.tiny;
      const live = undisposedTensors();
      const state = rngState();
      const c1 = space.cost(g, stack, input);
      const c2 = space.cost(jsonRoundTrip(g), stack, input);
      const after = rngState();
      assert.ok(sameTensorBytes(state, after), 'counting must not draw from the global generator');
      state.dispose();
      after.dispose();
      assert.equal(undisposedTensors(), live);
      assert.deepEqual(c1, c2);
      const net = space.build(g, stack);
      assert.equal(c1.params, net.numParameters());
      net.dispose();
      assert.ok(c1.macs > 0 && Number.isInteger(c1.macs));
      const bigger = space.cost(g, stack, { ...input, size: input.size * 2 });
      assert.ok(bigger.macs > c1.macs, 'more pixels, more MACs');
    });

    test('genotypes with equal keys build networks of equal cost', () => {
      const byKey = new Map<string, object>();
      let pairs = 0;
      for (const g of samples(space, 400, 41)) {
        const k = space.key(g);
        const other = byKey.get(k);
        if (other && canonicalJson(other) !== canonicalJson(g) && pairs < 4) {
          pairs++;
          assert.deepEqual(
            space.cost(g, space.tiny.stack, space.tiny.input),
            space.cost(other, space.tiny.stack, space.tiny.input),
            `${canonicalJson(g)} vs ${canonicalJson(other)}`,
          );
        }
        byKey.set(k, g);
      }
    });

    test('presets are valid genotypes that cost out at their published stack', () => {
      for (const [name, p] of Object.entries(space.presets)) {
        assert.strictEqual(findPreset(space, name), p);
        const g = space.validate(jsonRoundTrip(p.genotype));
        const c = space.cost(g, p.stack, p.input);
        assert.ok(c.params > 0 && c.macs > 0, name);
      }
      assert.throws(
        () => findPreset(space, 'no-such-preset'),
        (e: unknown) => e instanceof SpaceError && e.code === 'unknown-preset',
      );
    });

    test('an unknown stack field is refused, naming the fields there are', () => {
      const g = space.sample(new Rng(2));
      assert.throws(
        () => space.build(g, { bogus: 1 } as never),
        (e: unknown) => e instanceof SpaceError && e.code === 'invalid-stack' && /bogus/.test(e.message),
      );
    });
  });
}

describe('core helpers', () => {
  const ds = [
    { name: 'a', choices: ['x', 'y', 'z'] },
    { name: 'b', choices: [1] },
    { name: 'c', choices: ['p', 'q'] },
  ];

  test('one-hot encoding concatenates each decision in order', () => {
    assert.equal(oneHotLength(ds), 6);
    assert.deepEqual(oneHot(ds, [2, 0, 1]), [0, 0, 1, 1, 0, 1]);
  });

  test('sampling and mutation work on decision vectors; single-choice decisions never mutate', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const v = sampleDecisionValues(ds, rng);
      checkDecisionValues('t', ds, v);
      const m = mutateDecisionValues('t', ds, v, rng);
      assert.equal(m[1], 0);
      assert.equal(m.filter((x, j) => x !== v[j]).length, 1);
    }
    assert.throws(() => mutateDecisionValues('t', [{ name: 'only', choices: ['x'] }], [0], rng), SpaceError);
  });

  test('canonical JSON sorts keys at every level and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  test('nearest names', () => {
    const known = ['darts', 'nasnet', 'enas-micro', 'enas-macro', 'mnasnet'];
    assert.deepEqual(nearestNames('drats', known), ['darts']);
    assert.equal(nearestNames('enas', known)[0]?.startsWith('enas-'), true);
    assert.equal(didYouMean('qqqqqqqqqq', known), '');
  });
});
