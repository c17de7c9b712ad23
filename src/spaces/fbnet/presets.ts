// FBNet-A, -B and -C (Wu et al., CVPR 2019, Figure 4) as released. Two releases exist and
// differ in one layer of A and one of B: mobile-vision's `fbnet_v2/fbnet_modeldef_cls_fbnet.py`
// (Facebook's current code; g2 blocks written `ir_k3_g2`/`ir_k5_g2`) and the fbnet_builder
// MODEL_ARCH (`block_op_type` lists; g2 written `ir_k3_s2`/`ir_k5_s2`). Each preset follows
// the one that reproduces the paper's FLOPs (docs/spaces.md has the numbers):
// - A: mobile-vision (layer 15 k5_e3; the builder list has k5_e1 but e3 in its own block_cfg),
//   with mobile-vision's 1504-wide head instead of Table 1's 1984;
// - B: the builder list (layer 10 k5_e1, as its block_cfg agrees; mobile-vision has k5_e6);
// - C: both agree.
import { type FBNetBlockName } from './blocks.js';

export const FBNET_A: readonly FBNetBlockName[] = [
  'skip',
  'k3_e3',
  'k3_e1',
  'skip',
  'skip',
  'k5_e6',
  'k3_e3',
  'k5_e1',
  'k3_e3',
  'k5_e6',
  'k5_e3',
  'k5_e1_g2',
  'k5_e6',
  'k3_e6',
  'k5_e1_g2',
  'k5_e3',
  'k3_e1_g2',
  'k5_e6',
  'k5_e6',
  'k5_e3',
  'k5_e6',
  'k5_e6',
];

export const FBNET_B: readonly FBNetBlockName[] = [
  'k3_e1',
  'k3_e6',
  'k5_e1',
  'k3_e1',
  'k3_e1',
  'k5_e6',
  'k5_e3',
  'k3_e6',
  'k5_e6',
  'k5_e6',
  'k5_e1',
  'skip',
  'k5_e3',
  'k5_e6',
  'k3_e1',
  'k5_e1',
  'k5_e3',
  'k5_e6',
  'k5_e1',
  'k5_e6',
  'k5_e6',
  'k3_e6',
];

export const FBNET_C: readonly FBNetBlockName[] = [
  'k3_e1',
  'k3_e6',
  'skip',
  'k3_e1',
  'k3_e1',
  'k5_e6',
  'k5_e3',
  'k5_e6',
  'k3_e6',
  'k5_e6',
  'k5_e3',
  'k5_e6',
  'k5_e6',
  'k5_e6',
  'k5_e6',
  'k5_e6',
  'k5_e3',
  'k5_e6',
  'k5_e6',
  'k5_e6',
  'k5_e6',
  'k3_e6',
];
