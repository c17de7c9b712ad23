// Pieces shared by the layer-wise mobile spaces (fbnet, proxylessnas).
export { type MobileActivation, convBnAct, headAndClassify } from './backbone.js';
