// Random horizontal flip, decided per sample.
import { F, callAten, tensor, tidy, type Tensor } from '../../torch/index.js';
import { type Batch } from '../dataset.js';
import { type Rng } from '../../util/index.js';
import { type Transform, checkProbability, requireImages } from './transform.js';

export class RandomHorizontalFlip implements Transform {
  readonly kind = 'random-horizontal-flip';
  constructor(readonly p = 0.5) {
    checkProbability(p, 'randomHorizontalFlip');
  }

  apply(batch: Batch, rng: Rng): Batch {
    const [n] = requireImages(batch.x.shape, 'randomHorizontalFlip');
    const chosen = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      chosen[i] = rng.next() < this.p ? 1 : 0;
      if (chosen[i]) any = true;
    }
    if (!any) return batch;
    const x = tidy(() => {
      const mask = tensor(chosen, [n, 1, 1, 1], { dtype: 'bool', device: batch.x.device === 'cpu' ? undefined : batch.x.device });
      const flipped = callAten('flip', batch.x, [3]) as Tensor;
      return F.where(mask, flipped, batch.x);
    });
    return { x, y: batch.y };
  }
}

export function randomHorizontalFlip(p = 0.5): RandomHorizontalFlip {
  return new RandomHorizontalFlip(p);
}
