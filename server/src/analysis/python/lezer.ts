// The only module that loads the Python parser. Everything else imports its
// types only and loads it through `loadLezer()` on the first file that needs
// parsing, so a workspace without pynenc tasks never loads it; the bundle
// ships it as `server/out/python.js` (scripts/bundle.mjs).
export { parser } from '@lezer/python';
export { TreeFragment } from '@lezer/common';
