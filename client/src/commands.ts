// Command ids, as contributed in package.json.
export const SHOW_EFFECTIVE_CONFIGURATION_COMMAND = 'tasklens.showEffectiveConfiguration';
export const RESTART_SERVER_COMMAND = 'tasklens.restartServer';
