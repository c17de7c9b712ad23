// Activations that overwrite their input (PyTorch's ReLU(inplace=True)): no new tensor, so no
// allocation and no page faults for a fresh output. Use them only on a tensor nothing else
// reads afterwards and whose producer's backward does not need it: right after batch norm or
// a convolution, as MobileNetV2 and the NAS-Bench-Macro network do.
import { type Tensor } from '../torch/index.js';
import { type Layer, Module } from './module.js';

export class InplaceReLU extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.relu_();
  }
}

export class InplaceReLU6 extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.relu6_();
  }
}
