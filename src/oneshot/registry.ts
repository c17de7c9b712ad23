// The weight-sharing methods a search config can name (`strategy: {name: darts, epochs: 1}`).
import { type OneShotMethod } from './method.js';
import { dartsMethod } from './darts.js';
import { gdasMethod } from './gdas.js';
import { oneshotMethod } from './oneshot.js';
import { fbnetMethod } from './fbnet.js';
import { proxylessMethod } from './proxyless.js';
import { enasMethod } from './enas.js';

export const ONESHOT_METHODS: OneShotMethod[] = [
  dartsMethod,
  gdasMethod,
  oneshotMethod,
  fbnetMethod,
  proxylessMethod,
  enasMethod,
];
