// The supernets of the layer-wise spaces, built from the spaces' own parts: the stem and head
// come from the space's network (built once and taken apart), every searchable layer holds
// each of the space's candidate blocks as the space builds it at that position (FBNet's
// `skip`, ProxylessNAS's `zero` included), so a path through the supernet is exactly the
// network the space builds for that genotype.
import { type AnySearchSpace, type Genotype, type Stack, fbnet, proxylessnas } from '../../../spaces/index.js';
import { type LayerModule, Identity, MBConv, Sequential } from '../../../nn/index.js';
import { LayerwiseSupernet, PoolHead } from './supernet.js';
import { OneShotError } from '../../core/index.js';

/** The spaces with a layer-wise supernet. */
export const LAYERWISE_SPACES = ['fbnet', 'proxylessnas'] as const;

function fbnetSupernet(space: AnySearchSpace, stack: Partial<Stack>): LayerwiseSupernet {
  // every layer as a g2 block: building it checks that the widths split into 2 groups everywhere
  const probe = space.build({ blocks: new Array(fbnet.FBNET_LAYERS).fill('k3_e1_g2') }, stack) as fbnet.FBNetNetwork;
  const full = { ...(space.defaultStack as fbnet.FBNetSpaceStack), ...stack } as fbnet.FBNetSpaceStack;
  const layout = fbnet.fbnetLayout(full.channels, full.widths);
  probe.features.dispose(); // only the stem and head are taken
  return new LayerwiseSupernet({
    space: space.name,
    stem: probe.stem,
    choices: space.decisions().map((d) => d.choices.map(String)),
    candidate: (i, name) => fbnet.fbnetLayer(name as fbnet.FBNetBlockName, layout[i]!.cIn, layout[i]!.cOut, layout[i]!.stride),
    head: new PoolHead(probe.out, probe.classifier),
    inChannels: 3,
  });
}

function proxylessOp(name: string, slot: proxylessnas.ProxylessLayerSlot): LayerModule {
  if (name === 'zero') return new Identity(); // the layer left out: only its residual remains
  const m = /^k(\d)_e(\d)$/.exec(name)!;
  return new MBConv(slot.cIn, slot.cOut, { kernel: Number(m[1]), expansion: Number(m[2]), stride: slot.stride, activation: 'relu6' });
}

function proxylessSupernet(space: AnySearchSpace, stack: Partial<Stack>): LayerwiseSupernet {
  const probe = space.build(space.fromDecisions(space.decisions().map(() => 0)), stack) as proxylessnas.ProxylessNetwork;
  const full = { ...(space.defaultStack as proxylessnas.ProxylessSpaceStack), ...stack } as proxylessnas.ProxylessSpaceStack;
  const layout = proxylessnas.proxylessLayout(full.widths);
  probe.features.dispose(); // only the stem, first block and head are taken
  return new LayerwiseSupernet({
    space: space.name,
    stem: new Sequential(probe.stem, probe.first),
    choices: space.decisions().map((d) => d.choices.map(String)),
    candidate: (i, name) => proxylessOp(name, layout[i]!),
    head: new PoolHead(probe.out, probe.classifier),
    inChannels: 3,
  });
}

/** The supernet of a layer-wise space on `stack`; other spaces are refused with the list. */
export function layerwiseSupernet(space: AnySearchSpace, stack: Partial<Stack> = {}): LayerwiseSupernet {
  if (space.name === 'fbnet') return fbnetSupernet(space, stack);
  if (space.name === 'proxylessnas') return proxylessSupernet(space, stack);
  throw new OneShotError(`there is no layer-wise supernet of space '${space.name}'; use one of: ${LAYERWISE_SPACES.join(', ')}`, 'unsupported-space');
}

/** The genotype of a path (one candidate index per layer): the layers' decisions. */
export function pathGenotype(space: AnySearchSpace, path: readonly number[]): Genotype {
  return space.fromDecisions(path);
}

/** The path of a genotype. */
export function genotypePath(space: AnySearchSpace, g: Genotype): number[] {
  return space.toDecisions(g);
}
