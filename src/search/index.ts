// The search facade: what the CLI, a dashboard and a user's script call. A config (YAML, JSON
// or an object) is resolved and checked, becomes a study definition (space, strategy or
// weight-sharing method, evaluator, objective, scheduler), runs in workers, and is read back as
// data; openStudy gives the same studies to a user's own training code through ask/tell.
export { type SearchConfig, type ConfigOverrides, type ResolveOptions, loadSearchConfig, resolveConfig } from './config.js';
export type { EvaluatorSpec, ExternalEvaluatorSpec, SchedulerConfig, TableEvaluatorSpec, TrainEvaluatorSpec } from './schema.js';
export { ConfigError } from './config-errors.js';
export { SearchError, type SearchErrorCode } from './errors.js';
export type { SearchEvent, SearchLogEvent, SearchEventSink } from './events.js';
export { studyDefinition, buildEvaluator, describeEvaluator, type SearchEvaluator } from './definition.js';
export { prepareSearch, PROXY_TRAINING_METRICS, type PreparedSearch } from './prepare.js';
export { isWeightSharing, weightSharingNames } from './methods.js';
export {
  runSearch,
  runStudyWorker,
  type RunSearchOptions,
  type SearchOutcome,
  type StudyWorkerOptions,
  type StudyWorkerOutcome,
} from './run.js';
export {
  pickStudy,
  ranked,
  stateCounts,
  configField,
  studyObjective,
  trialJson,
  studyStatus,
  studyTrials,
  studyBest,
  chooseTrial,
  type StudyQuery,
  type StudyStatus,
  type StateCounts,
  type RunningTrial,
} from './read.js';
export { deleteStudy, studyWorkdir, type DeleteStudyRequest, type DeleteStudyResult } from './manage.js';
export { exportTrial, EXPORT_FILES, type ExportRequest, type ExportResult } from './export.js';
export { retrain, type RetrainRequest, type RetrainPlan, type RetrainResult } from './retrain.js';
export { GENOTYPE_SHAPES, genotypeDocument, documentSpace, type GenotypeDocument } from './genotype-doc.js';
export { type StorageLike, defaultStorageUrl, withStorage } from './storage.js';
export { objectiveOf } from './objective.js';
export { openStudy, type OpenStudyOptions, type AskTellStudy, type AskedTrial } from './ask-tell.js';
