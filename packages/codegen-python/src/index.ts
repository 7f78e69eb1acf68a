export {
  BUILD_MARKER,
  type GeneratedFile,
  type GenerateOptions,
  generatePythonProject,
} from './generate-project.js';
export { NODE_CONFIGS_MODULE_PATH, nodeConfigsModule } from './node-configs-module.js';
export { type ProjectNeeds, projectNeeds } from './project-needs.js';
export {
  commentText,
  Identifiers,
  PythonWriter,
  pythonString,
  pythonStringParts,
  pythonValueLines,
} from './python-writer.js';
export { loadRuntimeSources, type RuntimeSources } from './runtime-sources.js';
export { sampleInput } from './sample-input.js';
export { ProjectDirectoryError, writeProject } from './write-project.js';
