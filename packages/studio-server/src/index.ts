// Catalyst Studio's server side: the browser app's files and its JSON API (docs/studio.md).

export {
  createStudioApp,
  type StudioApp,
  type StudioAppOptions,
  type StudioProblem,
} from './create-studio-app.js';
export { type EditWorkflowTextOptions, editWorkflowText } from './edit-workflow-text.js';
export { exportPythonZip, generatedWorkflowModule } from './export-python-zip.js';
export { mountStudio } from './mount-studio.js';
export { simulatorEnvironment } from './simulator-environment.js';
export { DEFAULT_ASSETS_DIRECTORY } from './studio-assets.js';
export { isLoopbackName, refuseStudioRequest } from './studio-request-guard.js';
export { FileNameError, WorkflowFiles } from './workflow-files.js';
