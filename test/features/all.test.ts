// The feature tests, in one process: each file needs TypeScript's parser, whose
// load (about a second on this machine) would otherwise be paid once a file.
// Run one file alone with `node --test build/test/features/<name>.spec.js`.
import './completion.spec';
import './diagnostics.spec';
import './editedAsFresh.spec';
import './halfTyped.spec';
import './halfTyped2.spec';
import './longValues.spec';
import './hover.spec';
import './navigation.spec';
import './quickFixes.spec';
import './taskForms.spec';
