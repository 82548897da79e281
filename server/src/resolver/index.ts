// The shared resolver: pynenc's ConfigTask model and resolution rules, with
// provenance. No editor or LSP package may be imported below this line.
export * from './fields';
export * from './taskId';
export * from './configNode';
export * from './loaders';
export * from './dotenv';
export * from './exceptions';
export * from './convert';
export * from './resolve';
export * from './scenario';
export * from './configTask';
