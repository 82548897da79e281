// The Python task source (SPEC §10). Requiring this module does not load the
// parser: that happens on the first file that needs parsing (`lezer.ts`).
export { PythonIndex, PythonIndexOptions, PythonIndexStats } from './pythonIndex';
export { pythonRootsFor, pythonModuleFor, PythonModule, PYTHON_IGNORED_DIRS, isIgnoredPythonPath, normaliseRoot } from './roots';
export { PYTHON_BUILTIN_EXCEPTIONS, PYTHON_RETRY_ERROR, PYTHON_BUILTIN_ALIASES, pythonBuiltinException, pythonBuiltinQualifiedName, isPythonBuiltinException } from './builtins';
export { pythonAnalysisDepth, PythonAnalysisDepth } from './prefilter';
export { TextEdit, decodeStringLiteral } from './fileReader';
