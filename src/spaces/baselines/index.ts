export { ResNet, type ResNetOptions, BASELINES } from './resnet.js';
