/** Test-side access to the fake Slack's request signing (the demo uses the same code). */
export { type SlackSignature, signSlackRequest } from '../../tools/fake-slack/signing.js';
