/**
 * The house rules of src/ (issue 13 item 4), checked by `npm run lint` (`npm run lint:deps`) and by
 * test/architecture/dependencies.test.ts. Type-only imports count: a cycle of types is still a cycle
 * for whoever has to move one of its files.
 *
 * The modules, bottom up: src/shared (vocabulary, database, HTTP helpers, the outbox writer) is
 * imported by all and imports none of them; the approval core is pure; approvals write outbox rows
 * through src/shared/outbox and never import src/mail, whose worker reads those rows, renders and
 * sends them.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycle between files, type-only imports included (e.g. mail/worker ↔ mail/transport).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'shared-stays-below',
      comment: 'src/shared is the bottom layer: it never imports a feature module.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(approvals|auth|inbound|mail|people|tickets|workspaces)/' },
    },
    {
      name: 'vocabulary-in-shared',
      comment:
        'Outside approvals, nobody imports the approval core: shared words (PersonRef, Channel, Locale…) come from src/shared/vocabulary.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/approvals/' },
      to: { path: '^src/approvals/core/' },
    },
    {
      name: 'core-is-pure',
      comment: 'The approval core does no I/O: it imports only itself and the shared vocabulary.',
      severity: 'error',
      from: { path: '^src/approvals/core/', pathNot: '\\.test\\.ts$|/test-fixtures\\.ts$' },
      to: { pathNot: '^src/approvals/core/|^src/shared/vocabulary\\.ts$' },
    },
    // The layers, bottom up: shared < auth < people, workspaces < tickets < approvals < inbound < mail. A module
    // imports only the layers below it, its HTTP adapters (routes.ts) too: sign-up lives with workspaces
    // (it creates one), and the app (src/app.ts) wires what crosses upwards, such as a deactivated
    // member's approval links being revoked.
    {
      name: 'auth-is-below-the-features',
      severity: 'error',
      from: { path: '^src/auth/' },
      to: { path: '^src/(people|workspaces|tickets|approvals|inbound|mail)/' },
    },
    {
      name: 'people-and-workspaces-are-below-tickets',
      severity: 'error',
      from: { path: '^src/(people|workspaces)/' },
      to: { path: '^src/(tickets|approvals|inbound|mail)/' },
    },
    {
      name: 'tickets-are-below-approvals',
      severity: 'error',
      from: { path: '^src/tickets/' },
      to: { path: '^src/(approvals|inbound|mail)/' },
    },
    {
      name: 'approvals-do-not-import-mail',
      comment:
        'Approvals produce outbox rows (src/shared/outbox); the mail worker renders and sends them. Mail may read approvals, never the reverse.',
      severity: 'error',
      from: { path: '^src/approvals/' },
      to: { path: '^src/(inbound|mail)/' },
    },
    {
      name: 'inbound-does-not-import-mail',
      comment:
        'The inbound pipeline (SPEC §8.2) takes mail in and hands it to tickets and approvals; what it sends goes through the outbox. The dev mailbox (mail) may hand it a message.',
      severity: 'error',
      from: { path: '^src/inbound/' },
      to: { path: '^src/mail/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
