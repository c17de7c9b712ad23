// One path of a layer-wise supernet as a child: core's BN recalibration and accuracy of a child
// (supernets share batch norms, whose statistics must be re-estimated per child), for a path.
import { type DataLoader } from '../../../data/index.js';
import { childAccuracy, recalibrateChildBatchNorm } from '../../core/index.js';
import { type LayerwiseSupernet } from './supernet.js';

/** BN recalibration for one path of a layer-wise supernet. */
export function recalibrateBatchNorm(net: LayerwiseSupernet, path: readonly number[], loader: DataLoader, batches: number, epoch = 0): void {
  recalibrateChildBatchNorm(net, net.inChannels, (x) => net.forwardPath(x, path), loader, batches, epoch);
}

/** Top-1 accuracy of one path of a layer-wise supernet, in eval mode. */
export function pathAccuracy(net: LayerwiseSupernet, path: readonly number[], loader: DataLoader, batches = loader.length): number {
  return childAccuracy(net, net.inChannels, (x) => net.forwardPath(x, path), loader, batches);
}
