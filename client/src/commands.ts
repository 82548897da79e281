// Command ids, as contributed in package.json.
export const SHOW_EFFECTIVE_CONFIGURATION_COMMAND = 'tasklens.showEffectiveConfiguration';
export const RESTART_SERVER_COMMAND = 'tasklens.restartServer';
export const PICK_ENVIRONMENT_COMMAND = 'tasklens.pickEnvironment';
export const REFRESH_TASKS_COMMAND = 'tasklens.refreshTasks';
export const FILTER_TASKS_COMMAND = 'tasklens.filterTasks';
export const OPEN_SOURCE_COMMAND = 'tasklens.openSource';
