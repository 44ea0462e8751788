/**
 * The layers of src/, lowest first. An import may only point to the same layer or a lower one, and never in a
 * cycle; `npm run deps` (part of `npm run check`) fails otherwise.
 *
 *   base       src/config.ts, src/logger.ts, src/entry.ts, src/lib/
 *   data       src/modelarts/ (the ModelArts API and its domain model), src/store/ (persistence); neither imports
 *              the other
 *   domain     src/alerts/ (what changed, who hears about it, the outbox rows that carry it)
 *   surfaces   src/poller/ (ModelArts → outbox) and src/slack/ (Slack in, and delivery to Slack); neither imports the other
 *   top        src/main.ts (the composition root), src/metrics.ts, src/ops/ (health, readiness, the operations
 *              listener), src/cli/
 *
 * tools/ (simulator, Slack stand-in, demo, preview), test/ and bench/ may import src/; src/ never imports them.
 */
const BASE = '^src/(config|logger|entry)\\.ts$|^src/lib/';
const MODELARTS = '^src/modelarts/';
const STORE = '^src/store/';
const ALERTS = '^src/alerts/';
const POLLER = '^src/poller/';
const SLACK = '^src/slack/';
const TOP = '^src/(main|metrics)\\.ts$|^src/(cli|ops)/';

const layerRule = (name, from, forbidden) => ({
  name,
  severity: 'error',
  from: { path: from },
  to: { path: forbidden },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules of src/ never import each other in a circle.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    layerRule('base-imports-nothing-above', BASE, [MODELARTS, STORE, ALERTS, POLLER, SLACK, TOP]),
    layerRule('modelarts-is-data', MODELARTS, [STORE, ALERTS, POLLER, SLACK, TOP]),
    layerRule('store-is-data', STORE, [MODELARTS, ALERTS, POLLER, SLACK, TOP]),
    layerRule('alerts-is-domain', ALERTS, [POLLER, SLACK, TOP]),
    layerRule('poller-is-not-slack', POLLER, [SLACK, TOP]),
    layerRule('slack-is-not-poller', SLACK, [POLLER, TOP]),
    layerRule('src-never-imports-tools-tests-or-benches', '^src/', ['^tools/', '^test/', '^bench/']),
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
