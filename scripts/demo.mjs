// `npm start`: what Tasklens says about the demo workspace, from the command line.
import { spawnSync } from 'node:child_process';

const run = (...args) => {
  console.log(`\n$ tasklens ${args.join(' ')}`);
  spawnSync(process.execPath, ['server/out/cli.js', ...args], { stdio: 'inherit' });
};

run('check', '--root', 'examples/demo');
run('explain', 'src.tasks.email.sendEmail', '--root', 'examples/demo');
run('explain', 'src.tasks.billing.chargeCard', '--root', 'examples/demo');
run('diff', 'default', 'production', '--root', 'examples/demo');
console.log('\nThe editor shows the same in examples/demo: see README.md.');
